#include "dsp/rhythm_tracker.hpp"

#include <algorithm>
#include <cmath>

namespace respira::dsp {

void RhythmTracker::on_gap() noexcept {
  peaks_.clear();
  last_peak_s_ = last_trough_s_ = last_peak_turn_s_ = last_trough_turn_s_ = kNoValue;
}

void RhythmTracker::on_extremum(const Extremum& e) noexcept {
  last_event_s_ = e.time_s;
  in_apnea_ = false;
  if (!e.is_peak) {
    if (!std::isnan(last_peak_turn_s_)) {
      exhale_s_ = e.turn_s - last_peak_turn_s_;
      exhales_.push(exhale_s_);
      typical_exhale_s_ = exhales_.median();
    }
    last_trough_s_ = e.time_s;
    last_trough_turn_s_ = e.turn_s;
    return;
  }
  ++breath_count_;
  if (!std::isnan(last_peak_s_)) {
    const double interval = e.time_s - last_peak_s_;
    if (interval <= 60.0 / config_.min_rate_bpm * 1.5) {
      intervals_.push(interval);
      instant_rate_bpm_ = 60.0 / interval;
      typical_interval_s_ = intervals_.median();
      if (intervals_.size() >= 3) {
        interval_sd_s_ = intervals_.sd();
        interval_cv_ = interval_sd_s_ / intervals_.mean();
        // CV 0 is metronomic; 0.3 or more is very irregular breathing.
        regularity_ = std::clamp(1.0 - interval_cv_ / 0.3, 0.0, 1.0);
      }
    }
  }
  if (!std::isnan(last_trough_turn_s_)) {
    inhale_s_ = e.turn_s - last_trough_turn_s_;
    inhales_.push(inhale_s_);
    typical_inhale_s_ = inhales_.median();
  }
  const double typical_rise = rises_.median();
  rises_.push(e.excursion);
  if (!config_.swing_is_depth) {
    depth_ = kNoValue;
  } else if (!std::isnan(typical_rise) && typical_rise > 0) {
    depth_ = e.excursion / typical_rise;
    if (rises_.size() >= 4 && depth_ >= config_.sigh_depth) ++sigh_count_;
  } else {
    depth_ = 1.0;
  }
  last_peak_s_ = e.time_s;
  last_peak_turn_s_ = e.turn_s;
  peaks_.push(e.time_s);
}

void RhythmTracker::update(double now_s) noexcept {
  // Breaths inside the trailing window; widen it to keep two breaths when slow.
  std::size_t n = 0;
  while (n < peaks_.size() && peaks_.newest(n) >= now_s - config_.rate_window_s) ++n;
  const double longest = 60.0 / config_.min_rate_bpm;
  if (n < 2 && peaks_.size() >= 2 && now_s - peaks_.newest(1) <= 2.0 * longest) n = 2;
  if (n >= 2) {
    const double span = peaks_.newest(0) - peaks_.newest(n - 1);
    rate_bpm_ = span > 0 ? 60.0 * (n - 1) / span : kNoValue;
  } else if (peaks_.size() > 0 && now_s - peaks_.newest(0) > 2.0 * longest) {
    rate_bpm_ = kNoValue;
  }

  if (!std::isnan(last_event_s_) && !in_apnea_) {
    const double typical = typical_interval_s_;
    const double limit = std::max(config_.apnea_min_s,
                                  config_.apnea_interval_factor * (std::isnan(typical) ? 0 : typical));
    if (now_s - last_event_s_ > limit) {
      in_apnea_ = true;
      ++apnea_count_;
    }
  }
}

void RhythmTracker::fill(BreathState& state) const noexcept {
  state.rate_bpm = rate_bpm_;
  state.instant_rate_bpm = instant_rate_bpm_;
  state.inhale_s = inhale_s_;
  state.exhale_s = exhale_s_;
  state.ie_ratio = (!std::isnan(inhale_s_) && !std::isnan(exhale_s_) && exhale_s_ > 0)
                       ? inhale_s_ / exhale_s_
                       : kNoValue;
  state.depth = depth_;
  state.interval_sd_s = interval_sd_s_;
  state.interval_cv = interval_cv_;
  state.regularity = regularity_;
  state.breath_count = breath_count_;
  state.sigh_count = sigh_count_;
  state.apnea_count = apnea_count_;
}

}  // namespace respira::dsp
