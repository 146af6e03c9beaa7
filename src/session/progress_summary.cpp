#include "session/progress_summary.hpp"

#include <algorithm>
#include <cmath>

#include "session/progress_source.hpp"
#include "progress_format.hpp"
#include "session/time_text.hpp"

namespace respira::session {

namespace {

using progress_format::count_of;
using progress_format::day_of;
using progress_format::printf_text;

std::string session_label(const SessionOutcome& o) {
  return day_of(o.start) + (o.session_id.empty() ? "" : " " + o.session_id);
}

std::string stage_text(const ProgrammeStage& s) {
  return printf_text("%g/min, I:E 1:%g, %g min, %d per week", s.rate_bpm, s.exhale_ratio,
                     s.minutes, s.sessions_per_week);
}

std::string trend_line(const char* label, const Trend& trend, const char* unit) {
  std::string line = printf_text("  %-24s", label);
  if (!trend.fit) return line + printf_text("not enough data (n=%zu)\n", trend.n);
  const RobustTrend& f = *trend.fit;
  line += printf_text("%+.2f %s/week [%+.2f, %+.2f]", f.slope, unit, f.slope_low, f.slope_high);
  if (trend.first && trend.last) line += printf_text("  %.3g -> %.3g", *trend.first, *trend.last);
  return line + printf_text("  (n=%zu)\n", trend.n);
}

}  // namespace

std::vector<SessionOutcome> outcomes_from(const std::vector<SessionData>& sessions) {
  std::vector<SessionOutcome> outcomes;
  for (const SessionData& data : sessions) {
    if (data.session.status == SessionStatus::recording) continue;
    outcomes.push_back(outcome_from(data.session, opening_rate_bpm(data.breaths)));
  }
  std::stable_sort(outcomes.begin(), outcomes.end(),
                   [](const SessionOutcome& a, const SessionOutcome& b) { return a.start < b.start; });
  return outcomes;
}

PatientProgress assess_progress(const Patient& patient, std::vector<SessionOutcome> history,
                                std::optional<Programme> programme, std::chrono::sys_seconds as_of,
                                ProgressConfig config) {
  PatientProgress p;
  p.patient_id = patient.id;
  p.display_name = patient.display_name;
  p.as_of = as_of;
  p.history = std::move(history);
  config.as_of = as_of;
  p.report = analyse_progress(p.history, config);
  p.programme = std::move(programme);
  if (p.programme) {
    p.state = replay_programme(*p.programme, p.history, p.report.flare_up_flags());
    p.today = todays_session(*p.programme, *p.state, p.history, as_of);
  }
  std::vector<double> adherence;
  for (const SessionOutcome& o : p.history)
    if (o.adherence) adherence.push_back(*o.adherence);
  if (!adherence.empty()) {
    p.median_adherence = median_of(adherence);
    const std::size_t k = std::min(kRecentAdherenceSessions, adherence.size());
    p.recent_median_adherence = median_of(std::span{adherence}.last(k));
    p.recent_adherence_sessions = k;
  }
  for (std::size_t i = p.history.size(); i-- > 0 && p.recent_notes.size() < kRecentNotes;)
    if (!p.history[i].note.empty()) p.recent_notes.push_back(i);
  return p;
}

std::string plateau_description(const Plateau& plateau) {
  return printf_text("pre-session tension changed %+.1f points over the last %zu sessions "
                     "(slope %+.2f/week, %.0f%% CI [%+.2f, %+.2f])",
                     plateau.change_points, plateau.window, plateau.fit.slope, 100.0 * plateau.fit.confidence,
                     plateau.fit.slope_low, plateau.fit.slope_high);
}

std::string flare_up_description(const PatientProgress& p, const FlareUp& f) {
  std::string text;
  if (f.spike)
    text = printf_text("pre-session tension %g at or above %.1f (baseline median %g)",
                       *p.history[f.session_index].pre_tension, *f.threshold, *f.baseline_median);
  if (f.marked) text += f.spike ? "; marked by the patient" : "marked by the patient";
  return text;
}

std::string progress_text(const PatientProgress& p) {
  std::string out = "Patient " + p.patient_id +
                    (p.display_name.empty() ? "" : " (" + p.display_name + ")") + ", as of " +
                    day_of(p.as_of) + "\n";
  if (p.history.empty()) {
    out += "  no finished sessions yet\n";
  } else {
    out += "  " + count_of(static_cast<long long>(p.history.size()), "session") + " from " +
           day_of(p.history.front().start) + " to " + day_of(p.history.back().start) + "\n";
  }

  if (p.programme && p.state && p.today) {
    const ProgrammeState& s = *p.state;
    out += printf_text("\nProgramme: stage %zu of %zu", s.stage + 1, p.programme->stages.size());
    if (s.stage + 1 < p.programme->stages.size())
      out += printf_text(" (%zu of %zu sessions in a row met it)", s.streak,
                         p.programme->rule.sessions_to_advance);
    out += "\n  Today's session: " + stage_text(p.today->stage) +
           printf_text(" (%d done in the last 7 days, %d to go)\n", p.today->sessions_last_7_days,
                       p.today->sessions_left_this_week);
    for (std::size_t i = 0; i < p.programme->stages.size(); ++i)
      out += printf_text("  %s %zu. ", i == s.stage ? ">" : " ", i + 1) +
             stage_text(p.programme->stages[i]) + "\n";
    const ProgressionRule& r = p.programme->rule;
    out += printf_text("  Rule: advance after %zu sessions in a row with adherence >= %.2f and "
                       "tension not higher after; %s\n",
                       r.sessions_to_advance, r.min_adherence,
                       r.step_back_on_flare_up ? "one stage back after a flare-up" : "no step back");
    for (const StageStep& step : s.steps)
      if (step.decision != StageDecision::hold)
        out += "  " + session_label(p.history[step.session_index]) + ": " + step.reason + "\n";
  } else {
    out += "\nProgramme: none set (respira programme set --patient " + p.patient_id + " --default)\n";
  }

  if (p.median_adherence) {
    const std::size_t n = p.recent_adherence_sessions;
    out += n < kRecentAdherenceSessions
               ? printf_text("\nAdherence: median %.2f over ", *p.median_adherence) +
                     count_of(static_cast<long long>(n), "session") + "\n"
               : printf_text("\nAdherence: median %.2f overall, %.2f over the last %zu sessions\n",
                             *p.median_adherence, *p.recent_median_adherence, n);
  }

  const ProgressReport& r = p.report;
  out += printf_text("\nTrends (Theil-Sen slope per week, %.0f%% CI; first -> last = medians of 3 sessions):\n",
                     100.0 * (r.pre_tension.fit ? r.pre_tension.fit->confidence : 0.95));
  out += trend_line("pre-session tension", r.pre_tension, "points");
  out += trend_line("in-session relief", r.relief, "points");
  out += trend_line("resting rate at start", r.resting_rate, "/min");
  out += trend_line("achieved rate", r.achieved_rate, "/min");
  out += trend_line("adherence", r.adherence, "");
  out += trend_line("practice minutes/week", r.minutes_per_week, "min");
  for (const RegionProgress& region : r.regions) {
    out += trend_line(("  " + region.region).c_str(), region.pre_tension, "points");
    if (region.median_change)
      out += printf_text("      median change in session %+.1f (%zu rated)\n", *region.median_change,
                         region.rated_sessions);
  }

  out += "\nHome and clinic:\n";
  for (const PlaceSummary* place : {&r.home, &r.clinic}) {
    out += printf_text("  %-7s %d session%s, %.1f min", to_string(place->place), place->sessions,
                       place->sessions == 1 ? "" : "s", place->minutes);
    if (place->median_tension_change)
      out += printf_text(", median tension change %+.1f", *place->median_tension_change);
    out += "\n";
  }
  if (!r.weeks.empty()) {
    out += "  week  home  clinic  minutes\n";
    for (const WeekSummary& w : r.weeks)
      out += printf_text("  %4d  %4d  %6d  %7.1f%s\n", w.week + 1, w.home_sessions, w.clinic_sessions,
                         w.home_minutes + w.clinic_minutes, w.complete ? "" : "  (so far)");
  }

  out += "\nFlags:\n";
  bool any_flag = false;
  if (r.plateau && r.plateau->flagged) {
    any_flag = true;
    out += "  PLATEAU: " + plateau_description(*r.plateau) + "\n";
  }
  for (const FlareUp& f : r.flare_ups) {
    any_flag = true;
    out += "  FLARE-UP " + session_label(p.history[f.session_index]) + ": " + flare_up_description(p, f) + "\n";
  }
  if (!any_flag) out += "  none\n";

  if (!p.recent_notes.empty()) {
    out += "\nRecent notes:\n";
    for (std::size_t i : p.recent_notes)
      out += "  " + session_label(p.history[i]) + ": " + p.history[i].note + "\n";
  }
  return out;
}

}  // namespace respira::session
