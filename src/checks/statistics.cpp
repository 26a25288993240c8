#include "checks/statistics.hpp"

#include <algorithm>
#include <boost/math/special_functions/gamma.hpp>
#include <cmath>
#include <fmt/format.h>
#include <numeric>

namespace sc {

ChiSquareResult chi_square_goodness_of_fit(const std::vector<long long>& observed,
                                           const std::vector<double>& weights) {
  ChiSquareResult r;
  r.n = std::accumulate(observed.begin(), observed.end(), 0LL);
  const double weight_sum = std::accumulate(weights.begin(), weights.end(), 0.0);
  if (observed.size() != weights.size() || observed.size() < 2 || weight_sum <= 0) {
    r.reason = "needs at least two backends";
    return r;
  }
  r.df = static_cast<int>(observed.size()) - 1;
  r.min_expected = std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i < observed.size(); ++i) {
    double expected = r.n * weights[i] / weight_sum;
    r.min_expected = std::min(r.min_expected, expected);
    if (expected > 0) r.statistic += std::pow(observed[i] - expected, 2) / expected;
  }
  if (r.min_expected < 5) {
    r.reason = fmt::format("too few samples: the smallest expected count is {:.1f} (< 5) with n = {}",
                           r.min_expected, r.n);
    return r;
  }
  r.applicable = true;
  // Upper tail of the chi-square distribution: Q(df/2, x/2).
  r.p_value = boost::math::gamma_q(r.df / 2.0, r.statistic / 2.0);
  return r;
}

long long percentile(std::vector<long long> values, double q) {
  if (values.empty()) return 0;
  std::size_t rank = static_cast<std::size_t>(std::ceil(q * values.size()));
  rank = std::clamp<std::size_t>(rank, 1, values.size());
  std::nth_element(values.begin(), values.begin() + (rank - 1), values.end());
  return values[rank - 1];
}

PercentileSelect::PercentileSelect(std::vector<double> qs)
    : qs_(std::move(qs)), high_(std::size_t{1} << 16, 0) {}

void PercentileSelect::find_buckets() {
  for (auto c : high_) n_ += c;
  slot_of_high_.assign(high_.size(), -1);
  for (double q : qs_) {
    if (n_ == 0) break;
    // The rank as percentile() takes it.
    auto rank = static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(n_)));
    rank = std::clamp<std::uint64_t>(rank, 1, n_);
    Rank r;
    while (rank > high_[r.high]) rank -= high_[r.high++];
    r.in_bucket = rank;
    ranks_.push_back(r);
    if (slot_of_high_[r.high] < 0) {
      slot_of_high_[r.high] = static_cast<std::int8_t>(low_.size());
      low_.emplace_back(std::size_t{1} << 16, 0);
    }
  }
  high_ = {};
}

std::vector<long long> PercentileSelect::values() const {
  std::vector<long long> out(qs_.size(), 0);
  for (std::size_t i = 0; i < ranks_.size(); ++i) {
    const auto& counts = low_[static_cast<std::size_t>(slot_of_high_[ranks_[i].high])];
    std::uint64_t rank = ranks_[i].in_bucket;
    std::uint32_t low = 0;
    while (rank > counts[low]) rank -= counts[low++];
    const std::uint32_t key = (ranks_[i].high << 16) | low;
    out[i] = static_cast<std::int32_t>(key ^ 0x80000000u);
  }
  return out;
}

}  // namespace sc
