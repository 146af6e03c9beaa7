#pragma once
// What the clinical loop needs to know about one finished session, as a plain value.
//
// The programme and progress analytics work on these rather than on the repository's rows so
// they stay pure and are tested on synthetic histories; progress_source.hpp adapts stored
// sessions into this shape.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace respira::session {

enum class PracticePlace : std::uint8_t { home, clinic };

// Tension or pain 0–10 (numeric rating scale) in one body region, before and after.
struct RegionTension {
  std::string region;
  std::optional<double> pre;
  std::optional<double> post;
};

struct SessionOutcome {
  std::string session_id;                // the store's id, for display; empty when synthetic
  std::chrono::sys_seconds start{};
  PracticePlace place = PracticePlace::home;
  std::optional<double> pre_tension;     // overall tension 0–10 before the session
  std::optional<double> post_tension;    // ... and after
  std::vector<RegionTension> regions;
  bool flare_up_marked = false;          // the patient's own mark
  std::optional<double> adherence;       // 0..1: share of the session breathing with the pacer
  std::optional<double> achieved_rate_bpm;  // median breathing rate during the session
  std::optional<double> resting_rate_bpm;   // breathing rate at the start, before pacing took hold
  double minutes = 0.0;                  // practice time
  std::string note;

  // post - pre; negative means tension fell.
  std::optional<double> tension_change() const {
    if (!pre_tension || !post_tension) return std::nullopt;
    return *post_tension - *pre_tension;
  }
};

const char* to_string(PracticePlace place);

}  // namespace respira::session
