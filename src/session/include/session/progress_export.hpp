#pragma once
// The progress summary in machine and report forms: JSON for `respira progress --json`,
// an HTML section (tables and an inline SVG chart) for the patient report, and FHIR R4
// resources — a CarePlan for the programme and a Flag per plateau / flare-up — for the bundle.
//
// FHIR status rules: the CarePlan is active with one activity per stage (completed below
// the current stage, in-progress at it, not-started above). A flare-up Flag is active for
// kFlareUpActiveDays after its session, then inactive; the plateau Flag is present and
// active only while the plateau rule holds at the latest session.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include <chrono>

#include "session/progress_summary.hpp"

namespace respira::session {

inline constexpr int kFlareUpActiveDays = 7;

// When a flare-up flag lapses, whether a flare-up flag has not lapsed yet, and whether any
// flag (plateau or such a flare-up) is up.
std::chrono::sys_seconds flare_up_end(const PatientProgress& progress, const FlareUp& flare_up);
bool flare_up_active(const PatientProgress& progress);
bool any_flag_active(const PatientProgress& progress);

nlohmann::json progress_json(const PatientProgress& progress);

// A self-contained <section> (escaped text, inline SVG, no scripts) for the HTML report.
std::string progress_html_section(const PatientProgress& progress);

// patient_reference: e.g. "Patient/P-7K3Q9XMD" or the bundle's fullUrl of the Patient.
// Null json when the patient has no programme.
nlohmann::json fhir_care_plan(const PatientProgress& progress, const std::string& patient_reference);
std::vector<nlohmann::json> fhir_flags(const PatientProgress& progress,
                                       const std::string& patient_reference);

}  // namespace respira::session
