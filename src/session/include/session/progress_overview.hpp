#pragma once
// One line per patient for the clinician's list: where each patient is in their programme, how
// much they practise, where their tension is heading, and whether a flag is up.
//
// Every figure is read off the same PatientProgress that `respira progress` prints (stage,
// trend, flags), so the list and the per-patient screen cannot disagree; nothing here
// applies a rule of its own.

#include <chrono>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "session/progress_summary.hpp"
#include "session/repository.hpp"

namespace respira::session {

struct PatientOverview {
  std::string patient_id;
  std::string display_name;
  std::optional<std::size_t> stage;          // current stage, 0-based; with a programme
  std::size_t stage_count = 0;
  std::optional<std::chrono::sys_seconds> last_session;
  int sessions_last_7_days = 0;
  std::optional<double> latest_pre_tension;  // the most recent rated session's
  std::optional<RobustTrend> pre_tension_trend;  // points/week; negative = improving
  bool plateau = false;                      // the plateau rule holds at the latest session
  bool flare_up = false;                     // a flare-up flag is still active
  std::string problem;                       // why this patient could not be assessed

  bool flagged() const { return plateau || flare_up; }
};

PatientOverview overview_of(const PatientProgress& progress);

// How to read a trend at a glance: falling or rising only when the whole interval lies below or
// above 0 (the change is clear at the trend's confidence); otherwise steady.
enum class TrendDirection { falling, steady, rising };
TrendDirection direction_of(const RobustTrend& trend);

// Every patient in the store, assessed as of `as_of`: flagged patients first, then by name.
// A patient whose record cannot be read keeps their row with `problem` set. Returns what it
// has when `stop` is requested. Throws StoreError when the store itself cannot be opened.
std::vector<PatientOverview> load_clinic_overview(const StoreLocation& location, std::chrono::sys_seconds as_of,
                                                  std::stop_token stop = {});

}  // namespace respira::session
