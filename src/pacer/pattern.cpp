#include "pacer/pattern.hpp"

#include <array>
#include <cmath>
#include <cstdio>

namespace respira::pacer {

namespace {

void check_phase(double seconds, const char* name, bool may_be_zero) {
  if (!std::isfinite(seconds) || seconds < 0.0 || (!may_be_zero && seconds <= 0.0) ||
      seconds > kMaxPhaseSeconds) {
    char message[160];
    std::snprintf(message, sizeof message, "%s of %g s is outside %s..%g s", name, seconds,
                  may_be_zero ? "0" : "(0", kMaxPhaseSeconds);
    throw PatternError{message};
  }
}

}  // namespace

void validate(const BreathPattern& pattern) {
  check_phase(pattern.inhale_s, "inhale", false);
  check_phase(pattern.inhale_hold_s, "hold after inhaling", true);
  check_phase(pattern.exhale_s, "exhale", false);
  check_phase(pattern.exhale_hold_s, "hold after exhaling", true);
}

BreathPattern pattern_from_rate(double rate_bpm, double inhale_parts, double exhale_parts) {
  if (!(rate_bpm > 0.0) || !(inhale_parts > 0.0) || !(exhale_parts > 0.0)) {
    throw PatternError{"rate and inhale:exhale parts must be positive"};
  }
  const double period = 60.0 / rate_bpm;
  const double inhale = period * inhale_parts / (inhale_parts + exhale_parts);
  BreathPattern pattern{inhale, 0.0, period - inhale, 0.0};
  validate(pattern);
  return pattern;
}

std::span<const Preset> presets() {
  static const std::array<Preset, 4> kPresets{{
      {"coherent", "Coherent 5.5/min", pattern_from_rate(5.5, 1.0, 1.0)},
      {"extended-exhale", "Extended exhale 4:6", BreathPattern{4.0, 0.0, 6.0, 0.0}},
      {"box", "Box 4-4-4-4", BreathPattern{4.0, 4.0, 4.0, 4.0}},
      {"4-7-8", "4-7-8", BreathPattern{4.0, 7.0, 8.0, 0.0}},
  }};
  return kPresets;
}

const Preset* find_preset(std::string_view key) {
  for (const Preset& preset : presets()) {
    if (preset.key == key) return &preset;
  }
  return nullptr;
}

std::string describe(const BreathPattern& pattern) {
  char text[160];
  int used = std::snprintf(text, sizeof text, "%.1f/min  in %.1f s", pattern.rate_bpm(),
                           pattern.inhale_s);
  if (pattern.inhale_hold_s > 0.0) {
    used += std::snprintf(text + used, sizeof text - used, ", hold %.1f s", pattern.inhale_hold_s);
  }
  used += std::snprintf(text + used, sizeof text - used, ", out %.1f s", pattern.exhale_s);
  if (pattern.exhale_hold_s > 0.0) {
    std::snprintf(text + used, sizeof text - used, ", hold %.1f s", pattern.exhale_hold_s);
  }
  return text;
}

}  // namespace respira::pacer
