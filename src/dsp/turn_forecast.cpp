#include "dsp/turn_forecast.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace respira::dsp {
namespace {

// Kinds of turn index the per-kind state.
int kind_of(bool is_peak) { return is_peak ? 1 : 0; }

// Below this many samples a parabola's bend is mostly noise.
constexpr std::size_t kMinFitSamples = 5;
// A forecast whose turn the detector never confirmed counts as a miss this large.
constexpr double kUnconfirmedMissS = 10.0;
// The learned miss is removed once this many forecasts were scored (see score()), and
// modelled by its reach once this many were confirmed...
constexpr std::size_t kOffsetAfter = 3;
constexpr std::size_t kModelAfter = 4;
// ...and their reaches spread by at least 10 ms (SD); steeper than 0.9 s per s of reach would
// say the turn barely moves as the forecast reaches further, which no smooth top does.
constexpr double kMinReachVariance = 1e-4;
constexpr double kMaxGrowth = 0.9;

}  // namespace

TurnForecast::TurnForecast(const Config& config) : config_(config) {
  // The longest stretch ever fitted: the longest interval the detector keeps.
  const double longest_s = config.fit_fraction * 1.5 * 60.0 / config.min_rate_bpm;
  capacity_ = std::max(kMinFitSamples, static_cast<std::size_t>(std::ceil(longest_s * config.sample_rate_hz))) + 1;
  values_.resize(2 * capacity_);
}

void TurnForecast::restart() noexcept {
  filled_ = 0;
  fitted_ = false;
  pending_ = false;
}

// What the next forecasts expect to miss by, and whether they are trusted, change only when
// a forecast is scored. The miss grows with how far ahead the parabola was extrapolated (its
// vertex overshoots a rounded top more the further it reaches, as tan x / x does), so it is
// modelled as offset + growth x reach, fitted to the recent forecasts by least squares; the
// median alone serves until that line can be fitted.
void TurnForecast::score(int kind, double miss_s) noexcept {
  Ring<8>& misses = misses_[kind];
  Ring<8>& reaches = reaches_[kind];
  misses.push(miss_s);
  reaches.push(pending_reach_s_);
  ++scored_[kind];
  const double median = misses.median();
  offset_s_[kind] = misses.size() >= kOffsetAfter ? median : 0.0;
  growth_[kind] = 0.0;
  double n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
  bool all_confirmed = true;
  for (std::size_t i = 0; i < misses.size(); ++i) {
    const double x = reaches.newest(i), y = misses.newest(i);
    all_confirmed = all_confirmed && y < kUnconfirmedMissS;
    n += 1;
    sx += x;
    sy += y;
    sxx += x * x;
    sxy += x * y;
  }
  const double spread = sxx - sx * sx / n;  // n x the variance of the reaches
  const bool modelled = all_confirmed && misses.size() >= kModelAfter && spread > n * kMinReachVariance;
  if (modelled) {
    growth_[kind] = std::clamp((sxy - sx * sy / n) / spread, 0.0, kMaxGrowth);
    offset_s_[kind] = (sy - growth_[kind] * sx) / n;
  }
  trusted_[kind] = scored_[kind] >= config_.trust_after;
  for (std::size_t i = 0; i < misses.size() && trusted_[kind]; ++i) {
    const double expected = modelled ? offset_s_[kind] + growth_[kind] * reaches.newest(i) : median;
    trusted_[kind] = std::abs(misses.newest(i) - expected) <= config_.trust_tolerance_s;
  }
}

// Sums of x, x age and x age^2 over the last window_ samples (age 0 = the newest): summed
// afresh when fitting starts, then slid along while fits follow sample after sample (from
// most of a swing up to the turn), so each of those costs a few operations.
void TurnForecast::resum(std::size_t window) noexcept {
  window_ = window;
  in_window_ = std::min(window, filled_);
  sum0_ = sum1_ = sum2_ = 0.0;
  for (std::size_t age = 0; age < in_window_; ++age) {
    const double x = values_[head_ + capacity_ - 1 - age];
    sum0_ += x;
    sum1_ += static_cast<double>(age) * x;
    sum2_ += static_cast<double>(age * age) * x;
  }
}

