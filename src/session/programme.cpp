#include "session/programme.hpp"

#include "progress_format.hpp"
#include "session/theil_sen.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace respira::session {

namespace {

double round_to(double value, double step) { return std::round(value / step) * step; }

using progress_format::printf_text;

}  // namespace

const char* to_string(StageDecision decision) {
  switch (decision) {
    case StageDecision::advance: return "advance";
    case StageDecision::step_back: return "step back";
    case StageDecision::hold: break;
  }
  return "hold";
}

std::optional<double> measured_baseline_rate(std::span<const SessionOutcome> history) {
  std::vector<double> rates;
  for (const SessionOutcome& outcome : history) {
    if (outcome.resting_rate_bpm) rates.push_back(*outcome.resting_rate_bpm);
    if (rates.size() == kBaselineSessions) break;
  }
  if (rates.empty()) return std::nullopt;
  return median_of(rates);
}

Programme default_programme(double baseline_rate_bpm, const DefaultProgrammeConfig& config) {
  assert(baseline_rate_bpm > 0.0 && !config.minutes.empty());
  const double start =
      std::clamp(round_to(baseline_rate_bpm - config.first_step_below_baseline_bpm,
                          config.rate_rounding_bpm),
                 config.goal_rate_bpm, config.max_start_rate_bpm);
  // Slowing steps needed so that no step exceeds max_rate_step_bpm.
  const auto slowing_steps = static_cast<std::size_t>(
      std::ceil((start - config.goal_rate_bpm) / config.max_rate_step_bpm - 1e-9));
  const std::size_t count = std::max(config.minutes.size(), slowing_steps + 1);

  Programme programme;
  programme.baseline_rate_bpm = baseline_rate_bpm;
  for (std::size_t i = 0; i < count; ++i) {
    ProgrammeStage stage;
    stage.rate_bpm = i < slowing_steps
                         ? round_to(start - static_cast<double>(i) * (start - config.goal_rate_bpm) /
                                                static_cast<double>(slowing_steps),
                                    config.rate_rounding_bpm)
                         : config.goal_rate_bpm;
    stage.exhale_ratio = std::min(config.final_exhale_ratio,
                                  config.first_exhale_ratio +
                                      static_cast<double>(i) * config.exhale_ratio_step);
    stage.minutes = config.minutes[std::min(i, config.minutes.size() - 1)];
    stage.sessions_per_week = config.sessions_per_week;
    programme.stages.push_back(stage);
  }
  return programme;
}

std::string validate(const Programme& programme) {
  if (programme.stages.empty()) return "a programme needs at least one stage";
  for (std::size_t i = 0; i < programme.stages.size(); ++i) {
    const ProgrammeStage& s = programme.stages[i];
    const std::string where = "stage " + std::to_string(i + 1) + ": ";
    if (!(s.rate_bpm >= 3.0 && s.rate_bpm <= 30.0))
      return where + "rate must be 3–30 breaths/min";
    if (!(s.exhale_ratio >= 0.5 && s.exhale_ratio <= 4.0))
      return where + "I:E must be between 1:0.5 and 1:4";
    if (!(s.minutes > 0.0 && s.minutes <= 120.0)) return where + "length must be 0–120 minutes";
    if (s.sessions_per_week < 1 || s.sessions_per_week > 21)
      return where + "sessions per week must be 1–21";
  }
  if (programme.start_stage >= programme.stages.size())
    return "start stage " + std::to_string(programme.start_stage + 1) + " does not exist";
  if (programme.rule.sessions_to_advance < 1) return "sessions to advance must be at least 1";
  if (!(programme.rule.min_adherence >= 0.0 && programme.rule.min_adherence <= 1.0))
    return "minimum adherence must be between 0 and 1";
  return {};
}

bool meets_stage(const SessionOutcome& outcome, const ProgressionRule& rule) {
  const auto change = outcome.tension_change();
  return outcome.adherence && change && *outcome.adherence >= rule.min_adherence && *change <= 0.0;
}

namespace {

// Why a session did not meet its stage, in the clinician's words.
std::string shortfall(const SessionOutcome& outcome, const ProgressionRule& rule) {
  if (!outcome.adherence) return "no adherence measured";
  if (!outcome.pre_tension || !outcome.post_tension) return "tension not rated before and after";
  if (*outcome.adherence < rule.min_adherence)
    return printf_text("adherence %.2f below %.2f", *outcome.adherence, rule.min_adherence);
  return printf_text("tension rose %g -> %g", *outcome.pre_tension, *outcome.post_tension);
}

}  // namespace

ProgrammeState replay_programme(const Programme& programme, std::span<const SessionOutcome> history,
                                const std::vector<bool>& flare_ups) {
  assert(flare_ups.size() == history.size());
  assert(validate(programme).empty());
  const ProgressionRule& rule = programme.rule;
  const std::size_t last_stage = programme.stages.size() - 1;
  ProgrammeState state;
  state.stage = programme.start_stage;

  for (std::size_t i = 0; i < history.size(); ++i) {
    const SessionOutcome& outcome = history[i];
    if (outcome.start < programme.starts) continue;
    StageStep step;
    step.session_index = i;
    step.stage_before = state.stage;
    step.met_stage = meets_stage(outcome, rule);

    if (flare_ups[i]) {
      // A flare-up never counts toward advancing, whether or not the rule steps back.
      state.streak = 0;
      if (rule.step_back_on_flare_up && state.stage > 0) {
        --state.stage;
        step.decision = StageDecision::step_back;
        step.reason = "flare-up: back to stage " + std::to_string(state.stage + 1);
      } else {
        step.reason = state.stage == 0 ? "flare-up at the first stage" : "flare-up";
      }
    } else if (step.met_stage) {
      ++state.streak;
      if (state.streak >= rule.sessions_to_advance && state.stage < last_stage) {
        ++state.stage;
        state.streak = 0;
        step.decision = StageDecision::advance;
        step.reason = "met the stage " + std::to_string(rule.sessions_to_advance) +
                      " times in a row: on to stage " + std::to_string(state.stage + 1);
      } else {
        step.reason = state.stage == last_stage
                          ? std::string{"met the final stage"}
                          : "met the stage (" + std::to_string(state.streak) + " of " +
                                std::to_string(rule.sessions_to_advance) + ")";
      }
    } else {
      state.streak = 0;
      step.reason = shortfall(outcome, rule);
    }
    step.stage_after = state.stage;
    step.streak_after = state.streak;
    state.steps.push_back(std::move(step));
  }
  return state;
}

int sessions_in_last_week(std::span<const SessionOutcome> history, std::chrono::sys_seconds now) {
  const auto week_ago = now - std::chrono::days{7};
  return static_cast<int>(std::count_if(history.begin(), history.end(), [&](const SessionOutcome& o) {
    return o.start > week_ago && o.start <= now;
  }));
}

TodaysSession todays_session(const Programme& programme, const ProgrammeState& state,
                             std::span<const SessionOutcome> history,
                             std::chrono::sys_seconds now) {
  TodaysSession today;
  today.stage_index = state.stage;
  today.stage_count = programme.stages.size();
  today.stage = programme.stages.at(state.stage);
  today.sessions_last_7_days = sessions_in_last_week(history, now);
  today.sessions_left_this_week =
      std::max(0, today.stage.sessions_per_week - today.sessions_last_7_days);
  return today;
}

}  // namespace respira::session
