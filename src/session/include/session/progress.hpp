#pragma once
// Progress analytics over a patient's session history: is tension falling, is practice
// happening, has the patient plateaued or flared up?
//
// Why these measures: the outcome that matters in myofascial pain is the 0–10 tension/pain
// rating, which is coarse and noisy session to session, so trends use Theil–Sen with Sen's rank
// interval (theil_sen.hpp) rather than least squares, and flags use the median and MAD rather
// than mean and SD. The time axis is weeks since the first session, so slopes read as
// "points per week". All thresholds are in the Config structs below and explained in
// docs/clinical-loop.md.

#include <chrono>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "session/progress_outcome.hpp"
#include "session/theil_sen.hpp"

namespace respira::session {

// Flare-up: the patient's own mark, or pre-session tension rising above their recent baseline.
struct FlareUpRule {
  std::size_t baseline_sessions = 5;      // M: the sessions before this one that set the baseline
  std::size_t min_baseline_sessions = 3;  // fewer rated sessions before: only the mark counts
  double mad_multiplier = 3.0;            // k: spike if rise >= k * 1.4826 * MAD ...
  double min_rise_points = 2.0;           // ... and never for a rise under 2 points
};

// Plateau: pre-session tension has stopped falling, though it is not yet low.
struct PlateauRule {
  std::size_t window_sessions = 6;        // N: the last N sessions with a pre-tension rating ...
  double min_window_days = 14.0;          // ... reaching back at least this far (a week of daily
                                          // practice is too short to call a plateau)
  double mcid_points = 1.0;               // minimal clinically important difference, 0–10 NRS
  double floor_points = 2.0;              // at or below this median tension there is nothing to flag
  double confidence = 0.95;
};

struct ProgressConfig {
  FlareUpRule flare_up;
  PlateauRule plateau;
  double trend_confidence = 0.95;
  // The moment of the analysis: weeks up to here are listed (empty ones too: a patient who
  // stopped practising shows zeros), and only weeks that ended by then enter the
  // minutes-per-week trend. Without it, the latest session's start.
  std::optional<std::chrono::sys_seconds> as_of;
};

struct FlareUp {
  std::size_t session_index = 0;
  bool marked = false;                    // the patient marked it
  bool spike = false;                     // the tension rule fired
  std::optional<double> baseline_median;  // median pre-tension of the baseline sessions
  std::optional<double> threshold;        // pre-tension at or above this is a spike
};

struct Plateau {
  std::size_t session_index = 0;          // last session of the window
  std::size_t window = 0;                 // sessions in the window
  double weeks = 0.0;                     // span of the window
  RobustTrend fit;                        // pre-tension vs weeks over the window
  double change_points = 0.0;             // fit.slope * weeks
  double median_tension = 0.0;
  bool flagged = false;
};

struct Trend {
  std::string measure;                    // e.g. "pre_tension"
  std::string unit;                       // of y; slopes are unit per week
  std::size_t n = 0;
  std::optional<RobustTrend> fit;         // x = weeks since the first session
  std::optional<double> first;            // median of the first three values
  std::optional<double> last;             // median of the last three values
};

struct RegionProgress {
  std::string region;
  std::size_t rated_sessions = 0;         // sessions with both ratings
  std::optional<double> median_change;    // post - pre
  Trend pre_tension;
};

struct SessionProgress {
  std::size_t index = 0;
  double week = 0.0;                      // weeks since the first session
  std::optional<double> tension_change;   // post - pre
  std::vector<std::pair<std::string, double>> region_changes;  // post - pre per rated region
  bool flare_up = false;
  bool plateau = false;
};

struct WeekSummary {
  int week = 0;                           // 0 = the 7 days from the first session
  bool complete = false;                  // the week ended by ProgressConfig::as_of
  int home_sessions = 0;
  int clinic_sessions = 0;
  double home_minutes = 0.0;
  double clinic_minutes = 0.0;
  std::optional<double> median_adherence;
  std::optional<double> median_pre_tension;
};

struct PlaceSummary {
  PracticePlace place = PracticePlace::home;
  int sessions = 0;
  double minutes = 0.0;
  std::optional<double> median_tension_change;
  std::optional<double> median_adherence;
};

struct ProgressReport {
  std::vector<SessionProgress> sessions;  // aligned with the history
  Trend pre_tension;                      // points/week; negative = improving
  Trend relief;                           // pre - post, points/week; positive = more relief
  Trend resting_rate;                     // breaths/min per week
  Trend achieved_rate;
  Trend adherence;                        // fraction per week
  Trend minutes_per_week;                 // x = week index, y = minutes practised that week
  std::vector<RegionProgress> regions;
  std::vector<WeekSummary> weeks;
  PlaceSummary home;
  PlaceSummary clinic;
  std::vector<FlareUp> flare_ups;
  std::optional<Plateau> plateau;         // evaluated at the latest session, when possible

  // flare_ups as one flag per session, for replay_programme.
  std::vector<bool> flare_up_flags() const;
};

// Flare-up test for session `index` of a history sorted by start time.
std::optional<FlareUp> detect_flare_up(std::span<const SessionOutcome> history, std::size_t index,
                                       const FlareUpRule& rule);

// Plateau test over the window ending at session `index`; nullopt while the history is too
// short to fill it (fewer than N rated sessions, or less than min_window_days of them).
std::optional<Plateau> evaluate_plateau(std::span<const SessionOutcome> history, std::size_t index,
                                        const PlateauRule& rule);

// history must be sorted by start time.
ProgressReport analyse_progress(std::span<const SessionOutcome> history,
                                const ProgressConfig& config = {});

}  // namespace respira::session
