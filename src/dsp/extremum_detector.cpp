#include "dsp/extremum_detector.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

namespace respira::dsp {

ExtremumDetector::ExtremumDetector(const Config& config) noexcept
    : config_(config),
      env_alpha_(1.0 - std::exp(-1.0 / (config.amplitude_time_constant_s * config.sample_rate_hz))),
      typical_interval_s_(std::numeric_limits<double>::quiet_NaN()) {}

double ExtremumDetector::compute_typical_excursion() const noexcept {
  // Peak-to-peak of a sine is pi x its mean absolute deviation; the envelope follows
  // amplitude drops that the breath history would only learn from breaths it misses.
  const double weighted_envelope = std::numbers::pi * env_dev_;  // x env_weight_
  if (excursions_.size() < 2) return env_weight_ > 0 ? weighted_envelope / env_weight_ : 0.0;
  // min(median, 2 x envelope), dividing only when the envelope is the smaller: this runs on
  // every sample, and a division there costs the belt path ~4 % of its speed.
  double typical = median_excursion_ * env_weight_ <= 2.0 * weighted_envelope
                       ? median_excursion_
                       : 2.0 * weighted_envelope / env_weight_;
  // Search-back: when breaths stop being found for longer than usual, expect smaller
  // ones (x0.7 per overdue interval), but never below a silence floor, so a breath
  // hold does not turn noise into breaths.
  const double since_s = now_s_ - std::max(last_peak_s_, last_trough_s_);  // (NaN interval: false)
  if (since_s > typical_interval_s_) typical *= std::pow(0.7, since_s / typical_interval_s_ - 1.0);
  return std::max(typical, config_.silence_fraction * long_term_excursion_);
}

void ExtremumDetector::restart() noexcept {
  have_candidate_ = false;
  seeking_peak_ = true;
}

bool ExtremumDetector::accept(double time_s, double excursion) const noexcept {
  const double typical = typical_excursion();
  if (excursion < std::max(config_.min_excursion_fraction * typical,
                           config_.min_swing_ratio * std::min(last_excursion_, typical)))
    return false;
  const double shortest = 0.9 * 60.0 / config_.max_rate_bpm;
  const double gap = std::isnan(typical_interval_s_)
                         ? shortest
                         : std::max(shortest, config_.min_gap_fraction * typical_interval_s_);
  const double previous = seeking_peak_ ? last_peak_s_ : last_trough_s_;
  return time_s - previous >= gap;
}

void ExtremumDetector::confirm(Extremum& out) noexcept {
  out.time_s = out.turn_s = candidate_time_s_;
  out.value = candidate_value_;
  out.excursion = std::abs(candidate_value_ - reference_value_);
  out.is_peak = seeking_peak_;
  excursions_.push(out.excursion);
  last_excursion_ = out.excursion;
  long_term_excursion_ += (long_term_excursion_ > 0 ? 0.05 : 1.0) * (out.excursion - long_term_excursion_);
  median_excursion_ = excursions_.median();
  if (seeking_peak_) {
    if (last_peak_s_ > -1e299) {
      const double interval = out.time_s - last_peak_s_;
      if (interval <= 60.0 / config_.min_rate_bpm * 1.5) {
        intervals_.push(interval);
        typical_interval_s_ = intervals_.median();
        regular_ = intervals_.size() >= 4 && intervals_.sd() < config_.regular_cv * intervals_.mean();
      }
    }
    last_peak_s_ = out.time_s;
  } else {
    last_trough_s_ = out.time_s;
  }
  // The next extremum is searched from the deepest point seen since this one.
  reference_value_ = candidate_value_;
  candidate_value_ = since_value_;
  candidate_time_s_ = since_time_s_;
  seeking_peak_ = !seeking_peak_;
}

bool ExtremumDetector::push(double time_s, double x, double lead, Extremum& out) noexcept {
  now_s_ = time_s;
  // Start-up amplitude estimate: bias-corrected running mean absolute deviation.
  if (started_s_ < 0) {
    started_s_ = time_s;
    env_mean_ = x;
  }
  env_weight_ += env_alpha_ * (1.0 - env_weight_);
  env_mean_ += env_alpha_ * (x - env_mean_);
  env_dev_ += env_alpha_ * (std::abs(x - env_mean_) - env_dev_);
  typical_excursion_ = compute_typical_excursion();

  if (!have_candidate_) {
    lead_extreme_ = lead;
    candidate_value_ = reference_value_ = since_value_ = x;
    candidate_time_s_ = since_time_s_ = time_s;
    have_candidate_ = true;
    return false;
  }

  const double sign = seeking_peak_ ? 1.0 : -1.0;
  if (sign * (lead - lead_extreme_) > 0.0) lead_extreme_ = lead;
  // The trace went beyond the opposite extremum: that one was not the real turn.
  if (sign * (x - reference_value_) < 0.0) {
    reference_value_ = candidate_value_ = since_value_ = x;
    candidate_time_s_ = since_time_s_ = time_s;
    return false;
  }
  if (sign * (x - candidate_value_) >= 0.0) {
    candidate_value_ = since_value_ = x;
    candidate_time_s_ = since_time_s_ = time_s;
    return false;
  }
  if (sign * (x - since_value_) < 0.0) {
    since_value_ = x;
    since_time_s_ = time_s;
  }
  const double typical = typical_excursion();
  const double retreat = sign * (candidate_value_ - x);
  const bool lead_turned = sign * (lead_extreme_ - lead) >= config_.lead_turn_fraction * typical;
  const double needed =
      lead_turned && regular() ? config_.quick_confirm_fraction : config_.confirm_fraction;
  if (time_s - started_s_ < config_.warm_up_s || retreat < needed * typical) return false;
  if (!accept(candidate_time_s_, std::abs(candidate_value_ - reference_value_))) return false;
  // A turn confirmed long after it happened (the end of a breath hold drifting by) is
  // not a breath: start afresh from here.
  const double stale = std::max(config_.stale_min_s,
                                2.0 * (std::isnan(typical_interval_s_) ? 0.0 : typical_interval_s_));
  if (time_s - candidate_time_s_ > stale) {
    reference_value_ = candidate_value_ = since_value_ = x;
    candidate_time_s_ = since_time_s_ = time_s;
    return false;
  }
  confirm(out);
  typical_excursion_ = compute_typical_excursion();
  lead_extreme_ = lead;
  return true;
}

}  // namespace respira::dsp
