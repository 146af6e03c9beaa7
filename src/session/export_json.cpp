// JSON export and import. nlohmann::json keeps object keys sorted (std::map) and prints
// doubles in their shortest round-trip form, which is what makes the output deterministic.

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

#include "session/exports.hpp"

namespace respira::session {
namespace {

using nlohmann::json;

constexpr double kMaxRateBpm = 60.0;

json opt(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }
json opt(const std::optional<int>& v) { return v ? json(*v) : json(nullptr); }
json finite_or_null(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }

json session_json(const SessionData& data) {
  const Session& s = data.session;
  json regions = json::array();
  for (const auto& r : s.regions) regions.push_back({{"region", r.region}, {"before", opt(r.before)}, {"after", opt(r.after)}});
  json breaths = json::array();
  for (const auto& b : data.breaths)
    breaths.push_back({{"start_s", b.start_s}, {"exhale_start_s", b.exhale_start_s}, {"end_s", b.end_s},
                       {"depth", finite_or_null(b.depth)}, {"guide_rate_bpm", finite_or_null(b.guide_rate_bpm)}});
  json waveform = json::array();
  for (const auto& c : data.waveform) {
    json values = json::array();
    for (float v : c.values) values.push_back(static_cast<double>(v));
    waveform.push_back({{"start_s", c.start_s}, {"rate_hz", c.rate_hz}, {"values", std::move(values)}});
  }
  json gaps = json::array();
  for (const auto& g : data.gaps) gaps.push_back({{"start_s", g.start_s}, {"duration_s", g.duration_s}});
  return {
      {"id", s.id},
      {"patient_id", s.patient_id},
      {"started_at", s.started_at},
      {"ended_at", s.ended_at},
      {"place", std::string(to_string(s.place))},
      {"status", std::string(to_string(s.status))},
      {"source_kind", s.source_kind},
      {"source_spec", s.source_spec},
      {"planned_duration_s", s.planned_duration_s},
      {"duration_s", s.duration_s},
      {"pacer", {{"rate_bpm", opt(s.pacer.rate_bpm)}, {"ie_ratio", opt(s.pacer.ie_ratio)},
                 {"programme_step", s.pacer.programme_step}}},
      {"metrics", {{"median_rate_bpm", opt(s.metrics.median_rate_bpm)}, {"ie_ratio", opt(s.metrics.ie_ratio)},
                   {"adherence", opt(s.metrics.adherence)}, {"time_in_target", opt(s.metrics.time_in_target)},
                   {"signal_quality", opt(s.metrics.signal_quality)}, {"breath_count", s.metrics.breath_count}}},
      {"ratings", {{"pre_tension", opt(s.pre_tension)}, {"post_tension", opt(s.post_tension)}, {"regions", regions}}},
      {"notes", s.notes},
      {"flare_up", s.flare_up},
      {"breaths", std::move(breaths)},
      {"waveform", std::move(waveform)},
      {"gaps", std::move(gaps)},
  };
}

// Reads fields with a path for messages: "sessions[2].breaths[7].start_s".
class Reader {
 public:
  Reader(const std::string& source) : source_(source) {}

  [[noreturn]] void fail(const std::string& where, const std::string& problem) const {
    throw ExportError(source_ + ": " + where + ": " + problem);
  }
  const json& field(const json& object, const std::string& where, const char* key) const {
    if (!object.is_object()) fail(where, "expected an object");
    const auto it = object.find(key);
    if (it == object.end()) fail(where, std::string("missing field '") + key + "'");
    return *it;
  }
  std::string text(const json& o, const std::string& where, const char* key) const {
    const json& v = field(o, where, key);
    if (!v.is_string()) fail(where + "." + key, "expected text");
    return v.get<std::string>();
  }
  double number(const json& o, const std::string& where, const char* key) const {
    const json& v = field(o, where, key);
    if (!v.is_number()) fail(where + "." + key, "expected a number");
    const double d = v.get<double>();
    if (!std::isfinite(d)) fail(where + "." + key, "expected a finite number");
    return d;
  }
  std::optional<double> opt_number(const json& o, const std::string& where, const char* key) const {
    if (field(o, where, key).is_null()) return std::nullopt;
    return number(o, where, key);
  }
  // A pacer or guide rate: breaths are scored against it, so it must be a breathing rate.
  std::optional<double> opt_rate(const json& o, const std::string& where, const char* key) const {
    const auto rate = opt_number(o, where, key);
    if (rate && !(*rate > 0.0 && *rate <= kMaxRateBpm))
      fail(where + "." + key, "expected a rate above 0 and up to " + format_number(kMaxRateBpm) + " breaths/min, or null");
    return rate;
  }
  std::optional<int> opt_rating(const json& o, const std::string& where, const char* key) const {
    const json& v = field(o, where, key);
    if (v.is_null()) return std::nullopt;
    // Compared as a double: get<int>() would wrap 4294967301 round to a valid 5 (found by fuzzing).
    const double value = v.is_number_integer() ? v.get<double>() : -1.0;
    if (!(value >= 0.0 && value <= 10.0) || !is_valid_rating(static_cast<int>(value)))
      fail(where + "." + key, "expected a rating from 0 to 10 or null");
    return static_cast<int>(value);
  }
  const json& array(const json& o, const std::string& where, const char* key) const {
    const json& v = field(o, where, key);
    if (!v.is_array()) fail(where + "." + key, "expected a list");
    return v;
  }

