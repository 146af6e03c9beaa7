#include "session/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace respira::session {

double median(std::vector<double> values) {
  if (values.empty()) return std::numeric_limits<double>::quiet_NaN();
  const std::size_t mid = values.size() / 2;
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(mid), values.end());
  const double upper = values[mid];
  if (values.size() % 2 == 1) return upper;
  const double lower = *std::max_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(mid));
  return (lower + upper) / 2.0;
}

SessionMetrics compute_metrics(const std::vector<Breath>& breaths, const PacerSettings& pacer,
                               std::optional<double> signal_quality, std::optional<double> adherence) {
  SessionMetrics metrics;
  metrics.breath_count = static_cast<std::int64_t>(breaths.size());
  metrics.signal_quality = signal_quality;
  metrics.adherence = adherence;
  std::vector<double> periods, ratios;
  double in_target_s = 0.0, guided_s = 0.0;
  for (const Breath& b : breaths) {
    if (b.period_s() <= 0.0) continue;
    periods.push_back(b.period_s());
    if (b.exhale_s() > 0.0) ratios.push_back(b.inhale_s() / b.exhale_s());
    const std::optional<double> target =
        std::isfinite(b.guide_rate_bpm) ? std::optional<double>(b.guide_rate_bpm) : pacer.rate_bpm;
    if (!target) continue;
    guided_s += b.period_s();
    if (std::abs(60.0 / b.period_s() - *target) <= kTargetToleranceBpm) in_target_s += b.period_s();
  }
  if (!periods.empty()) metrics.median_rate_bpm = 60.0 / median(periods);
  if (!ratios.empty()) metrics.ie_ratio = median(ratios);
  if (guided_s > 0.0) metrics.time_in_target = in_target_s / guided_s;
  return metrics;
}

}  // namespace respira::session
