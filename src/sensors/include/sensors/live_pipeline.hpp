#pragma once
// LivePipeline: source -> processing thread (BreathAnalyzer) -> immutable snapshots.
// The processing thread is a std::jthread stopped through its stop token. Consumers
// (UI frame, status line, session recorder) never touch the analyzer directly:
//   - snapshot() returns the latest immutable LiveSnapshot (cheap shared_ptr copy);
//   - drain_events()/drain_waveform() hand over everything produced since the last
//     call, exactly once, to one consumer (the session recorder / CSV writer).

#include <functional>
#include <memory>
#include <vector>

#include "dsp/breath_analyzer.hpp"
#include "dsp/types.hpp"
#include "sensors/source.hpp"

namespace respira::sensors {

struct LiveSnapshot {
  SourceInfo source;
  SourceHealth health;
  dsp::BreathState breath;
  std::vector<float> recent_waveform;          // last ~60 s at waveform_rate_hz, oldest first
  double waveform_rate_hz = 25.0;
  std::vector<dsp::BreathEvent> recent_events; // events in the last ~60 s
};

struct TimedSample {  // one waveform value at its input time
  double time_s;
  float value;
};

struct GapMark {
  double start_s;
  double duration_s;
};

class LivePipeline {
 public:
  explicit LivePipeline(std::unique_ptr<Source> source);
  ~LivePipeline();  // stops the thread, closes the source
  LivePipeline(const LivePipeline&) = delete;
  LivePipeline& operator=(const LivePipeline&) = delete;

  void start();  // opens + starts the source, launches the processing thread; throws SourceError
  void stop();   // idempotent

  std::shared_ptr<const LiveSnapshot> snapshot() const;
  std::vector<dsp::BreathEvent> drain_events();
  std::vector<TimedSample> drain_waveform();
  std::vector<GapMark> drain_gaps();
  bool finished() const;  // finite source exhausted and all samples processed

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace respira::sensors
