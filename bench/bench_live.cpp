// bench_live: can the live pipeline keep up with 48 kHz microphone audio, and what share
// of one core does it take? (Target: DSP under 5 % of one core.)
//
//   bench_live [WAV] [SECONDS]
//
// WAV defaults to a RRuJO breath-sound recording in tests/data; it is resampled to
// 48 kHz (linear interpolation) and looped to SECONDS (default 30). Two figures:
//   1. DSP alone: BreathAnalyzer on 20 ms blocks as fast as possible -> x real time,
//      CPU share at real time = 1 / (x real time), worst block time vs 20 ms budget.
//   2. The whole live pipeline in real time: an in-memory source paced by the steady
//      clock (as a microphone delivers), the processing thread, snapshots at 25 Hz and a
//      consumer draining events/waveform every 100 ms -> process CPU time / wall time.

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "dsp/breath_analyzer.hpp"
#include "sensors/clock.hpp"
#include "sensors/live_pipeline.hpp"
#include "sensors/recording.hpp"

using namespace respira;

namespace {

constexpr double kRate = 48000.0;

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_utime.tv_sec + u.ru_stime.tv_sec + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) * 1e-6;
}

std::vector<float> audio_at_48k(const std::string& path, double seconds) {
  const sensors::Recording rec = sensors::read_recording(path);
  std::vector<float> out(static_cast<std::size_t>(seconds * kRate));
  const double step = rec.sample_rate_hz / kRate;
  const std::size_t n = rec.samples.size();
  for (std::size_t i = 0; i < out.size(); ++i) {
    const double pos = std::fmod(i * step, static_cast<double>(n - 1));
    const auto k = static_cast<std::size_t>(pos);
    const double f = pos - k;
    out[i] = static_cast<float>((1 - f) * rec.samples[k] + f * rec.samples[k + 1]);
  }
  return out;
}

// Delivers a buffer at real pace, like a microphone's ring would.
class MemorySource final : public sensors::Source {
 public:
  explicit MemorySource(const std::vector<float>& samples)
      : samples_(samples), pacer_(sensors::steady_clock(), kRate) {}
  void open() override {}
  void start() override { pacer_.start(); }
  void stop() override {}
  void close() override {}
  sensors::SourceInfo info() const override {
    return {"memory", "mic", "48 kHz buffer", kRate, dsp::SignalKind::audio};
  }
  sensors::SourceHealth health() const override {
    sensors::SourceHealth h;
    h.connected = true;
    h.finished = position_ >= samples_.size();
    h.samples_delivered = position_;
    return h;
  }
  sensors::ReadResult read(std::span<float> out) override {
    const std::size_t due = static_cast<std::size_t>(std::min<std::uint64_t>(pacer_.due(), samples_.size()));
    sensors::ReadResult r;
    if (due <= position_) return r;
    r.count = std::min(out.size(), due - position_);
    std::copy_n(samples_.begin() + static_cast<std::ptrdiff_t>(position_), r.count, out.begin());
    position_ += r.count;
    return r;
  }
  double stream_time_s() const override { return position_ / kRate; }

 private:
  const std::vector<float>& samples_;
  sensors::SamplePacer pacer_;
  std::size_t position_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  // Default input: the repository's test data, found from this source file's place.
  const std::string wav =
      argc > 1 ? argv[1]
               : (std::filesystem::path(__FILE__).parent_path().parent_path() /
                  "tests/data/rrujo/RRinervasO/12/2023030117431.wav")
                     .string();
  const double seconds = argc > 2 ? std::stod(argv[2]) : 30.0;
  const std::vector<float> audio = audio_at_48k(wav, seconds);
  std::printf("input: %s resampled to 48 kHz, %.0f s\n", wav.c_str(), seconds);

  // 1. DSP alone on 20 ms blocks.
  dsp::AnalyzerConfig config;
  config.sample_rate_hz = kRate;
  config.kind = dsp::SignalKind::audio;
  const std::size_t block = static_cast<std::size_t>(kRate * 0.02);
  config.max_block_samples = block;
  dsp::BreathAnalyzer analyzer(config);
  std::vector<double> block_ms;
  const auto t0 = std::chrono::steady_clock::now();
  for (std::size_t at = 0; at < audio.size(); at += block) {
    const auto b0 = std::chrono::steady_clock::now();
    analyzer.process(std::span<const float>(audio).subspan(at, std::min(block, audio.size() - at)));
    block_ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - b0).count());
  }
  const double dsp_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::sort(block_ms.begin(), block_ms.end());
  const double realtime = seconds / dsp_s;
  std::printf("DSP alone:     %.0fx real time -> %.2f %% of one core at 48 kHz; "
              "20 ms block median %.3f ms, p99 %.3f ms, worst %.3f ms; rate %.1f bpm\n",
              realtime, 100.0 / realtime, block_ms[block_ms.size() / 2],
              block_ms[block_ms.size() * 99 / 100], block_ms.back(), analyzer.state().rate_bpm);

  // 2. The live pipeline in real time.
  const double live_s = std::min(seconds, 20.0);
  sensors::LivePipeline pipeline(std::make_unique<MemorySource>(audio));
  const double cpu0 = cpu_seconds();
  const auto w0 = std::chrono::steady_clock::now();
  pipeline.start();
  std::size_t events = 0, waveform = 0;
  while (std::chrono::duration<double>(std::chrono::steady_clock::now() - w0).count() < live_s) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    events += pipeline.drain_events().size();
    waveform += pipeline.drain_waveform().size();
    pipeline.drain_seconds();
  }
  pipeline.stop();
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - w0).count();
  const double cpu = cpu_seconds() - cpu0;
  const auto snap = pipeline.snapshot();
  std::printf("live pipeline: %.1f s at real pace, CPU %.3f s -> %.2f %% of one core "
              "(%zu events, %zu waveform samples, %llu dropped)\n",
              wall, cpu, 100.0 * cpu / wall, events, waveform,
              static_cast<unsigned long long>(snap->health.samples_dropped));
  return 0;
}