 private:
  std::string source_;
};

// format_version 1 had no guide rate per breath; its breaths keep NaN (scored against the
// session's pacer rate, as when they were recorded).
SessionData parse_session(const Reader& in, const json& j, const std::string& at, int format_version) {
  SessionData data;
  Session& s = data.session;
  s.id = in.text(j, at, "id");
  if (s.id.empty()) in.fail(at + ".id", "must not be empty");
  s.patient_id = in.text(j, at, "patient_id");
  s.started_at = in.text(j, at, "started_at");
  s.ended_at = in.text(j, at, "ended_at");
  const auto place = parse_place(in.text(j, at, "place"));
  if (!place) in.fail(at + ".place", "expected 'home' or 'clinic'");
  s.place = *place;
  const auto status = parse_status(in.text(j, at, "status"));
  if (!status) in.fail(at + ".status", "expected 'completed', 'interrupted' or 'recording'");
  s.status = *status;
  s.source_kind = in.text(j, at, "source_kind");
  s.source_spec = in.text(j, at, "source_spec");
  s.planned_duration_s = in.number(j, at, "planned_duration_s");
  s.duration_s = in.number(j, at, "duration_s");
  const json& pacer = in.field(j, at, "pacer");
  const std::string pat = at + ".pacer";
  s.pacer.rate_bpm = in.opt_rate(pacer, pat, "rate_bpm");
  s.pacer.ie_ratio = in.opt_number(pacer, pat, "ie_ratio");
  s.pacer.programme_step = in.text(pacer, pat, "programme_step");
  const json& metrics = in.field(j, at, "metrics");
  const std::string mat = at + ".metrics";
  s.metrics.median_rate_bpm = in.opt_number(metrics, mat, "median_rate_bpm");
  s.metrics.ie_ratio = in.opt_number(metrics, mat, "ie_ratio");
  s.metrics.adherence = in.opt_number(metrics, mat, "adherence");
  s.metrics.time_in_target = in.opt_number(metrics, mat, "time_in_target");
  s.metrics.signal_quality = in.opt_number(metrics, mat, "signal_quality");
  const json& count = in.field(metrics, mat, "breath_count");
  if (!count.is_number_integer() || count.get<std::int64_t>() < 0) in.fail(mat + ".breath_count", "expected a count");
  s.metrics.breath_count = count.get<std::int64_t>();
  const json& ratings = in.field(j, at, "ratings");
  const std::string rat = at + ".ratings";
  s.pre_tension = in.opt_rating(ratings, rat, "pre_tension");
  s.post_tension = in.opt_rating(ratings, rat, "post_tension");
  const json& regions = in.array(ratings, rat, "regions");
  for (std::size_t i = 0; i < regions.size(); ++i) {
    const std::string w = rat + ".regions[" + std::to_string(i) + "]";
    RegionRating r{in.text(regions[i], w, "region"), in.opt_rating(regions[i], w, "before"),
                   in.opt_rating(regions[i], w, "after")};
    if (r.region.empty()) in.fail(w + ".region", "must not be empty");
    s.regions.push_back(std::move(r));
  }
  s.notes = in.text(j, at, "notes");
  const json& flare = in.field(j, at, "flare_up");
  if (!flare.is_boolean()) in.fail(at + ".flare_up", "expected true or false");
  s.flare_up = flare.get<bool>();

  const json& breaths = in.array(j, at, "breaths");
  for (std::size_t i = 0; i < breaths.size(); ++i) {
    const std::string w = at + ".breaths[" + std::to_string(i) + "]";
    Breath b{in.number(breaths[i], w, "start_s"), in.number(breaths[i], w, "exhale_start_s"),
             in.number(breaths[i], w, "end_s"), in.opt_number(breaths[i], w, "depth").value_or(std::nan(""))};
    if (format_version >= 2) b.guide_rate_bpm = in.opt_rate(breaths[i], w, "guide_rate_bpm").value_or(std::nan(""));
    if (!(b.start_s <= b.exhale_start_s && b.exhale_start_s <= b.end_s)) in.fail(w, "times out of order");
    data.breaths.push_back(b);
  }
  const json& waveform = in.array(j, at, "waveform");
  for (std::size_t i = 0; i < waveform.size(); ++i) {
    const std::string w = at + ".waveform[" + std::to_string(i) + "]";
    WaveformChunk c{in.number(waveform[i], w, "start_s"), in.number(waveform[i], w, "rate_hz"), {}};
    if (!(c.rate_hz > 0.0 && c.rate_hz <= 10000.0)) in.fail(w + ".rate_hz", "expected a rate in Hz");
    const json& values = in.array(waveform[i], w, "values");
    c.values.reserve(values.size());
    for (const json& v : values) {
      // Beyond float range a value became inf, exported as null: not re-importable (found by fuzzing).
      if (!v.is_number() || !(std::fabs(v.get<double>()) <= std::numeric_limits<float>::max()))
        in.fail(w + ".values", "expected numbers within single-precision range");
      c.values.push_back(static_cast<float>(v.get<double>()));
    }
    data.waveform.push_back(std::move(c));
  }
  const json& gaps = in.array(j, at, "gaps");
  for (std::size_t i = 0; i < gaps.size(); ++i) {
    const std::string w = at + ".gaps[" + std::to_string(i) + "]";
    data.gaps.push_back({in.number(gaps[i], w, "start_s"), in.number(gaps[i], w, "duration_s")});
  }
  return data;
}

}  // namespace

std::string to_json(const ExportBundle& bundle) {
  json patients = json::array();
  for (const Patient& p : bundle.patients)
    patients.push_back({{"id", p.id}, {"display_name", p.display_name}, {"notes", p.notes}, {"created_at", p.created_at}});
  json sessions = json::array();
  for (const SessionData& s : bundle.sessions) sessions.push_back(session_json(s));
  const json document = {{"format", "respira-export"}, {"format_version", kJsonFormatVersion},
                         {"patients", std::move(patients)}, {"sessions", std::move(sessions)}};
  return document.dump(1, ' ', false, json::error_handler_t::replace) + "\n";
}

ExportBundle parse_json(std::string_view text, const std::string& source) {
  json document;
  try {
    document = json::parse(text.begin(), text.end());
  } catch (const json::parse_error& e) {
    throw ExportError(source + ": not valid JSON (byte " + std::to_string(e.byte) + ")");
  } catch (const json::out_of_range&) {  // found by fuzzing: "1e999" escaped as nlohmann's own error
    throw ExportError(source + ": not valid JSON (a number is out of range)");
  }
  const Reader in(source);
  const auto format = document.is_object() ? document.find("format") : document.end();
  if (!document.is_object() || format == document.end() || *format != "respira-export")
    throw ExportError(source + ": not a Respira JSON export (no \"format\": \"respira-export\")");
  const json& version = in.field(document, "document", "format_version");
  if (!version.is_number_integer() || version.get<double>() < 1 || version.get<double>() > kJsonFormatVersion)
    throw ExportError(source + ": export format version " + version.dump() + " is not supported (expected 1 to " +
                      std::to_string(kJsonFormatVersion) + ")");
  const int format_version = version.get<int>();
  ExportBundle bundle;
  const json& patients = in.array(document, "document", "patients");
  for (std::size_t i = 0; i < patients.size(); ++i) {
    const std::string w = "patients[" + std::to_string(i) + "]";
    Patient p{in.text(patients[i], w, "id"), in.text(patients[i], w, "display_name"), in.text(patients[i], w, "notes"),
              in.text(patients[i], w, "created_at")};
    if (p.id.empty()) in.fail(w + ".id", "must not be empty");
    bundle.patients.push_back(std::move(p));
  }
  const json& sessions = in.array(document, "document", "sessions");
  for (std::size_t i = 0; i < sessions.size(); ++i)
    bundle.sessions.push_back(parse_session(in, sessions[i], "sessions[" + std::to_string(i) + "]", format_version));
  return bundle;
}

}  // namespace respira::session
