#include "session/progress_export.hpp"

#include <algorithm>

#include "session/exports.hpp"
#include "session/programme_store.hpp"
#include "progress_format.hpp"
#include "session/time_text.hpp"

namespace respira::session {

namespace {

using progress_format::count_of;
using progress_format::day_of;
using progress_format::printf_text;

using nlohmann::json;

json optional_number(const std::optional<double>& value) {
  return value ? json(*value) : json(nullptr);
}

json trend_json(const Trend& trend) {
  json t = {{"n", trend.n}, {"unit", trend.unit}, {"first", optional_number(trend.first)},
            {"last", optional_number(trend.last)}};
  if (trend.fit) {
    t["slope_per_week"] = trend.fit->slope;
    t["ci_low"] = trend.fit->slope_low;
    t["ci_high"] = trend.fit->slope_high;
    t["confidence"] = trend.fit->confidence;
  } else {
    t["slope_per_week"] = nullptr;
  }
  return t;
}

json stage_json(const ProgrammeStage& s) {
  return {{"rate_bpm", s.rate_bpm},
          {"exhale_ratio", s.exhale_ratio},
          {"ie", "1:" + json(s.exhale_ratio).dump()},
          {"minutes", s.minutes},
          {"sessions_per_week", s.sessions_per_week},
          {"inhale_s", s.inhale_seconds()},
          {"exhale_s", s.exhale_seconds()}};
}

std::string fmt_trend_cell(const Trend& trend) {
  if (!trend.fit) return "<td colspan=\"2\">not enough data</td>";
  return printf_text("<td>%+.2f</td><td>[%+.2f, %+.2f]</td>", trend.fit->slope, trend.fit->slope_low,
                     trend.fit->slope_high);
}

// Pre (filled) and post (hollow) tension per session over weeks, flare-ups in red.
std::string tension_chart(const PatientProgress& p) {
  constexpr double kWidth = 640, kHeight = 220, kLeft = 36, kRight = 10, kTop = 10, kBottom = 26;
  const double weeks = std::max(1.0, p.report.sessions.empty() ? 1.0 : p.report.sessions.back().week);
  const auto x_of = [&](double week) { return kLeft + (kWidth - kLeft - kRight) * week / weeks; };
  const auto y_of = [&](double tension) { return kTop + (kHeight - kTop - kBottom) * (10.0 - tension) / 10.0; };
  std::string svg = printf_text(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" role=\"img\" "
      "aria-label=\"Tension before and after each session\">",
      kWidth, kHeight);
  for (int level = 0; level <= 10; level += 2) {
    svg += printf_text("<line x1=\"%.0f\" x2=\"%.0f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>"
                       "<text x=\"4\" y=\"%.1f\" font-size=\"10\">%d</text>",
                       kLeft, kWidth - kRight, y_of(level), y_of(level), y_of(level) + 3, level);
  }
  for (int w = 0; w <= static_cast<int>(weeks); ++w)
    svg += printf_text("<text x=\"%.1f\" y=\"%.0f\" font-size=\"10\">w%d</text>", x_of(w) - 6,
                       kHeight - 8, w + 1);
  for (const SessionProgress& s : p.report.sessions) {
    const SessionOutcome& o = p.history[s.index];
    const char* colour = s.flare_up ? "#c0392b" : "#2c3e50";
    const double x = x_of(s.week);
    if (o.pre_tension && o.post_tension)
      svg += printf_text("<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>", x, x,
                         y_of(*o.pre_tension), y_of(*o.post_tension), colour);
    if (o.pre_tension)
      svg += printf_text("<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>", x, y_of(*o.pre_tension), colour);
    if (o.post_tension)
      svg += printf_text("<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"white\" stroke=\"%s\"/>", x,
                         y_of(*o.post_tension), colour);
  }
  return svg + "</svg>";
}

}  // namespace

std::chrono::sys_seconds flare_up_end(const PatientProgress& progress, const FlareUp& flare_up) {
  return progress.history[flare_up.session_index].start + std::chrono::days{kFlareUpActiveDays};
}

bool flare_up_active(const PatientProgress& progress) {
  return std::any_of(progress.report.flare_ups.begin(), progress.report.flare_ups.end(),
                     [&](const FlareUp& f) { return progress.as_of < flare_up_end(progress, f); });
}

bool any_flag_active(const PatientProgress& progress) {
  return (progress.report.plateau && progress.report.plateau->flagged) || flare_up_active(progress);
}

json progress_json(const PatientProgress& p) {
  json doc;
  doc["patient"] = {{"id", p.patient_id}, {"display_name", p.display_name}};
  doc["as_of"] = to_iso(p.as_of);
  doc["session_count"] = p.history.size();

  if (p.programme && p.state && p.today) {
    doc["programme"] = json::parse(programme_to_json(*p.programme));
    json steps = json::array();
    for (const StageStep& step : p.state->steps) {
      steps.push_back({{"session_id", p.history[step.session_index].session_id},
                       {"start", to_iso(p.history[step.session_index].start)},
                       {"stage_before", step.stage_before + 1},
                       {"stage_after", step.stage_after + 1},
                       {"decision", to_string(step.decision)},
                       {"met_stage", step.met_stage},
                       {"reason", step.reason}});
    }
    doc["stage"] = {{"current", p.state->stage + 1},
                    {"of", p.programme->stages.size()},
                    {"streak", p.state->streak},
                    {"needed_to_advance", p.programme->rule.sessions_to_advance},
                    {"steps", steps}};
    json today = stage_json(p.today->stage);
    today["stage"] = p.today->stage_index + 1;
    today["sessions_last_7_days"] = p.today->sessions_last_7_days;
    today["sessions_left_this_week"] = p.today->sessions_left_this_week;
    doc["today"] = today;
  } else {
    doc["programme"] = nullptr;
    doc["stage"] = nullptr;
    doc["today"] = nullptr;
  }

  doc["adherence"] = {{"median", optional_number(p.median_adherence)},
                      {"recent_median", optional_number(p.recent_median_adherence)},
                      {"recent_sessions", p.recent_adherence_sessions}};
  const ProgressReport& r = p.report;
  doc["trends"] = {{"pre_tension", trend_json(r.pre_tension)},
                   {"relief", trend_json(r.relief)},
                   {"resting_rate", trend_json(r.resting_rate)},
                   {"achieved_rate", trend_json(r.achieved_rate)},
                   {"adherence", trend_json(r.adherence)},
                   {"minutes_per_week", trend_json(r.minutes_per_week)}};
  json regions = json::array();
  for (const RegionProgress& region : r.regions)
    regions.push_back({{"region", region.region},
                       {"rated_sessions", region.rated_sessions},
                       {"median_change", optional_number(region.median_change)},
                       {"pre_tension", trend_json(region.pre_tension)}});
  doc["regions"] = regions;

  json places = json::object();
  for (const PlaceSummary* place : {&r.home, &r.clinic})
    places[to_string(place->place)] = {{"sessions", place->sessions},
                                       {"minutes", place->minutes},
                                       {"median_tension_change", optional_number(place->median_tension_change)},
                                       {"median_adherence", optional_number(place->median_adherence)}};
  doc["places"] = places;
  json weeks = json::array();
  for (const WeekSummary& w : r.weeks)
    weeks.push_back({{"week", w.week + 1},
                     {"complete", w.complete},
                     {"home_sessions", w.home_sessions},
                     {"clinic_sessions", w.clinic_sessions},
                     {"home_minutes", w.home_minutes},
                     {"clinic_minutes", w.clinic_minutes},
                     {"median_adherence", optional_number(w.median_adherence)},
                     {"median_pre_tension", optional_number(w.median_pre_tension)}});
  doc["weeks"] = weeks;

  json flare_ups = json::array();
  for (const FlareUp& f : r.flare_ups) {
    const SessionOutcome& o = p.history[f.session_index];
    flare_ups.push_back({{"session_id", o.session_id},
                         {"start", to_iso(o.start)},
                         {"marked", f.marked},
                         {"spike", f.spike},
                         {"pre_tension", optional_number(o.pre_tension)},
                         {"baseline_median", optional_number(f.baseline_median)},
                         {"threshold", optional_number(f.threshold)}});
  }
  json plateau = nullptr;
  if (r.plateau)
    plateau = {{"flagged", r.plateau->flagged},
               {"window_sessions", r.plateau->window},
               {"weeks", r.plateau->weeks},
               {"change_points", r.plateau->change_points},
               {"slope_per_week", r.plateau->fit.slope},
               {"ci_low", r.plateau->fit.slope_low},
               {"ci_high", r.plateau->fit.slope_high},
               {"median_tension", r.plateau->median_tension}};
  doc["flags"] = {{"plateau", plateau}, {"flare_ups", flare_ups}};

  json sessions = json::array();
  for (const SessionProgress& s : r.sessions) {
    const SessionOutcome& o = p.history[s.index];
    json regions_changed = json::object();
    for (const auto& [region, change] : s.region_changes) regions_changed[region] = change;
    sessions.push_back({{"session_id", o.session_id},
                        {"start", to_iso(o.start)},
                        {"place", to_string(o.place)},
                        {"pre_tension", optional_number(o.pre_tension)},
                        {"post_tension", optional_number(o.post_tension)},
                        {"tension_change", optional_number(s.tension_change)},
                        {"region_changes", regions_changed},
                        {"adherence", optional_number(o.adherence)},
                        {"resting_rate_bpm", optional_number(o.resting_rate_bpm)},
                        {"achieved_rate_bpm", optional_number(o.achieved_rate_bpm)},
                        {"minutes", o.minutes},
                        {"flare_up", s.flare_up},
                        {"plateau", s.plateau}});
  }
  doc["sessions"] = sessions;
  json notes = json::array();
  for (std::size_t i : p.recent_notes)
    notes.push_back({{"session_id", p.history[i].session_id},
                     {"start", to_iso(p.history[i].start)},
                     {"note", p.history[i].note}});
  doc["recent_notes"] = notes;
  return doc;
}

std::string progress_html_section(const PatientProgress& p) {
  std::string html = "<section class=\"progress\">\n<h2>Programme and progress</h2>\n";
  if (p.programme && p.state && p.today) {
    html += printf_text("<p>Stage %zu of %zu. Today's session: %g breaths/min, I:E 1:%g, %g min "
                        "(%d of %d this week).</p>\n",
                        p.state->stage + 1, p.programme->stages.size(), p.today->stage.rate_bpm,
                        p.today->stage.exhale_ratio, p.today->stage.minutes,
                        p.today->sessions_last_7_days, p.today->stage.sessions_per_week);
    html += "<table><tr><th>Stage</th><th>Rate /min</th><th>I:E</th><th>Minutes</th><th>Per week</th></tr>\n";
    for (std::size_t i = 0; i < p.programme->stages.size(); ++i) {
      const ProgrammeStage& s = p.programme->stages[i];
      html += printf_text("<tr%s><td>%zu</td><td>%g</td><td>1:%g</td><td>%g</td><td>%d</td></tr>\n",
                          i == p.state->stage ? " class=\"current\"" : "", i + 1, s.rate_bpm,
                          s.exhale_ratio, s.minutes, s.sessions_per_week);
    }
    html += "</table>\n";
  } else {
    html += "<p>No programme set.</p>\n";
  }

  html += "<h3>Flags</h3>\n<ul>\n";
  const ProgressReport& r = p.report;
  bool any = false;
  if (r.plateau && r.plateau->flagged) {
    any = true;
    html += "<li><strong>Plateau</strong>: " + escape_html(plateau_description(*r.plateau)) + ".</li>\n";
  }
  for (const FlareUp& f : r.flare_ups) {
    any = true;
    html += "<li><strong>Flare-up</strong> " + escape_html(day_of(p.history[f.session_index].start)) + ": " +
            escape_html(flare_up_description(p, f)) + "</li>\n";
  }
  if (!any) html += "<li>None.</li>\n";
  html += "</ul>\n<h3>Tension before (filled) and after (hollow) each session</h3>\n" +
          tension_chart(p) + "\n";

  html += "<h3>Trends per week (Theil–Sen, 95% CI)</h3>\n<table><tr><th>Measure</th><th>Slope</th>"
          "<th>CI</th><th>Sessions</th></tr>\n";
  const std::pair<const char*, const Trend*> rows[] = {
      {"Pre-session tension (points)", &r.pre_tension}, {"In-session relief (points)", &r.relief},
      {"Resting rate at start (/min)", &r.resting_rate}, {"Achieved rate (/min)", &r.achieved_rate},
      {"Adherence", &r.adherence},                       {"Practice minutes per week", &r.minutes_per_week}};
  for (const auto& [label, trend] : rows)
    html += std::string("<tr><td>") + label + "</td>" + fmt_trend_cell(*trend) +
            printf_text("<td>%zu</td></tr>\n", trend->n);
  for (const RegionProgress& region : r.regions)
    html += "<tr><td>" + escape_html(region.region) + " (points)</td>" +
            fmt_trend_cell(region.pre_tension) + printf_text("<td>%zu</td></tr>\n", region.pre_tension.n);
  html += "</table>\n";
  html += "<p>Home: " + count_of(r.home.sessions, "session") + printf_text(", %.0f min. ", r.home.minutes) +
          "Clinic: " + count_of(r.clinic.sessions, "session") + printf_text(", %.0f min.</p>\n", r.clinic.minutes);
  if (!p.recent_notes.empty()) {
    html += "<h3>Recent notes</h3>\n<ul>\n";
    for (std::size_t i : p.recent_notes)
      html += "<li>" + escape_html(day_of(p.history[i].start)) + ": " +
              escape_html(p.history[i].note) + "</li>\n";
    html += "</ul>\n";
  }
  return html + "</section>\n";
}

json fhir_care_plan(const PatientProgress& p, const std::string& patient_reference) {
  if (!p.programme || !p.state) return nullptr;
  json activities = json::array();
  for (std::size_t i = 0; i < p.programme->stages.size(); ++i) {
    const ProgrammeStage& s = p.programme->stages[i];
    const char* status = i < p.state->stage ? "completed" : i == p.state->stage ? "in-progress" : "not-started";
    activities.push_back(
        {{"detail",
          {{"kind", "ServiceRequest"},
           {"code", {{"text", "Paced slow breathing, stage " + std::to_string(i + 1)}}},
           {"status", status},
           {"description", printf_text("%g breaths/min, inhale:exhale 1:%g, %g min, %d sessions per week",
                                       s.rate_bpm, s.exhale_ratio, s.minutes, s.sessions_per_week)},
           {"scheduledTiming",
            {{"repeat",
              {{"frequency", s.sessions_per_week},
               {"period", 1},
               {"periodUnit", "wk"},
               {"duration", s.minutes},
               {"durationUnit", "min"}}}}}}}});
  }
  return {{"resourceType", "CarePlan"},
          {"id", "programme-" + p.patient_id},
          {"status", "active"},
          {"intent", "plan"},
          {"title", "Graded slow-breathing home programme"},
          {"description", printf_text("Currently stage %zu of %zu. Advance after %zu sessions in a row "
                                      "with adherence >= %.2f and tension not higher after.",
                                      p.state->stage + 1, p.programme->stages.size(),
                                      p.programme->rule.sessions_to_advance, p.programme->rule.min_adherence)},
          {"subject", {{"reference", patient_reference}}},
          {"period", {{"start", to_iso(p.programme->starts)}}},
          {"activity", activities}};
}

std::vector<json> fhir_flags(const PatientProgress& p, const std::string& patient_reference) {
  const json category = json::array(
      {{{"coding", {{{"system", "http://terminology.hl7.org/CodeSystem/flag-category"},
                     {"code", "clinical"},
                     {"display", "Clinical"}}}}}});
  std::vector<json> flags;
  const ProgressReport& r = p.report;
  for (const FlareUp& f : r.flare_ups) {
    const SessionOutcome& o = p.history[f.session_index];
    const auto end = flare_up_end(p, f);
    const std::string text = "Flare-up: " + flare_up_description(p, f);
    flags.push_back({{"resourceType", "Flag"},
                     {"id", "flare-up-" + (o.session_id.empty() ? std::to_string(f.session_index) : o.session_id)},
                     {"status", p.as_of < end ? "active" : "inactive"},
                     {"category", category},
                     {"code", {{"text", text}}},
                     {"subject", {{"reference", patient_reference}}},
                     {"period", {{"start", to_iso(o.start)}, {"end", to_iso(end)}}}});
  }
  if (r.plateau && r.plateau->flagged) {
    const std::size_t first = [&] {  // the first session of the plateau's window
      std::size_t rated = 0;
      for (std::size_t i = r.plateau->session_index + 1; i-- > 0;)
        if (p.history[i].pre_tension && ++rated == r.plateau->window) return i;
      return std::size_t{0};
    }();
    flags.push_back(
        {{"resourceType", "Flag"},
         {"id", "plateau-" + p.patient_id},
         {"status", "active"},
         {"category", category},
         {"code", {{"text", "Plateau: " + plateau_description(*r.plateau)}}},
         {"subject", {{"reference", patient_reference}}},
         {"period", {{"start", to_iso(p.history[first].start)}}}});
  }
  return flags;
}

}  // namespace respira::session
