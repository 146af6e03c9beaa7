#pragma once
// Robust trend of a short clinical series (a patient's ratings or breathing rate over weeks).
//
// Why Theil–Sen: ratings are coarse integers with outliers (a bad day, a flare-up). The median
// of all pairwise slopes tolerates about 29 % wild points, where least squares is dragged by a
// single bad session, and it makes no normality assumption.
//
// Interval: Sen's (1968) rank interval. Kendall's S has null variance
//   Var(S) = [n(n-1)(2n+5) - sum_t t(t-1)(2t+5)] / 18      (t = sizes of groups of tied x)
// and C = z_{1-a/2} * sqrt(Var(S)) (normal approximation). With the N pairwise slopes sorted
// ascending, the interval runs from the round((N-C)/2)-th to the (round((N+C)/2)+1)-th slope
// (1-based), clamped to the ends. Only ties in x enter the correction, as in Sen's paper (scipy's
// theilslopes also subtracts ties in y, which narrows the interval on integer ratings). For small
// n the interval is conservative: with 5 points it spans the smallest to the largest pairwise slope.

#include <cstddef>
#include <optional>
#include <span>

namespace respira::session {

struct RobustTrend {
  std::size_t n = 0;          // points used
  double slope = 0.0;         // median pairwise slope (y units per x unit)
  double intercept = 0.0;     // median of y - slope * x
  double slope_low = 0.0;     // confidence interval of the slope
  double slope_high = 0.0;
  double confidence = 0.95;

  bool interval_includes_zero() const { return slope_low <= 0.0 && slope_high >= 0.0; }
};

// nullopt when fewer than 2 distinct x values. x and y must be the same length.
std::optional<RobustTrend> theil_sen(std::span<const double> x, std::span<const double> y,
                                     double confidence = 0.95);

// Median of a non-empty sample (mean of the two middle values for even sizes).
double median_of(std::span<const double> values);

// Median absolute deviation from the median (unscaled).
double median_absolute_deviation(std::span<const double> values);

// z with P(Z <= z) = p for a standard normal Z, 0 < p < 1.
double standard_normal_quantile(double p);

}  // namespace respira::session
