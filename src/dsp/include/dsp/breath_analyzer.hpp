#pragma once
// BreathAnalyzer: the one entry point of the DSP core. Feed it blocks of raw samples
// (a belt/impedance waveform or audio) as they arrive; it returns the breath events
// emitted by that block and keeps a BreathState for live display.
//
// Causal and streaming: an output at input time t depends only on samples up to t.
// All memory is allocated in the constructor; process() never allocates, locks or throws.

#include <cstddef>
#include <memory>
#include <span>

#include "dsp/types.hpp"

namespace respira::dsp {

struct AnalyzerConfig {
  double sample_rate_hz = 25.0;
  SignalKind kind = SignalKind::belt;
  double min_rate_bpm = 3.0;
  double max_rate_bpm = 40.0;
  double waveform_rate_hz = 25.0;  // rate of the decimated waveform handed to consumers
  // Output buffers are sized for blocks up to this long; longer blocks are processed in
  // full, but outputs beyond the buffers are dropped and counted (dropped_outputs()).
  std::size_t max_block_samples = 65536;
  // Belts: announce a turn when the smoothed trace is forecast to have turned, once such
  // forecasts have proved accurate on this signal (TurnForecast; ~0.25 s sooner on BIDMC).
  // false: only turns the detector has confirmed (placed by it alone, ~0.25 s later).
  bool forecast_turns = true;
};

struct AnalyzerOutput {
  std::span<const BreathEvent> events;  // emitted during this block, in time order
  std::span<const float> waveform;      // conditioned signal at waveform_rate_hz for this block
};

class BreathAnalyzer {
 public:
  explicit BreathAnalyzer(const AnalyzerConfig& config);
  ~BreathAnalyzer();
  BreathAnalyzer(BreathAnalyzer&&) noexcept;
  BreathAnalyzer& operator=(BreathAnalyzer&&) noexcept;

  // The returned spans stay valid until the next call. Blocks of any size are accepted.
  AnalyzerOutput process(std::span<const float> block) noexcept;

  const BreathState& state() const noexcept;
  const AnalyzerConfig& config() const noexcept;

  // Marks a gap in the input (device dropout): the detector restarts cleanly while
  // keeping its rate history, so no breath is invented across the gap.
  void mark_gap(double gap_seconds) noexcept;

  // Events and waveform samples lost because a block exceeded max_block_samples.
  std::size_t dropped_outputs() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace respira::dsp
