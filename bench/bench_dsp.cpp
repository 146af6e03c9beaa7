// bench_dsp: speed and memory of the DSP core (file parsing excluded).
//   - x real time (CPU time of one thread) for a 125 Hz belt signal and for 48 kHz
//     breath-sound audio;
//   - peak RSS while streaming 8 hours of belt signal, and its growth after the first
//     hour (must be ~0: memory is flat with recording length).
// Inputs are synthetic but breath-like (irregular rate and depth, drift, ripple, noise)
// and generated before timing starts.

#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numbers>
#include <random>
#include <vector>

#include "dsp/breath_analyzer.hpp"

namespace {

using respira::dsp::AnalyzerConfig;
using respira::dsp::BreathAnalyzer;
using respira::dsp::SignalKind;

// A breathing trace whose rate and depth wander, with drift, heartbeat ripple and noise.
class BeltSignal {
 public:
  explicit BeltSignal(double rate_hz) : rate_hz_(rate_hz) {}
  float next() {
    const double t = n_++ / rate_hz_;
    const double bpm = 14.0 + 3.0 * std::sin(2 * std::numbers::pi * t / 97.0);
    phase_ += 2 * std::numbers::pi * bpm / 60.0 / rate_hz_;
    const double depth = 1.0 + 0.3 * std::sin(2 * std::numbers::pi * t / 41.0);
    return static_cast<float>(depth * std::sin(phase_) + 0.2 * std::sin(2 * std::numbers::pi * t / 300.0) +
                              0.05 * std::sin(2 * std::numbers::pi * 1.2 * t) + noise_(rng_));
  }

 private:
  double rate_hz_;
  std::uint64_t n_ = 0;
  double phase_ = 0.0;
  std::mt19937 rng_{42};
  std::normal_distribution<double> noise_{0.0, 0.02};
};

// Breath sounds: band noise whose loudness follows inhalation and exhalation.
std::vector<float> breath_audio(double rate_hz, double seconds) {
  std::vector<float> out(static_cast<std::size_t>(rate_hz * seconds));
  std::mt19937 rng(7);
  std::normal_distribution<float> noise(0.0f, 1.0f);
  const double bpm = 12.0;
  for (std::size_t i = 0; i < out.size(); ++i) {
    const double phase = std::fmod(i / rate_hz * bpm / 60.0, 1.0);
    const double loudness = phase < 0.4 ? std::sin(std::numbers::pi * phase / 0.4)
                                        : 0.6 * std::max(0.0, std::sin(std::numbers::pi * (phase - 0.45) / 0.45));
    out[i] = static_cast<float>(0.2 * loudness * noise(rng) + 0.002 * noise(rng));
  }
  return out;
}

// CPU time of this thread: "per core" figures that other processes on a shared
// machine do not distort.
double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

double x_real_time(SignalKind kind, double rate_hz, const std::vector<float>& input, std::size_t block) {
  double best = 0.0;
  for (int repeat = 0; repeat < 3; ++repeat) {
    AnalyzerConfig config;
    config.sample_rate_hz = rate_hz;
    config.kind = kind;
    config.max_block_samples = block;
    BreathAnalyzer analyzer(config);
    std::size_t events = 0;
    const double start = cpu_seconds();
    for (std::size_t i = 0; i < input.size(); i += block) {
      const auto n = std::min(block, input.size() - i);
      events += analyzer.process(std::span<const float>(input).subspan(i, n)).events.size();
    }
    const double elapsed = cpu_seconds() - start;
    best = std::max(best, input.size() / rate_hz / elapsed);
    if (events == 0) std::fprintf(stderr, "warning: no events detected\n");
  }
  return best;
}

double peak_rss_mb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024.0;
}

}  // namespace

int main() {
  constexpr double kBeltHz = 125.0;
  constexpr double kAudioHz = 48000.0;

  // Memory first, before any large buffers exist: stream 8 h of belt signal.
  {
    AnalyzerConfig config;
    config.sample_rate_hz = kBeltHz;
    config.max_block_samples = 125;
    BreathAnalyzer analyzer(config);
    BeltSignal signal(kBeltHz);
    std::vector<float> block(125);
    double after_first_hour = 0.0;
    for (int second = 0; second < 8 * 3600; ++second) {
      for (auto& v : block) v = signal.next();
      analyzer.process(block);
      if (second == 3600) after_first_hour = peak_rss_mb();
    }
    const double after_eight = peak_rss_mb();
    std::printf("memory: 8 h of 125 Hz belt streamed: peak RSS %.1f MB (after 1 h %.1f MB, growth %.2f MB), %llu breaths\n",
                after_eight, after_first_hour, after_eight - after_first_hour,
                static_cast<unsigned long long>(analyzer.state().breath_count));
  }

  BeltSignal signal(kBeltHz);
  std::vector<float> belt(static_cast<std::size_t>(kBeltHz * 4 * 3600));  // 4 h
  for (auto& v : belt) v = signal.next();
  std::printf("speed: belt 125 Hz, 1 s blocks:  %10.0f x real time (target >= 500000)\n",
              x_real_time(SignalKind::belt, kBeltHz, belt, 125));
  std::printf("speed: belt 125 Hz, 32-sample blocks: %10.0f x real time\n",
              x_real_time(SignalKind::belt, kBeltHz, belt, 32));

  const auto audio = breath_audio(kAudioHz, 600.0);
  std::printf("speed: audio 48 kHz, 10 ms blocks: %10.0f x real time (target >= 1000)\n",
              x_real_time(SignalKind::audio, kAudioHz, audio, 480));
  return 0;
}
