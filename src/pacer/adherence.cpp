#include "pacer/adherence.hpp"

#include <algorithm>
#include <cmath>

namespace respira::pacer {

AdherenceTracker::AdherenceTracker(const AdherenceConfig& config) : config_(config) {}

void AdherenceTracker::add_event(const dsp::BreathEvent& event) {
  // Detectors emit in time order, but keep the list sorted even if one does not.
  auto later = std::upper_bound(
      events_.begin(), events_.end(), event.time_s,
      [](double t, const dsp::BreathEvent& e) { return t < e.time_s; });
  events_.insert(later, event);
}

double AdherenceTracker::match_error(dsp::BreathEventType type, double target_s,
                                     double period_s) const {
  double best = dsp::kNoValue;
  for (const dsp::BreathEvent& event : events_) {
    if (event.type != type) continue;
    const double error = event.time_s - target_s;
    if (std::abs(error) > 0.5 * period_s) continue;
    if (std::isnan(best) || std::abs(error) < std::abs(best)) best = error;
  }
  return best;
}

double AdherenceTracker::event_score(double error_s, double period_s) const {
  if (std::isnan(error_s)) return 0.0;
  return std::max(0.0, 1.0 - std::abs(error_s) / (config_.tolerance_fraction * period_s));
}

std::span<const BreathAdherence> AdherenceTracker::update(const PacerSchedule& schedule,
                                                           double now_s) {
  const std::size_t first_new = history_.size();
  for (;;) {
    const ScheduledBreath breath = schedule.breath(next_breath_);
    const double period = breath.pattern.period_s();
    if (breath.exhale_onset_s() + 0.5 * period + config_.detection_delay_s > now_s) break;
    BreathAdherence scored;
    scored.breath_index = breath.index;
    scored.start_s = breath.start_s;
    scored.period_s = period;
    scored.inhale_error_s = match_error(dsp::BreathEventType::inhale, breath.inhale_onset_s(), period);
    scored.exhale_error_s = match_error(dsp::BreathEventType::exhale, breath.exhale_onset_s(), period);
    scored.score = 0.5 * (event_score(scored.inhale_error_s, period) +
                          event_score(scored.exhale_error_s, period));
    history_.push_back(scored);
    ++next_breath_;
    // Events before this breath's windows can no longer match any later target.
    const double keep_from = breath.end_s() - period;
    std::erase_if(events_, [&](const dsp::BreathEvent& e) { return e.time_s < keep_from; });
  }
  return std::span<const BreathAdherence>(history_).subspan(first_new);
}

double mean_score(std::span<const BreathAdherence> breaths) {
  if (breaths.empty()) return dsp::kNoValue;
  double sum = 0.0;
  for (const BreathAdherence& breath : breaths) sum += breath.score;
  return sum / static_cast<double>(breaths.size());
}

double AdherenceTracker::score() const {
  return mean_score(std::span<const BreathAdherence>(history_).last(std::min(config_.window_breaths, history_.size())));
}

double AdherenceTracker::mean_abs_error_s() const {
  const std::size_t n = std::min(config_.window_breaths, history_.size());
  double sum = 0.0;
  int matched = 0;
  for (std::size_t i = history_.size() - n; i < history_.size(); ++i) {
    for (double error : {history_[i].inhale_error_s, history_[i].exhale_error_s}) {
      if (std::isnan(error)) continue;
      sum += std::abs(error);
      ++matched;
    }
  }
  return matched > 0 ? sum / matched : dsp::kNoValue;
}

}  // namespace respira::pacer
