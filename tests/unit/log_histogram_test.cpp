// The mergeable latency histogram: two significant digits, shards add up to the whole.
#include <gtest/gtest.h>

#include <random>

#include "checks/log_histogram.hpp"
#include "checks/statistics.hpp"

namespace sc {
namespace {

TEST(LogHistogram, EveryValueFallsInABucketAtMostOnePartIn128Wide) {
  for (std::int64_t v : {0, 1, 255, 256, 257, 511, 512, 1000, 4999, 5000, 123456, 2147483647}) {
    const auto low = LogHistogram::lowest_of(LogHistogram::index_of(v));
    EXPECT_LE(low, v);
    EXPECT_LE(double(v - low), double(low) / 128) << v;
    // The bucket's lowest value is its own bucket's lowest.
    EXPECT_EQ(LogHistogram::lowest_of(LogHistogram::index_of(low)), low);
  }
}

TEST(LogHistogram, PercentilesAreWithinTheStatedPrecisionOfTheExactOnes) {
  std::mt19937 rng(7);
  std::lognormal_distribution<double> latency(7.5, 0.8);  // about 2 ms, a long tail
  LogHistogram h;
  std::vector<long long> values;
  for (int i = 0; i < 20000; ++i) {
    const auto v = static_cast<long long>(latency(rng));
    values.push_back(v);
    h.add(v);
  }
  for (double q : {0.5, 0.9, 0.99, 0.999}) {
    const auto exact = percentile(values, q);
    const auto got = h.percentile(q);
    EXPECT_LE(got, exact) << q;
    EXPECT_LE(double(exact - got), double(exact) * LogHistogram::kRelativePrecision) << q;
  }
}

TEST(LogHistogram, ShardsMergeToTheWholeRunsHistogram) {
  LogHistogram whole, parts[3];
  for (int i = 0; i < 3000; ++i) {
    const std::int64_t v = (i * 7919) % 100000;
    whole.add(v);
    parts[i % 3].add(v);
  }
  LogHistogram merged;
  for (const auto& p : parts) merged.merge(p);
  EXPECT_EQ(merged, whole);
  EXPECT_EQ(merged.total(), 3000);
  EXPECT_EQ(merged.percentile(0.99), whole.percentile(0.99));
}

TEST(LogHistogram, ReadsBackFromItsBuckets) {
  LogHistogram h;
  for (std::int64_t v : {3, 300, 30000, 30000}) h.add(v);
  auto back = LogHistogram::from_buckets(h.buckets());
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, h);
}

TEST(LogHistogram, RefusesAValueThatIsNoBucketsLowest) {
  auto h = LogHistogram::from_buckets({{257, 1}});
  ASSERT_FALSE(h.ok());
  EXPECT_EQ(h.error().message, "257 is not the lowest value of a bucket");
  EXPECT_EQ(LogHistogram::from_buckets({{256, 0}}).error().message,
            "bucket 256: count 0 is not positive");
}

}  // namespace
}  // namespace sc
