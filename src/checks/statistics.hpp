#pragma once
// Honest statistics: every result carries its sample size and whether it means anything.
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

}  // namespace sc
