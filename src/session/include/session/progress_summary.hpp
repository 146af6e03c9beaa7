#pragma once
// Everything the clinician sees about one patient's progress, assembled once and rendered by
// every front end (command line text and JSON, HTML report, FHIR, the window) so they agree.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "session/domain.hpp"
#include "session/programme.hpp"
#include "session/progress.hpp"

namespace respira::session {

inline constexpr std::size_t kRecentNotes = 3;
inline constexpr std::size_t kRecentAdherenceSessions = 5;

struct PatientProgress {
  std::string patient_id;
  std::string display_name;
  std::chrono::sys_seconds as_of{};
  std::vector<SessionOutcome> history;   // oldest first
  ProgressReport report;
  std::optional<Programme> programme;
  std::optional<ProgrammeState> state;   // with a programme
  std::optional<TodaysSession> today;    // with a programme
  std::optional<double> median_adherence;         // all sessions
  std::optional<double> recent_median_adherence;  // last kRecentAdherenceSessions with a value
  std::size_t recent_adherence_sessions = 0;      // how many that is (fewer early on)
  std::vector<std::size_t> recent_notes;  // indices into history, newest first, up to kRecentNotes
};

// history must be sorted by start time (load_outcomes / outcomes_from do that).
PatientProgress assess_progress(const Patient& patient, std::vector<SessionOutcome> history,
                                std::optional<Programme> programme, std::chrono::sys_seconds as_of,
                                ProgressConfig config = {});

// Outcomes from exported or loaded session data (finished sessions only, oldest first), with
// the opening rate taken from each session's breaths.
std::vector<SessionOutcome> outcomes_from(const std::vector<SessionData>& sessions);

// A raised flag in words, the same in the text summary, the HTML report, FHIR and the window
// (each adds its own heading, e.g. "Plateau: "). Plateau: what the window showed and its slope;
// flare-up: the spike against the baseline and/or the patient's mark.
std::string plateau_description(const Plateau& plateau);
std::string flare_up_description(const PatientProgress& progress, const FlareUp& flare_up);

// The human-readable summary `respira progress` prints.
std::string progress_text(const PatientProgress& progress);

}  // namespace respira::session
