#pragma once
// Closed-loop pacing: start where the person already breathes and lead them, a small
// step at a time, toward the target rate and a longer exhale, but only while they keep
// up. People cannot be pulled from 14/min to 6/min at once; a guide that runs away from
// them just teaches them to ignore it.
//
// Rule: the pacer holds each level for `breaths_per_level` scored breaths, then judges the
// mean adherence of those breaths (see adherence.hpp):
//   >= good_adherence  -> lead: rate one step toward the target and the exhale share one
//                         step toward its target (both at the next breath boundary);
//   <= poor_adherence  -> ease back one step toward where the person started;
//   otherwise          -> stay and judge the next breaths_per_level breaths.
// Once at the target the pacer stays there while adherence is good.

#include <cstddef>

#include "pacer/adherence.hpp"
#include "pacer/schedule.hpp"

namespace respira::pacer {

struct AdaptiveConfig {
  double target_rate_bpm = 6.0;
  double target_exhale_fraction = 0.6;   // 4:6
  double rate_step_bpm = 0.5;
  double exhale_fraction_step = 0.025;
  std::size_t breaths_per_level = 3;
  double good_adherence = 0.7;
  double poor_adherence = 0.4;
  AdherenceConfig adherence;
};

enum class AdaptiveAction { none, lead, ease_back };

class AdaptivePacer {
 public:
  // measured_rate_bpm / measured_exhale_fraction: where the person breathes now (clamped to
  // patterns the pacer can show). Throws PatternError for non-finite values.
  AdaptivePacer(const AdaptiveConfig& config, double measured_rate_bpm,
                double measured_exhale_fraction, double start_s);

  void add_event(const dsp::BreathEvent& event) { adherence_.add_event(event); }
  // Scores closed breaths and, at the end of a level, leads or eases back.
  AdaptiveAction update(double now_s);

  PacerState state_at(double time_s) const { return schedule_.state_at(time_s); }
  const PacerSchedule& schedule() const { return schedule_; }
  const AdherenceTracker& adherence() const { return adherence_; }
  double level_rate_bpm() const { return rate_bpm_; }
  double level_exhale_fraction() const { return exhale_fraction_; }
  bool at_target() const;

 private:
  BreathPattern level_pattern() const;
  static double step_toward(double from, double to, double step);

  AdaptiveConfig config_;
  double start_rate_bpm_;
  double start_exhale_fraction_;
  double rate_bpm_;
  double exhale_fraction_;
  PacerSchedule schedule_;
  AdherenceTracker adherence_;
  std::int64_t level_first_breath_ = 0;
};

}  // namespace respira::pacer
