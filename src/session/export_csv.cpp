#include <cmath>

#include "session/exports.hpp"

namespace respira::session {
namespace {

std::string number(const std::optional<double>& v) { return v && std::isfinite(*v) ? format_number(*v) : ""; }
std::string number(double v) { return std::isfinite(v) ? format_number(v) : ""; }
std::string rating(const std::optional<int>& v) { return v ? std::to_string(*v) : ""; }
std::string change(const std::optional<int>& before, const std::optional<int>& after) {
  return before && after ? std::to_string(*after - *before) : "";
}

void row(std::string& out, std::initializer_list<std::string> cells) {
  bool first = true;
  for (const auto& cell : cells) {
    if (!first) out += ',';
    out += cell;
    first = false;
  }
  out += "\r\n";  // RFC 4180
}

}  // namespace

std::string csv_cell(std::string_view text) {
  std::string cell;
  // A spreadsheet runs a cell starting with these as a formula (CWE-1236).
  if (!text.empty() && std::string_view("=+-@\t\r").find(text.front()) != std::string_view::npos) cell += '\'';
  cell += text;
  if (cell.find_first_of(",\"\r\n") == std::string::npos) return cell;
  std::string quoted = "\"";
  for (char c : cell) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + '"';
}

CsvTables to_csv(const ExportBundle& bundle) {
  CsvTables t;
  row(t.sessions, {"session_id", "patient_id", "started_at", "ended_at", "place", "status", "source_kind",
                   "source_spec", "planned_duration_s", "duration_s", "pacer_rate_bpm", "pacer_ie_ratio",
                   "programme_step", "median_rate_bpm", "ie_ratio", "adherence", "time_in_target", "signal_quality",
                   "breath_count", "pre_tension", "post_tension", "tension_change", "flare_up", "notes"});
  row(t.breaths, {"session_id", "breath", "start_s", "exhale_start_s", "end_s", "inhale_s", "exhale_s", "rate_bpm",
                  "guide_rate_bpm", "depth"});
  row(t.ratings, {"session_id", "patient_id", "started_at", "region", "before", "after", "change"});
  for (const SessionData& data : bundle.sessions) {
    const Session& s = data.session;
    const std::string id = csv_cell(s.id);
    row(t.sessions, {id, csv_cell(s.patient_id), csv_cell(s.started_at), csv_cell(s.ended_at),
                     std::string(to_string(s.place)), std::string(to_string(s.status)), csv_cell(s.source_kind),
                     csv_cell(s.source_spec), number(s.planned_duration_s), number(s.duration_s),
                     number(s.pacer.rate_bpm), number(s.pacer.ie_ratio), csv_cell(s.pacer.programme_step),
                     number(s.metrics.median_rate_bpm), number(s.metrics.ie_ratio), number(s.metrics.adherence),
                     number(s.metrics.time_in_target), number(s.metrics.signal_quality),
                     std::to_string(s.metrics.breath_count), rating(s.pre_tension), rating(s.post_tension),
                     change(s.pre_tension, s.post_tension), s.flare_up ? "1" : "0", csv_cell(s.notes)});
    for (std::size_t i = 0; i < data.breaths.size(); ++i) {
      const Breath& b = data.breaths[i];
      row(t.breaths, {id, std::to_string(i + 1), number(b.start_s), number(b.exhale_start_s), number(b.end_s),
                      number(b.inhale_s()), number(b.exhale_s()),
                      b.period_s() > 0 ? number(60.0 / b.period_s()) : "", number(b.guide_rate_bpm), number(b.depth)});
    }
    row(t.ratings, {id, csv_cell(s.patient_id), csv_cell(s.started_at), "overall", rating(s.pre_tension),
                    rating(s.post_tension), change(s.pre_tension, s.post_tension)});
    for (const RegionRating& r : s.regions)
      row(t.ratings, {id, csv_cell(s.patient_id), csv_cell(s.started_at), csv_cell(r.region), rating(r.before),
                      rating(r.after), change(r.before, r.after)});
  }
  return t;
}

}  // namespace respira::session
