#pragma once
// Graded home programmes: a ladder of breathing stages and the rule that moves a patient along it.
//
// Why a replayed rule rather than a stored "current stage": the stage is a pure function of the
// programme and the session history, so it can never drift from the record, the clinician can
// see why every step happened, and changing the rule re-evaluates the whole history the same way
// everywhere (window, command line, reports). See docs/clinical-loop.md for the clinical
// reasoning behind the defaults.

#include <chrono>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "session/progress_outcome.hpp"

namespace respira::session {

// One rung: how to breathe and how much to practise.
struct ProgrammeStage {
  double rate_bpm = 6.0;         // pacer target, breaths per minute
  double exhale_ratio = 2.0;     // I:E = 1:exhale_ratio (2.0 means exhale twice as long)
  double minutes = 10.0;         // session length
  int sessions_per_week = 5;

  double inhale_seconds() const { return 60.0 / rate_bpm / (1.0 + exhale_ratio); }
  double exhale_seconds() const { return 60.0 / rate_bpm - inhale_seconds(); }
  bool operator==(const ProgrammeStage&) const = default;
};

struct ProgressionRule {
  std::size_t sessions_to_advance = 3;  // K: consecutive sessions at a stage that met it
  double min_adherence = 0.70;          // A: a session meets the stage with adherence >= A ...
                                        // ... and post-tension <= pre-tension
  bool step_back_on_flare_up = true;    // a flare-up moves the patient down one stage
  bool operator==(const ProgressionRule&) const = default;
};

struct Programme {
  std::vector<ProgrammeStage> stages;
  ProgressionRule rule;
  std::size_t start_stage = 0;
  std::chrono::sys_seconds starts{};    // sessions before this do not count toward progression
  std::optional<double> baseline_rate_bpm;  // what a default ladder was built from
  bool operator==(const Programme&) const = default;
};

// Clinical defaults for building a ladder from the patient's resting rate.
struct DefaultProgrammeConfig {
  double goal_rate_bpm = 6.0;        // resonance-range slow breathing
  double first_step_below_baseline_bpm = 2.0;
  double max_start_rate_bpm = 12.0;
  double max_rate_step_bpm = 2.0;    // never slow by more than this between stages
  double rate_rounding_bpm = 0.5;
  std::vector<double> minutes = {5.0, 10.0, 15.0, 20.0};  // one entry per stage
  double first_exhale_ratio = 1.5;   // I:E 1:1.5 ...
  double exhale_ratio_step = 0.25;   // ... lengthening per stage ...
  double final_exhale_ratio = 2.0;   // ... up to 1:2
  int sessions_per_week = 5;
};

// The patient's measured resting rate: the median opening rate of their first
// kBaselineSessions sessions that have one; nullopt when none has.
inline constexpr std::size_t kBaselineSessions = 3;
std::optional<double> measured_baseline_rate(std::span<const SessionOutcome> history);

// The default ladder for a patient whose resting rate is baseline_rate_bpm (> 0).
Programme default_programme(double baseline_rate_bpm, const DefaultProgrammeConfig& config = {});

// Empty string when the programme is usable, else what is wrong (for the command line).
std::string validate(const Programme& programme);

enum class StageDecision { advance, hold, step_back };

const char* to_string(StageDecision decision);

// What one session did to the stage.
struct StageStep {
  std::size_t session_index = 0;   // index into the history given to replay_programme
  std::size_t stage_before = 0;
  std::size_t stage_after = 0;
  StageDecision decision = StageDecision::hold;
  bool met_stage = false;
  std::size_t streak_after = 0;    // consecutive sessions meeting the stage, after this one
  std::string reason;
};

struct ProgrammeState {
  std::size_t stage = 0;           // current stage index
  std::size_t streak = 0;          // sessions meeting the current stage in a row
  std::vector<StageStep> steps;    // one per counted session, in order
};

// Whether a session met a stage under the rule (needs adherence and both tension ratings).
bool meets_stage(const SessionOutcome& outcome, const ProgressionRule& rule);

// Walks the history (sorted by start time) through the programme. flare_ups[i] says whether
// session i was a flare-up (see progress.hpp); it must be as long as history.
ProgrammeState replay_programme(const Programme& programme, std::span<const SessionOutcome> history,
                                const std::vector<bool>& flare_ups);

// "Today's session": the current stage, preconfigured, and where the patient is this week.
struct TodaysSession {
  std::size_t stage_index = 0;
  std::size_t stage_count = 0;
  ProgrammeStage stage;
  int sessions_last_7_days = 0;
  int sessions_left_this_week = 0;  // toward stage.sessions_per_week over the last 7 days
};

// Sessions that started in the rolling week (now - 7 days, now].
int sessions_in_last_week(std::span<const SessionOutcome> history, std::chrono::sys_seconds now);

TodaysSession todays_session(const Programme& programme, const ProgrammeState& state,
                             std::span<const SessionOutcome> history,
                             std::chrono::sys_seconds now);

}  // namespace respira::session