// What depends on the typical interval alone, which changes once a breath.
void TurnForecast::scale_to(double interval) noexcept {
  scaled_for_s_ = interval;
  fit_count_ = std::clamp<std::size_t>(
      static_cast<std::size_t>(std::lround(config_.fit_fraction * interval * config_.sample_rate_hz)),
      kMinFitSamples, capacity_ - 1);
  // A sine of peak-to-peak `swing` bends by swing/2 x w^2 / 2 at its top.
  const double w = 2.0 * std::numbers::pi / interval;
  min_bend_per_swing_ = config_.min_bend_fraction * 0.25 * w * w;
  lead_s_ = config_.lead_fraction * interval;
  reach_s_ = config_.reach_fraction * interval;
  min_gap_s_ = config_.min_gap_fraction * interval;
  // The normal equations of a least-squares parabola z = a + b u + c u^2 through the last
  // fit_count_ samples, u = time from the newest (-age / rate): evenly spaced samples make
  // them depend on the count alone. Kept: the rows of their inverse that give a, b and c.
  double s[5] = {0, 0, 0, 0, 0};
  for (std::size_t k = 0; k < fit_count_; ++k) {
    const double u = -static_cast<double>(k) / config_.sample_rate_hz;
    double power = 1.0;
    for (double& sum : s) {
      sum += power;
      power *= u;
    }
  }
  const double det = s[0] * (s[2] * s[4] - s[3] * s[3]) - s[1] * (s[1] * s[4] - s[3] * s[2]) +
                     s[2] * (s[1] * s[3] - s[2] * s[2]);
  a_row_[0] = (s[2] * s[4] - s[3] * s[3]) / det;
  a_row_[1] = (s[3] * s[2] - s[1] * s[4]) / det;
  a_row_[2] = (s[1] * s[3] - s[2] * s[2]) / det;
  b_row_[0] = (s[3] * s[2] - s[1] * s[4]) / det;
  b_row_[1] = (s[0] * s[4] - s[2] * s[2]) / det;
  b_row_[2] = (s[1] * s[2] - s[0] * s[3]) / det;
  c_row_[0] = (s[1] * s[3] - s[2] * s[2]) / det;
  c_row_[1] = (s[1] * s[2] - s[0] * s[3]) / det;
  c_row_[2] = (s[0] * s[2] - s[1] * s[1]) / det;
}

// Runs on every sample from most of a swing up to the forecast, so it divides only once
// it has a turn to report.
bool TurnForecast::forecast(double time_s, double now_s, const Context& context, bool sums_follow,
                            Turn& out) noexcept {
  const double interval = context.typical_interval_s;
  const double typical = context.typical_excursion;
  if (interval != scaled_for_s_) scale_to(interval);
  if (filled_ < fit_count_) return false;
  if (!sums_follow || window_ != fit_count_) resum(fit_count_);
  fitted_ = true;
  // The parabola, with z = sign x value so that a turn of either kind is a maximum.
  const double sign = context.seeking_peak ? 1.0 : -1.0;
  const double step = 1.0 / config_.sample_rate_hz;  // u = -age x step
  const double z0 = sign * sum0_, z1 = -sign * step * sum1_, z2 = sign * step * step * sum2_;
  const double slope = b_row_[0] * z0 + b_row_[1] * z1 + b_row_[2] * z2;
  const double bend = -(c_row_[0] * z0 + c_row_[1] * z1 + c_row_[2] * z2);
  if (!(bend >= min_bend_per_swing_ * typical)) return false;
  // Its vertex lies reach = slope / (2 bend) after the newest sample; the turn, less the
  // expected miss offset + growth x reach, is announced once it is lead_s_ in the past:
  // newest + (1 - growth) reach - offset <= now - lead, compared without dividing.
  const int kind = kind_of(context.seeking_peak);
  if ((1.0 - growth_[kind]) * slope > 2.0 * bend * (now_s - lead_s_ + offset_s_[kind] - newest_s_))
    return false;
  const double reach_s = slope / (2.0 * bend);
  const double raw_s = newest_s_ + reach_s;
  const double turn_s = raw_s - offset_s_[kind] - growth_[kind] * reach_s;
  if (turn_s < time_s - reach_s_) return false;
  if (turn_s - last_forecast_s_[kind] < min_gap_s_) return false;
  if (turn_s <= context.last_event_s) return false;
  last_forecast_s_[kind] = turn_s;
  // Depth: the swing up to the parabola's height at the turn, scaled by how that compared
  // with the confirmed swing of recent turns (the newest sample falls short of the top, an
  // extrapolated parabola overshoots it), so announced and confirmed turns read alike.
  const double u = turn_s - newest_s_;
  const double height = a_row_[0] * z0 + a_row_[1] * z1 + a_row_[2] * z2 + slope * u - bend * u * u;
  pending_swing_ = height - sign * context.reference_value;
  pending_ = true;
  pending_is_peak_ = context.seeking_peak;
  pending_raw_s_ = raw_s;
  pending_reach_s_ = reach_s;
  pending_s_ = turn_s;
  pending_announced_ = trusted_[kind];
  if (!pending_announced_) return false;
  out = {turn_s, context.seeking_peak, pending_swing_ * depth_scale_[kind] / typical};
  return true;
}

bool TurnForecast::on_confirmed(double time_s, bool is_peak, double typical_interval_s,
                                double excursion) noexcept {
  if (!pending_) return false;
  pending_ = false;
  const bool same = pending_is_peak_ == is_peak &&
                    std::abs(time_s - pending_s_) < config_.same_turn_fraction * typical_interval_s;
  const int kind = kind_of(pending_is_peak_);
  score(kind, same ? pending_raw_s_ - time_s : kUnconfirmedMissS);
  if (same && pending_swing_ > 0) {
    depth_ratios_[kind].push(excursion / pending_swing_);
    depth_scale_[kind] = depth_ratios_[kind].median();
  }
  return same && pending_announced_;
}

}  // namespace respira::dsp
