#include "session/breath_assembler.hpp"

namespace respira::session {

std::vector<Breath> BreathAssembler::process(std::span<const dsp::BreathEvent> events) {
  std::vector<Breath> breaths;
  for (const dsp::BreathEvent& event : events) {
    if (event.type == dsp::BreathEventType::inhale) {
      if (start_s_ && exhale_start_s_ && event.time_s > *exhale_start_s_)
        breaths.push_back({*start_s_, *exhale_start_s_, event.time_s, depth_});
      start_s_ = event.time_s;
      exhale_start_s_.reset();
    } else if (start_s_ && !exhale_start_s_ && event.time_s > *start_s_) {
      exhale_start_s_ = event.time_s;
      depth_ = event.amplitude;
    }
  }
  return breaths;
}

void BreathAssembler::mark_gap() {
  start_s_.reset();
  exhale_start_s_.reset();
}

}  // namespace respira::session
