#include "pacer/schedule.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace respira::pacer {

const char* phase_label(Phase phase) {
  switch (phase) {
    case Phase::inhale: return "Breathe in";
    case Phase::inhale_hold: return "Hold";
    case Phase::exhale: return "Breathe out";
    case Phase::exhale_hold: return "Rest";
  }
  return "";
}

double eased_volume(Phase phase, double progress) {
  const double p = std::clamp(progress, 0.0, 1.0);
  const double rise = 0.5 - 0.5 * std::cos(std::numbers::pi * p);
  switch (phase) {
    case Phase::inhale: return rise;
    case Phase::inhale_hold: return 1.0;
    case Phase::exhale: return 1.0 - rise;
    case Phase::exhale_hold: return 0.0;
  }
  return 0.0;
}

PacerState state_in_breath(const BreathPattern& pattern, double offset_s) {
  const double bounds[4] = {
      pattern.inhale_s, pattern.inhale_s + pattern.inhale_hold_s,
      pattern.exhale_onset_offset_s() + pattern.exhale_s, pattern.period_s()};
  const double durations[4] = {pattern.inhale_s, pattern.inhale_hold_s, pattern.exhale_s,
                               pattern.exhale_hold_s};
  const double offset = std::clamp(offset_s, 0.0, pattern.period_s());
  // The first phase whose end lies beyond the offset; zero-length holds are skipped.
  int phase = 3;
  for (int i = 0; i < 4; ++i) {
    if (durations[i] > 0.0 && offset < bounds[i]) {
      phase = i;
      break;
    }
  }
  if (durations[phase] <= 0.0) phase = 2;  // offset == period with no exhale hold
  PacerState state;
  state.phase = static_cast<Phase>(phase);
  const double phase_start = bounds[phase] - durations[phase];
  state.progress = std::clamp((offset - phase_start) / durations[phase], 0.0, 1.0);
  state.volume = eased_volume(state.phase, state.progress);
  state.phase_remaining_s = bounds[phase] - offset;
  state.pattern = pattern;
  return state;
}

PacerSchedule::PacerSchedule(const BreathPattern& initial, double start_s) {
  validate(initial);
  segments_.push_back({start_s, 0, initial});
}

const PacerSchedule::Segment& PacerSchedule::segment_at(double time_s) const {
  auto after = std::upper_bound(segments_.begin(), segments_.end(), time_s,
                                [](double t, const Segment& s) { return t < s.start_s; });
  return after == segments_.begin() ? segments_.front() : *std::prev(after);
}

ScheduledBreath PacerSchedule::breath_in(const Segment& segment, std::int64_t index) {
  const auto k = static_cast<double>(index - segment.first_index);
  return {index, segment.start_s + k * segment.pattern.period_s(), segment.pattern};
}

ScheduledBreath PacerSchedule::breath_at(double time_s) const {
  const Segment& segment = segment_at(time_s);
  const double period = segment.pattern.period_s();
  const double elapsed = std::max(0.0, time_s - segment.start_s);
  auto k = static_cast<std::int64_t>(std::floor(elapsed / period));
  // Division can land one breath off right at a boundary; settle it by comparison.
  ScheduledBreath breath = breath_in(segment, segment.first_index + k);
  if (breath.start_s > time_s && k > 0) breath = breath_in(segment, breath.index - 1);
  if (breath.end_s() <= time_s) breath = breath_in(segment, breath.index + 1);
  return breath;
}

ScheduledBreath PacerSchedule::breath(std::int64_t index) const {
  auto after = std::upper_bound(
      segments_.begin(), segments_.end(), index,
      [](std::int64_t i, const Segment& s) { return i < s.first_index; });
  const Segment& segment = after == segments_.begin() ? segments_.front() : *std::prev(after);
  return breath_in(segment, std::max(index, segment.first_index));
}

PacerState PacerSchedule::state_at(double time_s) const {
  const ScheduledBreath breath = breath_at(time_s);
  PacerState state = state_in_breath(breath.pattern, time_s - breath.start_s);
  state.breath_index = breath.index;
  state.breath_start_s = breath.start_s;
  return state;
}

double PacerSchedule::change_pattern(const BreathPattern& pattern, double now_s) {
  validate(pattern);
  const ScheduledBreath current = breath_at(now_s);
  const double effective_s = current.end_s();  // always after the first segment's start
  std::erase_if(segments_, [&](const Segment& s) { return s.start_s >= effective_s; });
  segments_.push_back({effective_s, current.index + 1, pattern});
  return effective_s;
}

}  // namespace respira::pacer
