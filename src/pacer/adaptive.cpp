#include "pacer/adaptive.hpp"

#include <algorithm>
#include <cmath>

namespace respira::pacer {

namespace {

// Patterns the pacer can show: each phase within (0, kMaxPhaseSeconds].
constexpr double kMinRateBpm = 60.0 / (2.0 * kMaxPhaseSeconds) + 0.5;
constexpr double kMaxRateBpm = 30.0;

double checked(double value, double low, double high) {
  if (!std::isfinite(value)) throw PatternError{"adaptive pacing needs a measured rate"};
  return std::clamp(value, low, high);
}

}  // namespace

AdaptivePacer::AdaptivePacer(const AdaptiveConfig& config, double measured_rate_bpm,
                             double measured_exhale_fraction, double start_s)
    : config_(config),
      start_rate_bpm_(checked(measured_rate_bpm, kMinRateBpm, kMaxRateBpm)),
      start_exhale_fraction_(checked(measured_exhale_fraction, 0.3, 0.75)),
      rate_bpm_(start_rate_bpm_),
      exhale_fraction_(start_exhale_fraction_),
      schedule_(level_pattern(), start_s),
      adherence_(config.adherence) {}

BreathPattern AdaptivePacer::level_pattern() const {
  return pattern_from_rate(rate_bpm_, 1.0 - exhale_fraction_, exhale_fraction_);
}

double AdaptivePacer::step_toward(double from, double to, double step) {
  return from < to ? std::min(to, from + step) : std::max(to, from - step);
}

bool AdaptivePacer::at_target() const {
  return rate_bpm_ == config_.target_rate_bpm &&
         exhale_fraction_ == config_.target_exhale_fraction;
}

AdaptiveAction AdaptivePacer::update(double now_s) {
  adherence_.update(schedule_, now_s);
  const auto& history = adherence_.history();
  const auto level_breaths = std::count_if(history.begin(), history.end(), [&](const auto& b) {
    return b.breath_index >= level_first_breath_;
  });
  if (level_breaths < static_cast<std::ptrdiff_t>(config_.breaths_per_level)) {
    return AdaptiveAction::none;
  }
  double sum = 0.0;
  for (auto it = history.end() - static_cast<std::ptrdiff_t>(config_.breaths_per_level);
       it != history.end(); ++it) {
    sum += it->score;
  }
  const double mean = sum / static_cast<double>(config_.breaths_per_level);

  AdaptiveAction action = AdaptiveAction::none;
  if (mean >= config_.good_adherence && !at_target()) {
    rate_bpm_ = step_toward(rate_bpm_, config_.target_rate_bpm, config_.rate_step_bpm);
    exhale_fraction_ = step_toward(exhale_fraction_, config_.target_exhale_fraction,
                                   config_.exhale_fraction_step);
    action = AdaptiveAction::lead;
  } else if (mean <= config_.poor_adherence &&
             (rate_bpm_ != start_rate_bpm_ || exhale_fraction_ != start_exhale_fraction_)) {
    rate_bpm_ = step_toward(rate_bpm_, start_rate_bpm_, config_.rate_step_bpm);
    exhale_fraction_ = step_toward(exhale_fraction_, start_exhale_fraction_,
                                   config_.exhale_fraction_step);
    action = AdaptiveAction::ease_back;
  }
  // Judge the next breaths_per_level breaths: at the new level from its first breath, or
  // at this level from the first breath not judged yet.
  level_first_breath_ =
      action == AdaptiveAction::none
          ? history.back().breath_index + 1
          : schedule_.breath_at(schedule_.change_pattern(level_pattern(), now_s)).index;
  return action;
}

}  // namespace respira::pacer
