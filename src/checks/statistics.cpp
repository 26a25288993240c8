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

}  // namespace sc
