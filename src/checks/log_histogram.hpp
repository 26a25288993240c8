#pragma once
// Latencies counted at two significant digits, as HdrHistogram does, so that the histograms of
// shards add up to the whole run's and its percentiles come back within that precision.
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "util/result.hpp"

namespace sc {

// Values below 256 (microseconds) are counted exactly; above, each power of two is cut into
// 128 buckets, so a bucket is at most 1/128 (0.78%) of its values wide.
class LogHistogram {
 public:
  static constexpr int kSubBuckets = 128;
  static constexpr std::int64_t kExactBelow = 2 * kSubBuckets;
  // What the report says the precision is: a percentile is within this share of the exact one.
  static constexpr double kRelativePrecision = 1.0 / kSubBuckets;

  static std::size_t index_of(std::int64_t value);
  // The smallest value of bucket `index` (what a percentile in it is reported as).
  static std::int64_t lowest_of(std::size_t index);

  void add(std::int64_t value, long long count = 1);
  void merge(const LogHistogram& other);
  long long total() const { return total_; }
  // Nearest rank, as percentile() in statistics.hpp: the lowest value of the bucket holding
  // the ceil(q * n)-th value; 0 when empty.
  std::int64_t percentile(double q) const;
  // (lowest value, count) of every bucket that counted something, ascending.
  std::vector<std::pair<std::int64_t, long long>> buckets() const;
  // Back from buckets(): each value must be a bucket's lowest and the counts positive.
  static Result<LogHistogram> from_buckets(
      const std::vector<std::pair<std::int64_t, long long>>& buckets);
  bool operator==(const LogHistogram& other) const = default;

 private:
  std::vector<long long> counts_;  // by index, up to the highest counted
  long long total_ = 0;
};

}  // namespace sc
