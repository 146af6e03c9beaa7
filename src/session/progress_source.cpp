#include "session/progress_source.hpp"

#include <algorithm>
#include <chrono>

#include "session/theil_sen.hpp"
#include "session/time_text.hpp"

namespace respira::session {

std::optional<double> opening_rate_bpm(std::span<const Breath> breaths, double window_s) {
  std::vector<double> periods;
  for (const Breath& breath : breaths) {
    if (breath.start_s >= window_s) break;
    if (breath.period_s() > 0.0) periods.push_back(breath.period_s());
  }
  if (periods.size() < kOpeningMinBreaths) return std::nullopt;
  return 60.0 / median_of(periods);
}

SessionOutcome outcome_from(const Session& session, std::optional<double> opening_rate) {
  SessionOutcome outcome;
  outcome.session_id = session.id;
  if (const auto start = parse_iso(session.started_at))
    outcome.start = std::chrono::floor<std::chrono::seconds>(*start);
  outcome.place = session.place == Place::clinic ? PracticePlace::clinic : PracticePlace::home;
  if (session.pre_tension) outcome.pre_tension = *session.pre_tension;
  if (session.post_tension) outcome.post_tension = *session.post_tension;
  for (const RegionRating& r : session.regions) {
    RegionTension region{r.region, std::nullopt, std::nullopt};
    if (r.before) region.pre = *r.before;
    if (r.after) region.post = *r.after;
    outcome.regions.push_back(std::move(region));
  }
  outcome.flare_up_marked = session.flare_up;
  outcome.adherence = session.metrics.adherence;
  outcome.achieved_rate_bpm = session.metrics.median_rate_bpm;
  outcome.resting_rate_bpm = opening_rate;
  outcome.minutes = session.duration_s / 60.0;
  outcome.note = session.notes;
  return outcome;
}

std::vector<SessionOutcome> load_outcomes(Repository& repository, const std::string& patient_id) {
  std::vector<SessionOutcome> outcomes;
  for (const Session& session : repository.list_sessions(patient_id)) {
    if (session.status == SessionStatus::recording) continue;  // still running somewhere
    std::optional<double> opening;
    if (const auto data = repository.load_session(session.id)) opening = opening_rate_bpm(data->breaths);
    outcomes.push_back(outcome_from(session, opening));
  }
  std::stable_sort(outcomes.begin(), outcomes.end(),
                   [](const SessionOutcome& a, const SessionOutcome& b) { return a.start < b.start; });
  return outcomes;
}

PatientProgress load_patient_progress(const StoreLocation& location, const std::string& patient_id,
                                      std::chrono::sys_seconds as_of) {
  const auto repository = open_repository(location);
  const auto patient = repository->find_patient(patient_id);
  if (!patient) throw StoreError("no patient " + patient_id + " in " + repository->describe());
  return load_patient_progress(*repository, *open_programme_store(location), *patient, as_of);
}

PatientProgress load_patient_progress(Repository& repository, ProgrammeStore& programmes,
                                      const Patient& patient, std::chrono::sys_seconds as_of) {
  return assess_progress(patient, load_outcomes(repository, patient.id), programmes.load(patient.id), as_of);
}

}  // namespace respira::session
