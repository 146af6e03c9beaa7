#pragma once
// The clinical record: patients, their sessions, tension ratings, and the per-breath and
// waveform data a session leaves behind. Plain values with no storage or I/O, so the
// repository, the exports and the analytics all speak the same language.
//
// Times of day are ISO 8601 UTC text ("2026-11-24T18:07:34.123Z"): identical in SQLite,
// PostgreSQL and every export, and they sort as text. Times inside a session are seconds
// since its start (input time of the sensor stream).

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace respira::session {

struct Patient {
  std::string id;            // pseudonymous, e.g. "P-7K3Q9XMD"; never the person's name
  std::string display_name;  // what the clinician calls the record
  std::string notes;
  std::string created_at;
};

enum class Place : std::uint8_t { home, clinic };
enum class SessionStatus : std::uint8_t { recording, completed, interrupted };

std::string_view to_string(Place place);
std::string_view to_string(SessionStatus status);
std::optional<Place> parse_place(std::string_view text);
std::optional<SessionStatus> parse_status(std::string_view text);

// Tension or pain 0..10 for one body region, before and/or after the session.
struct RegionRating {
  std::string region;  // one of standard_regions() or a custom label
  std::optional<int> before;
  std::optional<int> after;
};

// Keys for the regions the rating form offers; anything else is a custom region.
const std::vector<std::string>& standard_regions();
bool is_valid_rating(int value);  // 0..10

struct PacerSettings {
  std::optional<double> rate_bpm;   // target breaths per minute
  std::optional<double> ie_ratio;   // inhale duration / exhale duration (0.5 = exhale twice as long)
  std::string programme_step;       // e.g. "stage 2/5", empty outside a programme
};

// Outcome of a session. Missing values stay empty rather than invented.
struct SessionMetrics {
  std::optional<double> median_rate_bpm;
  std::optional<double> ie_ratio;         // median inhale / exhale
  std::optional<double> adherence;        // 0..1 against the pacer schedule
  std::optional<double> time_in_target;   // 0..1 of breaths within the target band
  std::optional<double> signal_quality;   // 0..1, mean over the session
  std::int64_t breath_count = 0;
};

struct Session {
  std::string id;
  std::string patient_id;
  std::string started_at;
  std::string ended_at;  // empty while recording
  Place place = Place::home;
  std::string source_kind;  // synthetic | replay | mic | serial | ble
  std::string source_spec;
  PacerSettings pacer;
  double planned_duration_s = 0.0;
  double duration_s = 0.0;  // seconds of signal actually stored
  SessionMetrics metrics;
  SessionStatus status = SessionStatus::recording;
  std::optional<int> pre_tension;   // overall tension 0..10 before
  std::optional<int> post_tension;  // and after
  std::vector<RegionRating> regions;
  std::string notes;
  bool flare_up = false;
};

// One complete breath: inhalation onset -> exhalation onset -> next inhalation onset.
struct Breath {
  double start_s = 0.0;
  double exhale_start_s = 0.0;
  double end_s = 0.0;
  double depth = 0.0;  // relative to the running typical depth (1 = typical); NaN if unknown
  // The rate the guide showed when the breath began (adaptive and resonance guides change
  // it during a session); NaN when no guide was shown.
  double guide_rate_bpm = std::numeric_limits<double>::quiet_NaN();
  double inhale_s() const { return exhale_start_s - start_s; }
  double exhale_s() const { return end_s - exhale_start_s; }
  double period_s() const { return end_s - start_s; }
};

// A run of evenly spaced waveform samples (a new chunk starts after every gap).
// Samples within this many sample periods of a run's end continue the run.
inline constexpr double kContinuityTolerance = 1.5;

struct WaveformChunk {
  double start_s = 0.0;
  double rate_hz = 25.0;
  std::vector<float> values;
  double end_s() const { return start_s + static_cast<double>(values.size()) / rate_hz; }
};

struct Gap {
  double start_s = 0.0;
  double duration_s = 0.0;
};

// A session with everything recorded during it.
struct SessionData {
  Session session;
  std::vector<Breath> breaths;
  std::vector<WaveformChunk> waveform;
  std::vector<Gap> gaps;
  std::size_t waveform_sample_count() const;
};

}  // namespace respira::session
