#pragma once
// TurnForecast: announces a breath turn before the smoothed trace has visibly turned, by
// extrapolating that trace to its vertex, and only while such forecasts have been landing
// where the confirmed turns then were.
//
// Why: the smoothing that decides which turns are breaths delays the trace by ~0.11 of a
// breath, and confirming a turn needs a small retreat on top, so confirmed events come
// ~0.5 s after the turn (BIDMC). Near a turn the smoothed trace is a smooth arc: a parabola
// fitted to its last stretch puts the vertex ahead of the trace's own delay. Whether that
// works depends on the person and the sensor (clipped or flat tops, irregular breaths), so
// each forecast is scored against the turn the detector confirms later, and announcing is
// earned: the last 8 forecasts of that kind of turn must all have landed within
// `trust_tolerance_s` of the confirmed turns, after removing the miss expected of them
// (learned: offset + growth x how far ahead the vertex was extrapolated; arcs overshoot
// rounded tops more the further they reach). Until then, or after one misses, forecasts are
// still made and scored, but the confirmed turn is announced as before. A forecast turn is
// announced only once it lies in the past, so an event never claims a time after its emission.
// BIDMC (annotator 1, exhale), 2026-11-25: median latency 522 -> 338 ms over per-record
// medians, 524 -> 259 ms over all events; emitted 568 -> 344 ms after annotator 1's mark;
// mean F1 0.9801 -> 0.9801. Noisy and clipped records (05, 11, 13-15, 19) keep confirmed
// turns. The tolerance trades the two: 0.15 / 0.17 / 0.2 s give F1 0.9801 / 0.9799 / 0.9794
// at 259 / 238 / 225 ms (all events). With the median miss alone (no growth with reach) the
// same tolerances gave 0.9803 / 0.9800 / 0.9795 at 447 / 370 / 288 ms; tolerances in fractions
// of a breath did worse (0.05 / 0.07: 0.9792 at 407 / 0.9780 at 248 ms); checking only the
// newest 4 or 6 forecasts: 0.9780 at 241 / 0.9794 at 264 ms (at 0.2 s); also requiring the
// lighter trace to have turned, or vertices only ahead of the trace: no F1 gained. Without the
// learned miss and the trust (every forecast announced): F1 0.969 at 250 ms, clipped record 05
// falling to 0.88.

#include <algorithm>
#include <cstddef>
#include <vector>

#include "dsp/running_stats.hpp"

namespace respira::dsp {

class TurnForecast {
 public:
  struct Config {
    double sample_rate_hz = 25.0;
    double min_rate_bpm = 3.0;
    double fit_fraction = 0.15;     // stretch fitted, x typical interval
    double lead_fraction = 0.03;    // a forecast turn is announced this far in the past, x interval
    double reach_fraction = 0.3;    // a vertex further behind than this (x interval) is no forecast
    double min_swing_fraction = 0.6;  // swing from the opposite turn, x typical excursion
    // Bend at the vertex, x that of a sine with the typical swing and interval: a trace
    // still climbing straight has no vertex worth forecasting.
    double min_bend_fraction = 0.3;
    double same_turn_fraction = 0.5;   // a confirmed turn this close (x interval) is the forecast one
    double min_gap_fraction = 0.4;     // between forecasts of the same kind, x interval
    double trust_tolerance_s = 0.15;    // see above
    std::size_t trust_after = 4;       // forecasts scored before any is announced
  };

  // What the detector knows when a sample arrives.
  struct Context {
    bool seeking_peak = true;
    double reference_value = 0.0;  // the opposite turn the swing is measured from
    double typical_excursion = 0.0;
    double typical_interval_s = 0.0;  // NaN while unknown: no forecasts
    bool regular = false;             // forecasts only for regular breathing
    double last_event_s = -1e300;     // announced turns keep the events in time order
  };

  struct Turn {
    double time_s = 0.0;
    bool is_peak = false;
    double swing = 0.0;  // from the opposite turn, x typical excursion (its depth)
  };

  explicit TurnForecast(const Config& config);

