#include "checks/statistics.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>

namespace sc {
namespace {

TEST(ChiSquare, PerfectFitHasPValueOne) {
  auto r = chi_square_goodness_of_fit({50, 50}, {1, 1});
  ASSERT_TRUE(r.applicable);
  EXPECT_DOUBLE_EQ(r.statistic, 0);
  EXPECT_DOUBLE_EQ(r.p_value, 1);
  EXPECT_EQ(r.n, 100);
  EXPECT_EQ(r.df, 1);
}

TEST(ChiSquare, KnownValueOneDegreeOfFreedom) {
  // (60-50)^2/50 + (40-50)^2/50 = 4; P(chi2_1 > 4) = 0.0455
  auto r = chi_square_goodness_of_fit({60, 40}, {1, 1});
  EXPECT_DOUBLE_EQ(r.statistic, 4);
  EXPECT_NEAR(r.p_value, 0.0455, 1e-4);
}

TEST(ChiSquare, KnownValueWithUnequalWeights) {
  // expected 25, 25, 50: (35-25)^2/25 + (25-25)^2/25 + (40-50)^2/50 = 6; P(chi2_2 > 6) = e^-3
  auto r = chi_square_goodness_of_fit({35, 25, 40}, {1, 1, 2});
  EXPECT_DOUBLE_EQ(r.statistic, 6);
  EXPECT_NEAR(r.p_value, std::exp(-3.0), 1e-12);
}

TEST(ChiSquare, EverythingOnOneBackendIsRejected) {
  auto r = chi_square_goodness_of_fit({200, 0}, {1, 1});
  EXPECT_LT(r.p_value, 1e-10);
}

TEST(ChiSquare, TooFewSamplesIsNotApplicable) {
  auto small = chi_square_goodness_of_fit({5, 3}, {1, 1});
  EXPECT_FALSE(small.applicable);
  EXPECT_EQ(small.reason, "too few samples: the smallest expected count is 4.0 (< 5) with n = 8");
  // Exactly 5 expected everywhere is the smallest sample the test accepts.
  EXPECT_TRUE(chi_square_goodness_of_fit({6, 4}, {1, 1}).applicable);
}

TEST(ChiSquare, OneCategoryIsNotApplicable) {
  auto r = chi_square_goodness_of_fit({100}, {1});
  EXPECT_FALSE(r.applicable);
  EXPECT_EQ(r.reason, "needs at least two backends");
}

TEST(Percentile, NearestRank) {
  EXPECT_EQ(percentile({5, 1, 4, 2, 3}, 0.5), 3);
  EXPECT_EQ(percentile({5, 1, 4, 2, 3}, 0.99), 5);
  EXPECT_EQ(percentile({}, 0.5), 0);
}

// Values spread over several high halves, duplicates, negatives and the extremes.
TEST(PercentileSelect, GivesNearestRankPercentilesWithoutACopyOfTheValues) {
  std::mt19937 rng(7);
  std::vector<std::int32_t> values{INT32_MIN, INT32_MAX, -1, 0, 0, 65535, 65536};
  for (int i = 0; i < 5000; ++i)
    values.push_back(static_cast<std::int32_t>(rng() % 300'000) - 1000);
  const std::vector<double> qs{0.001, 0.5, 0.5, 0.9, 0.99, 1.0};
  const auto got = percentiles_of(
      [&values](auto&& add) {
        for (auto v : values) add(v);
      },
      qs);
  const std::vector<long long> copy(values.begin(), values.end());
  ASSERT_EQ(got.size(), qs.size());
  for (std::size_t i = 0; i < qs.size(); ++i) EXPECT_EQ(got[i], percentile(copy, qs[i])) << qs[i];
}

TEST(PercentileSelect, NoValuesGiveZero) {
  const auto got = percentiles_of([](auto&&) {}, {0.5, 0.99});
  EXPECT_EQ(got, (std::vector<long long>{0, 0}));
}

}  // namespace
}  // namespace sc
