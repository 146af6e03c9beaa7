#include "session/theil_sen.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <map>
#include <vector>

namespace respira::session {

double median_of(std::span<const double> values) {
  assert(!values.empty() && "median of an empty sample");
  std::vector<double> sorted(values.begin(), values.end());
  std::sort(sorted.begin(), sorted.end());
  const std::size_t mid = sorted.size() / 2;
  return sorted.size() % 2 == 1 ? sorted[mid] : 0.5 * (sorted[mid - 1] + sorted[mid]);
}

double median_absolute_deviation(std::span<const double> values) {
  const double centre = median_of(values);
  std::vector<double> deviations;
  deviations.reserve(values.size());
  for (double v : values) deviations.push_back(std::fabs(v - centre));
  return median_of(deviations);
}

double standard_normal_quantile(double p) {
  assert(p > 0.0 && p < 1.0);
  // Bisection on the CDF written with erfc: slow but exact to double precision, and this runs
  // once per trend, not per sample.
  const auto cdf = [](double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); };
  double lo = -40.0;
  double hi = 40.0;
  for (int i = 0; i < 200 && hi - lo > 1e-15; ++i) {
    const double mid = 0.5 * (lo + hi);
    (cdf(mid) < p ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

std::optional<RobustTrend> theil_sen(std::span<const double> x, std::span<const double> y,
                                     double confidence) {
  assert(x.size() == y.size());
  assert(confidence > 0.0 && confidence < 1.0);
  const std::size_t n = x.size();
  std::vector<double> slopes;
  slopes.reserve(n * (n - (n > 0 ? 1 : 0)) / 2);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = i + 1; j < n; ++j) {
      if (x[j] != x[i]) slopes.push_back((y[j] - y[i]) / (x[j] - x[i]));
    }
  }
  if (slopes.empty()) return std::nullopt;
  std::sort(slopes.begin(), slopes.end());

  RobustTrend trend;
  trend.n = n;
  trend.confidence = confidence;
  trend.slope = median_of(slopes);
  std::vector<double> residual_levels;
  residual_levels.reserve(n);
  for (std::size_t i = 0; i < n; ++i) residual_levels.push_back(y[i] - trend.slope * x[i]);
  trend.intercept = median_of(residual_levels);

  std::map<double, double> tie_sizes;
  for (double xi : x) tie_sizes[xi] += 1.0;
  const double nd = static_cast<double>(n);
  double variance = nd * (nd - 1.0) * (2.0 * nd + 5.0);
  for (const auto& [value, t] : tie_sizes) variance -= t * (t - 1.0) * (2.0 * t + 5.0);
  variance /= 18.0;
  const double c = standard_normal_quantile(0.5 + 0.5 * confidence) * std::sqrt(variance);
  const double count = static_cast<double>(slopes.size());
  const auto clamp_rank = [&](double rank) {  // 1-based rank -> 0-based index within range
    return static_cast<std::size_t>(std::clamp(rank, 1.0, count)) - 1;
  };
  trend.slope_low = slopes[clamp_rank(std::round((count - c) / 2.0))];
  trend.slope_high = slopes[clamp_rank(std::round((count + c) / 2.0) + 1.0)];
  return trend;
}

}  // namespace respira::session
