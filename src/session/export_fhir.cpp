// FHIR R4 collection Bundle: the Patient and, per session, a respiratory-rate Observation
// (vital-signs profile: LOINC 9279-1, UCUM /min) and tension-rating Observations (0..10,
// overall and per body region). Resource ids derive from Respira ids, so re-exporting
// gives the same Bundle.

#include <cctype>
#include <nlohmann/json.hpp>

#include "session/exports.hpp"
#include "session/progress_export.hpp"

namespace respira::session {
namespace {

using nlohmann::json;

constexpr const char* kRespiraCodes = "https://respira.invalid/fhir/CodeSystem/respira";

// FHIR ids: [A-Za-z0-9-.]{1,64}.
std::string fhir_id(std::string_view text) {
  std::string id;
  for (char c : text) id += std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' ? c : '-';
  return id.substr(0, 64);
}

json entry(const std::string& base, const json& resource) {
  return {{"fullUrl", base + "/" + resource["resourceType"].get<std::string>() + "/" + resource["id"].get<std::string>()},
          {"resource", resource}};
}

json period(const Session& s) {
  json p = {{"start", s.started_at}};
  if (!s.ended_at.empty()) p["end"] = s.ended_at;
  return p;
}

json tension_observation(const Session& s, const std::string& region, const char* moment, int value) {
  const bool overall = region == "overall";
  const std::string code = "tension-" + std::string(moment);
  const std::string label = std::string("Muscle tension ") + moment + " breathing session" +
                            (overall ? "" : " (" + region + ")");
  json o = {
      {"resourceType", "Observation"},
      {"id", fhir_id(s.id + "-" + (overall ? "" : region + "-") + code)},
      {"status", "final"},
      {"category", json::array({{{"coding", json::array({{{"system",
                                                            "http://terminology.hl7.org/CodeSystem/observation-category"},
                                                           {"code", "survey"},
                                                           {"display", "Survey"}}})}}})},
      {"code", {{"coding", json::array({{{"system", kRespiraCodes}, {"code", code}, {"display", label}}})},
                {"text", label}}},
      {"subject", {{"reference", "Patient/" + fhir_id(s.patient_id)}}},
      {"effectiveDateTime", std::string(moment) == "before" || s.ended_at.empty() ? s.started_at : s.ended_at},
      {"valueInteger", value},
  };
  o["referenceRange"] = json::array({{{"low", {{"value", 0}}}, {"high", {{"value", 10}}},
                                      {"text", "0 = no tension, 10 = worst imaginable"}}});
  if (!overall) o["bodySite"] = {{"text", region}};
  return o;
}

}  // namespace

std::string to_fhir(const ExportBundle& bundle, const FhirOptions& options) {
  json entries = json::array();
  for (const Patient& p : bundle.patients) {
    json patient = {{"resourceType", "Patient"},
                    {"id", fhir_id(p.id)},
                    {"identifier", json::array({{{"system", "urn:respira:patient-id"}, {"value", p.id}}})},
                    {"active", true}};
    if (!options.pseudonymise) patient["name"] = json::array({{{"text", p.display_name}}});
    entries.push_back(entry(options.base_url, patient));
  }
  for (const SessionData& data : bundle.sessions) {
    const Session& s = data.session;
    if (s.metrics.median_rate_bpm) {
      json rr = {
          {"resourceType", "Observation"},
          {"id", fhir_id(s.id + "-rr")},
          {"status", s.status == SessionStatus::completed ? "final" : "preliminary"},
          {"category", json::array({{{"coding", json::array({{{"system",
                                                                "http://terminology.hl7.org/CodeSystem/observation-category"},
                                                               {"code", "vital-signs"},
                                                               {"display", "Vital Signs"}}})}}})},
          {"code", {{"coding", json::array({{{"system", "http://loinc.org"}, {"code", "9279-1"},
                                             {"display", "Respiratory rate"}}})},
                    {"text", "Respiratory rate"}}},
          {"subject", {{"reference", "Patient/" + fhir_id(s.patient_id)}}},
          {"effectivePeriod", period(s)},
          {"valueQuantity", {{"value", *s.metrics.median_rate_bpm}, {"unit", "breaths/minute"},
                             {"system", "http://unitsofmeasure.org"}, {"code", "/min"}}},
          {"method", {{"text", "Median over the session's breaths (Respira, " + s.source_kind + " sensor)"}}},
      };
      entries.push_back(entry(options.base_url, rr));
    }
    if (s.pre_tension) entries.push_back(entry(options.base_url, tension_observation(s, "overall", "before", *s.pre_tension)));
    if (s.post_tension) entries.push_back(entry(options.base_url, tension_observation(s, "overall", "after", *s.post_tension)));
    for (const RegionRating& r : s.regions) {
      if (r.before) entries.push_back(entry(options.base_url, tension_observation(s, r.region, "before", *r.before)));
      if (r.after) entries.push_back(entry(options.base_url, tension_observation(s, r.region, "after", *r.after)));
    }
  }
  if (options.progress && !bundle.patients.empty()) {
    const std::string patient_reference = "Patient/" + fhir_id(bundle.patients.front().id);
    if (json plan = fhir_care_plan(*options.progress, patient_reference); !plan.is_null())
      entries.push_back(entry(options.base_url, plan));
    for (const json& flag : fhir_flags(*options.progress, patient_reference))
      entries.push_back(entry(options.base_url, flag));
  }
  const json bundle_json = {{"resourceType", "Bundle"}, {"type", "collection"}, {"entry", std::move(entries)}};
  return bundle_json.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace respira::session
