#pragma once
// Honest statistics: every result carries its sample size and whether it means anything.
#include <cstdint>
#include <string>
#include <vector>

namespace sc {

struct ChiSquareResult {
  bool applicable = false;  // false: too few samples (or categories) for the test to mean much
  std::string reason;       // why not applicable
  long long n = 0;          // total observations
  int df = 0;               // degrees of freedom
  double statistic = 0;
  double p_value = 1;
  double min_expected = 0;  // smallest expected count (the test wants >= 5 everywhere)
};

// Pearson's chi-square goodness of fit of `observed` counts against `weights` (proportional,
// need not sum to 1). Not applicable when an expected count is under 5 or there is one category.
ChiSquareResult chi_square_goodness_of_fit(const std::vector<long long>& observed,
                                           const std::vector<double>& weights);

// Nearest-rank percentile (0 < q <= 1) of unsorted values; 0 for no values.
long long percentile(std::vector<long long> values, double q);

// Nearest-rank percentiles of 32-bit values without a copy of them (a run's latencies were 8
// bytes a request of its peak memory): a count of their high 16 bits, then of the low 16 bits
// of the values in the buckets that hold the ranks. Feed every value to count_high(), call
// find_buckets(), feed them all again to count_low(); values() then equals percentile()'s for
// each of `qs`, in order.
class PercentileSelect {
 public:
  explicit PercentileSelect(std::vector<double> qs);
  void count_high(std::int32_t v) { ++high_[key(v) >> 16]; }
  void find_buckets();
  void count_low(std::int32_t v) {
    const int slot = slot_of_high_[key(v) >> 16];
    if (slot >= 0) ++low_[static_cast<std::size_t>(slot)][key(v) & 0xffff];
  }
  std::vector<long long> values() const;

 private:
  // Order-preserving: the sign bit flipped, negative values sort first.
  static std::uint32_t key(std::int32_t v) { return static_cast<std::uint32_t>(v) ^ 0x80000000u; }

  struct Rank {
    std::uint32_t high = 0;       // its bucket
    std::uint64_t in_bucket = 0;  // 1-based rank within the bucket
  };
  std::vector<double> qs_;
  std::vector<std::uint64_t> high_;  // values per high half
  std::uint64_t n_ = 0;
  std::vector<Rank> ranks_;
  std::vector<std::int8_t> slot_of_high_;        // -1, or the index into low_ of a needed bucket
  std::vector<std::vector<std::uint64_t>> low_;  // values per low half, in a needed bucket
};

// percentiles_of([](auto&& add) { for (...) add(value); }, {0.5, 0.99}): PercentileSelect's two
// passes over whatever `each` feeds.
template <class Each>
std::vector<long long> percentiles_of(const Each& each, std::vector<double> qs) {
  PercentileSelect select(std::move(qs));
  each([&select](std::int32_t v) { select.count_high(v); });
  select.find_buckets();
  each([&select](std::int32_t v) { select.count_low(v); });
  return select.values();
}

}  // namespace sc
