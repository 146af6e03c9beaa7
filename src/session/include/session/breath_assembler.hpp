#pragma once
// Turns the detector's alternating onsets (inhale = trough, exhale = peak) into complete
// breaths for the per-breath table. A breath runs from one inhalation onset through its
// exhalation onset to the next inhalation onset, so it is only known once the next breath
// has begun. Out-of-order pairs (two inhales with no exhale between) and anything across a
// gap are dropped rather than merged into a breath that never happened.

#include <optional>
#include <span>
#include <vector>

#include "dsp/types.hpp"
#include "session/domain.hpp"

namespace respira::session {

class BreathAssembler {
 public:
  // Returns the breaths these events complete, in time order.
  std::vector<Breath> process(std::span<const dsp::BreathEvent> events);
  // Input was missing: the breath in progress is discarded.
  void mark_gap();

 private:
  std::optional<double> start_s_;
  std::optional<double> exhale_start_s_;
  double depth_ = 0.0;
};

}  // namespace respira::session
