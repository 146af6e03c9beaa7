#pragma once
// Shared fixtures for the session tests: temporary directories and a realistic session
// with known breaths, waveform, gaps and ratings.

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <random>
#include <string>

#include "session/domain.hpp"
#include "session/repository.hpp"

namespace respira::session::testing {

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "respira-session-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Strings that break naive SQL, CSV, HTML or JSON handling.
inline const std::vector<std::string>& hostile_strings() {
  static const std::vector<std::string> kStrings = {
      "Robert'); DROP TABLE patients;--",
      "=HYPERLINK(\"http://evil.example\",\"click\")",
      "line one\nline \"two\", with comma\r\n",
      "<script>alert('x')</script> & friends",
      "Zoë Ångström 患者 🫁",
      "?; $1 \\x00 %s",
  };
  return kStrings;
}

// A session of `breaths` breaths at 6/min (4 s in, 6 s out) with a 25 Hz waveform that
// follows them, one gap, and ratings. The guide is logged from the third breath on.
inline SessionData make_session(const std::string& id, const std::string& patient_id, int breaths = 12) {
  SessionData d;
  Session& s = d.session;
  s.id = id;
  s.patient_id = patient_id;
  s.started_at = "2026-03-02T09:15:00.250Z";
  s.ended_at = "2026-03-02T09:17:00.250Z";
  s.place = Place::clinic;
  s.source_kind = "synthetic";
  s.source_spec = "synthetic:6";
  s.pacer.rate_bpm = 6.0;
  s.pacer.ie_ratio = 4.0 / 6.0;
  s.pacer.programme_step = "stage 2/5";
  s.planned_duration_s = 120.0;
  s.duration_s = 10.0 * breaths;
  s.metrics.median_rate_bpm = 6.0;
  s.metrics.ie_ratio = 4.0 / 6.0;
  s.metrics.adherence = 0.875;
  s.metrics.time_in_target = 1.0;
  s.metrics.signal_quality = 0.93;
  s.metrics.breath_count = breaths;
  s.status = SessionStatus::completed;
  s.pre_tension = 7;
  s.post_tension = 4;
  s.regions = {{"jaw", 5, std::nullopt}, {"upper_trapezius", 8, 5}};
  s.notes = "felt calmer; =SUM(A1:A9)";
  s.flare_up = true;
  for (int i = 0; i < breaths; ++i) {
    const double t = 10.0 * i + 0.1;
    d.breaths.push_back({t, t + 4.0, t + 10.0, 1.0 + 0.01 * i, i < 2 ? std::nan("") : 6.0});
  }
  // Two runs with a 1 s gap between them.
  const double gap_start = 10.0 * breaths / 2.0;
  WaveformChunk first{0.0, 25.0, {}}, second{gap_start + 1.0, 25.0, {}};
  for (int i = 0; i < static_cast<int>(gap_start * 25.0); ++i)
    first.values.push_back(static_cast<float>(std::sin(2.0 * M_PI * 0.1 * i / 25.0)));
  for (int i = 0; i < static_cast<int>((s.duration_s - gap_start - 1.0) * 25.0); ++i)
    second.values.push_back(static_cast<float>(0.5 * std::cos(2.0 * M_PI * 0.1 * i / 25.0)));
  d.waveform = {first, second};
  d.gaps = {{gap_start, 1.0}};
  return d;
}

}  // namespace respira::session::testing
