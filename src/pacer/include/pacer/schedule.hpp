#pragma once
// The pacer as a pure function of time. A PacerSchedule is a list of segments, each a
// pattern repeated from a start time; a pattern change always starts a new segment at the
// next breath boundary, so the guide never jumps mid-breath and any moment (past or
// future) can be evaluated exactly: the GLSL orb, the audio tones, the adherence score and
// the tests all ask the same question, "where is the guide at time t?".
//
// Target lung volume is eased with a half cosine in each moving phase, so volume and its
// slope are continuous at every phase boundary (the slope is zero at the turns, like a
// relaxed breath) and constant during holds.

#include <cstdint>
#include <vector>

#include "pacer/pattern.hpp"

namespace respira::pacer {

enum class Phase : std::uint8_t { inhale, inhale_hold, exhale, exhale_hold };

const char* phase_label(Phase phase);  // "Breathe in", "Hold", "Breathe out", "Rest"

struct PacerState {
  Phase phase = Phase::inhale;
  double progress = 0.0;           // 0..1 within the phase
  double volume = 0.0;             // target lung volume 0 (empty) .. 1 (full), eased
  double phase_remaining_s = 0.0;  // until the next phase starts
  std::int64_t breath_index = 0;
  double breath_start_s = 0.0;
  BreathPattern pattern;
};

// Eased target volume for a phase at progress 0..1.
double eased_volume(Phase phase, double progress);

// Where the guide is `offset_s` seconds into one breath of `pattern` (0 <= offset < period).
PacerState state_in_breath(const BreathPattern& pattern, double offset_s);

struct ScheduledBreath {
  std::int64_t index = 0;
  double start_s = 0.0;
  BreathPattern pattern;
  double inhale_onset_s() const { return start_s; }
  double exhale_onset_s() const { return start_s + pattern.exhale_onset_offset_s(); }
  double end_s() const { return start_s + pattern.period_s(); }
};

class PacerSchedule {
 public:
  // Validates the pattern (throws PatternError). Breath 0 starts at start_s; times before
  // it read as the very start of breath 0.
  explicit PacerSchedule(const BreathPattern& initial, double start_s = 0.0);

  ScheduledBreath breath_at(double time_s) const;
  ScheduledBreath breath(std::int64_t index) const;  // index >= 0
  PacerState state_at(double time_s) const;

  // The new pattern starts with the first breath that begins after `now_s` (the end of
  // the breath containing now_s) and replaces any change still pending after now_s.
  // Returns the time it takes effect. Throws PatternError for an invalid pattern.
  double change_pattern(const BreathPattern& pattern, double now_s);

  double start_s() const { return segments_.front().start_s; }

 private:
  struct Segment {
    double start_s;
    std::int64_t first_index;
    BreathPattern pattern;
  };
  const Segment& segment_at(double time_s) const;
  static ScheduledBreath breath_in(const Segment& segment, std::int64_t index);

  std::vector<Segment> segments_;
};

}  // namespace respira::pacer
