#pragma once
// A breath pattern is four phase durations: inhale, hold after inhaling, exhale, hold
// after exhaling. Everything the pacer does (fixed rate with an I:E ratio, presets,
// adaptive leading, resonance search) is a sequence of such patterns, so one small value
// type describes them all and the schedule never needs to know where a pattern came from.

#include <span>
#include <stdexcept>
#include <string>
#include <string_view>

namespace respira::pacer {

inline constexpr double kMaxPhaseSeconds = 30.0;

class PatternError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

struct BreathPattern {
  double inhale_s = 5.0;
  double inhale_hold_s = 0.0;
  double exhale_s = 5.0;
  double exhale_hold_s = 0.0;

  double period_s() const { return inhale_s + inhale_hold_s + exhale_s + exhale_hold_s; }
  double rate_bpm() const { return 60.0 / period_s(); }
  // Time from the start of the breath to the start of the exhale.
  double exhale_onset_offset_s() const { return inhale_s + inhale_hold_s; }
  // Exhale share of the moving time (holds excluded): 0.6 for 4:6.
  double exhale_fraction() const { return exhale_s / (inhale_s + exhale_s); }
  bool operator==(const BreathPattern&) const = default;
};

// Throws PatternError unless inhale and exhale are > 0, holds >= 0 and every phase is at
// most kMaxPhaseSeconds.
void validate(const BreathPattern& pattern);

// A fixed rate with an inhale:exhale ratio and no holds, e.g. (6, 4, 6) -> 4 s in, 6 s out.
BreathPattern pattern_from_rate(double rate_bpm, double inhale_parts, double exhale_parts);

struct Preset {
  std::string_view key;    // command-line name
  std::string_view label;  // shown to people
  BreathPattern pattern;
};

// coherent (5.5/min, 1:1), extended-exhale (4 s : 6 s), box (4-4-4-4), 4-7-8.
std::span<const Preset> presets();
const Preset* find_preset(std::string_view key);  // nullptr when unknown

// "5.5/min  in 5.5 s, out 5.5 s" style summary for labels.
std::string describe(const BreathPattern& pattern);

}  // namespace respira::pacer
