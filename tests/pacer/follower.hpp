#pragma once
// A simulated person for closed-loop pacer tests: breathes on the guide's targets shifted
// by `offset(pattern)` seconds, and the detector reports each event `delay_s` later.

#include <cstdint>
#include <functional>
#include <vector>

#include "dsp/types.hpp"
#include "pacer/schedule.hpp"

namespace respira::pacer::test {

struct Follower {
  std::function<double(const BreathPattern&)> offset = [](const BreathPattern&) { return 0.0; };
  double delay_s = 1.0;
  std::int64_t next_breath = 0;
  bool exhale_sent = false;

  // Events the detector has reported by now_s.
  std::vector<dsp::BreathEvent> poll(const PacerSchedule& schedule, double now_s) {
    std::vector<dsp::BreathEvent> out;
    for (;;) {
      const ScheduledBreath b = schedule.breath(next_breath);
      const double shift = offset(b.pattern);
      const double t = (exhale_sent ? b.exhale_onset_s() : b.inhale_onset_s()) + shift;
      if (t + delay_s > now_s) break;
      out.push_back({t, exhale_sent ? dsp::BreathEventType::exhale : dsp::BreathEventType::inhale,
                     t + delay_s, 1.0});
      if (exhale_sent) ++next_breath;
      exhale_sent = !exhale_sent;
    }
    return out;
  }
};

}  // namespace respira::pacer::test
