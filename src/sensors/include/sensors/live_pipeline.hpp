#pragma once
// LivePipeline: source -> processing thread (BreathAnalyzer) -> immutable snapshots.
// The processing thread is a std::jthread stopped through its stop token. Consumers
// (UI frame, status line, session recorder) never touch the analyzer directly:
//   - snapshot() returns the latest immutable LiveSnapshot (cheap shared_ptr copy);
//   - drain_events()/drain_waveform()/drain_gaps()/drain_seconds() hand over everything
//     produced since the last call, exactly once, to one consumer (the session
//     recorder / CSV writer).
// All times are input times in seconds since the source started; a gap advances
// input time by its length, so times stay comparable with wall-clock time.

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "dsp/breath_analyzer.hpp"
#include "dsp/types.hpp"
#include "sensors/heart_metrics.hpp"
#include "sensors/source.hpp"

namespace respira::sensors {

struct LiveSnapshot {
  SourceInfo source;
  SourceHealth health;
  dsp::BreathState breath;
  std::vector<float> recent_waveform;          // last ~60 s at waveform_rate_hz, oldest first
  double waveform_rate_hz = 25.0;
  std::vector<dsp::BreathEvent> recent_events; // events in the last ~60 s
  std::optional<HeartMetrics> heart;           // heart-rate sources (ble:) only
  std::uint64_t snapshot_index = 0;            // increases with every publication
};

struct TimedSample {  // one waveform value at its input time
  double time_s;
  float value;
};

struct GapMark {
  double start_s;
  double duration_s;
};

// The state at one whole second of input: one row of the rates CSV and one status line.
struct SecondStatus {
  double time_s = 0.0;
  double rate_bpm = dsp::kNoValue;  // NaN: no estimate (yet, or inside a gap)
  dsp::BreathPhase phase = dsp::BreathPhase::unknown;
  double signal_quality = 0.0;
  double level_db = -120.0;
  bool clipping = false;
  bool silent = false;
  bool in_gap = false;              // the second fell inside a marked gap
};

struct LivePipelineOptions {
  double min_rate_bpm = 3.0;
  double max_rate_bpm = 40.0;
  double waveform_rate_hz = 25.0;
  double history_s = 60.0;          // span of recent_waveform / recent_events
  double publish_interval_s = 0.04; // snapshots at most this often (wall clock)
};

class LivePipeline {
 public:
  explicit LivePipeline(std::unique_ptr<Source> source, LivePipelineOptions options = {});
  ~LivePipeline();  // stops the thread, closes the source
  LivePipeline(const LivePipeline&) = delete;
  LivePipeline& operator=(const LivePipeline&) = delete;

  void start();  // opens + starts the source, launches the processing thread; throws SourceError
  void stop();   // idempotent

  std::shared_ptr<const LiveSnapshot> snapshot() const;
  std::vector<dsp::BreathEvent> drain_events();
  std::vector<TimedSample> drain_waveform();
  std::vector<GapMark> drain_gaps();
  std::vector<SecondStatus> drain_seconds();
  bool finished() const;  // finite source exhausted and all samples processed

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace respira::sensors
