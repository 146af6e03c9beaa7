#pragma once
// Turns the store's sessions into the plain outcomes the programme and analytics work on.
//
// The store keeps no separate "resting rate": the breathing rate at the start of a session is
// taken from the breaths of its first minute, before the patient has settled onto the pacer
// (median breath period, so one sigh or a missed breath does not move it).

#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "session/domain.hpp"
#include "session/progress_outcome.hpp"
#include "session/programme_store.hpp"
#include "session/progress_summary.hpp"
#include "session/repository.hpp"

namespace respira::session {

inline constexpr double kOpeningWindowSeconds = 60.0;
inline constexpr std::size_t kOpeningMinBreaths = 3;

// Rate (breaths/min) from the breaths that start within the first window_s seconds;
// nullopt with fewer than kOpeningMinBreaths.
std::optional<double> opening_rate_bpm(std::span<const Breath> breaths,
                                       double window_s = kOpeningWindowSeconds);

SessionOutcome outcome_from(const Session& session, std::optional<double> opening_rate);

// The patient's finished (completed or interrupted) sessions, oldest first. Reads each
// session's breaths for its opening rate. Throws StoreError.
std::vector<SessionOutcome> load_outcomes(Repository& repository, const std::string& patient_id);

// One patient assessed from an open store (what the two functions below share).
PatientProgress load_patient_progress(Repository& repository, ProgrammeStore& programmes,
                                      const Patient& patient, std::chrono::sys_seconds as_of);

// Everything `respira progress` shows: the patient, their finished sessions, the programme in
// force, assessed as of `as_of`. Throws StoreError (also for an unknown patient).
PatientProgress load_patient_progress(const StoreLocation& location, const std::string& patient_id,
                                      std::chrono::sys_seconds as_of);

}  // namespace respira::session