  // One sample of the smoothed trace, time_s already corrected for the smoothing delay;
  // now_s is the input time it became available. Returns true and fills `out` when a turn
  // is to be announced now.
  // Inline: everything up to the gates runs on every sample.
  bool push(double time_s, double value, double now_s, const Context& context, Turn& out) noexcept {
    values_[head_] = values_[head_ + capacity_] = value;
    if (++head_ == capacity_) head_ = 0;
    filled_ = std::min(filled_ + 1, capacity_);
    newest_s_ = time_s;
    const bool sums_follow = fitted_;
    fitted_ = false;
    if (sums_follow) slide(value);
    if (pending_ || !context.regular || !(context.typical_interval_s > 0) || !(context.typical_excursion > 0))
      return false;
    const double swing = (context.seeking_peak ? 1.0 : -1.0) * (value - context.reference_value);
    if (swing < config_.min_swing_fraction * context.typical_excursion) return false;
    return forecast(time_s, now_s, context, sums_follow, out);
  }
  // The detector confirmed a turn at time_s, `excursion` from the opposite one: scores the
  // pending forecast against it. Returns true when that turn was already announced.
  bool on_confirmed(double time_s, bool is_peak, double typical_interval_s, double excursion) noexcept;
  // After a gap in the input: the trace restarts, what was learned stays.
  void restart() noexcept;

 private:
  void score(int kind, double miss_s) noexcept;
  void resum(std::size_t window) noexcept;
  bool forecast(double time_s, double now_s, const Context& context, bool sums_follow, Turn& out) noexcept;
  // Every sample in the window ages by one ((a+1)^2 = a^2 + 2a + 1), the one that reached
  // age window_ leaves, and the new one enters at age 0 (see resum).
  void slide(double entering) noexcept {
    sum2_ += 2.0 * sum1_ + sum0_;
    sum1_ += sum0_;
    if (in_window_ == window_) {
      const double leaving = values_[head_ + capacity_ - 1 - window_];
      const double age = static_cast<double>(window_);
      sum0_ -= leaving;
      sum1_ -= age * leaving;
      sum2_ -= age * age * leaving;
    } else {
      ++in_window_;
    }
    sum0_ += entering;
  }
  void scale_to(double interval) noexcept;

  Config config_;
  std::vector<double> values_;  // the last `capacity_` samples, stored twice (see resum)
  std::size_t capacity_ = 0;
  std::size_t head_ = 0;
  std::size_t filled_ = 0;
  double newest_s_ = 0.0;
  double scaled_for_s_ = 0.0;  // the interval the next ones are for
  std::size_t fit_count_ = 0;
  double min_bend_per_swing_ = 0.0;
  double lead_s_ = 0.0, reach_s_ = 0.0, min_gap_s_ = 0.0;
  // The fit: sums over its window and its normal equations' inverse (see forecast()).
  bool fitted_ = false;  // on the previous sample: the sums follow the trace
  std::size_t window_ = 0;
  std::size_t in_window_ = 0;
  double sum0_ = 0.0, sum1_ = 0.0, sum2_ = 0.0;
  double a_row_[3] = {}, b_row_[3] = {}, c_row_[3] = {};
  // Per kind of turn (0 trough, 1 peak):
  Ring<8> misses_[2];   // raw forecast - confirmed turn (s)
  Ring<8> reaches_[2];  // how far ahead of the trace each of those vertices lay (s)
  std::size_t scored_[2] = {0, 0};
  double offset_s_[2] = {0.0, 0.0};  // expected miss: offset + growth x reach (see score())
  double growth_[2] = {0.0, 0.0};
  Ring<8> depth_ratios_[2];  // confirmed swing / forecast swing
  double depth_scale_[2] = {1.0, 1.0};  // their median
  bool trusted_[2] = {false, false};
  double last_forecast_s_[2] = {-1e300, -1e300};
  bool pending_ = false;  // a forecast waits for its confirmed turn
  bool pending_announced_ = false;
  bool pending_is_peak_ = false;
  double pending_raw_s_ = 0.0;  // before the expected miss was removed
  double pending_reach_s_ = 0.0;
  double pending_swing_ = 0.0;  // to the forecast turn, in signal units
  double pending_s_ = 0.0;
};

}  // namespace respira::dsp
