#include "session/progress_overview.hpp"

#include <algorithm>
#include <stop_token>

#include "session/store_read.hpp"
#include "session/progress_export.hpp"
#include "session/progress_source.hpp"

namespace respira::session {

PatientOverview overview_of(const PatientProgress& p) {
  PatientOverview o;
  o.patient_id = p.patient_id;
  o.display_name = p.display_name;
  if (p.programme && p.state) {
    o.stage = p.state->stage;
    o.stage_count = p.programme->stages.size();
  }
  if (!p.history.empty()) o.last_session = p.history.back().start;
  o.sessions_last_7_days = sessions_in_last_week(p.history, p.as_of);
  const auto rated = std::find_if(p.history.rbegin(), p.history.rend(),
                                  [](const SessionOutcome& s) { return s.pre_tension.has_value(); });
  if (rated != p.history.rend()) o.latest_pre_tension = rated->pre_tension;
  o.pre_tension_trend = p.report.pre_tension.fit;
  o.plateau = p.report.plateau && p.report.plateau->flagged;
  o.flare_up = flare_up_active(p);
  return o;
}

TrendDirection direction_of(const RobustTrend& trend) {
  if (trend.slope_high < 0.0) return TrendDirection::falling;
  if (trend.slope_low > 0.0) return TrendDirection::rising;
  return TrendDirection::steady;
}

std::vector<PatientOverview> load_clinic_overview(const StoreLocation& location, std::chrono::sys_seconds as_of,
                                                  std::stop_token stop) {
  StoreRead store(location, stop);
  std::vector<PatientOverview> rows;
  for (const Patient& patient : store.repository().list_patients()) {
    if (stop.stop_requested()) break;
    try {
      rows.push_back(overview_of(load_patient_progress(store.repository(), store.programmes(), patient, as_of)));
    } catch (const StoreError& e) {  // e.g. a damaged programme: list the patient, say why
      PatientOverview row;
      row.patient_id = patient.id;
      row.display_name = patient.display_name;
      row.problem = e.what();
      rows.push_back(std::move(row));
    }
  }
  std::stable_sort(rows.begin(), rows.end(), [](const PatientOverview& a, const PatientOverview& b) {
    if (a.flagged() != b.flagged()) return a.flagged();
    return a.display_name < b.display_name;
  });
  return rows;
}

}  // namespace respira::session
