// Benchmark of the breath-sound front stage on WAV recordings: speed (x real time,
// file reading excluded) and the rate it hands to the analyzer.
//
//   bench_breath_sound [--target BPM] FILE.wav...
//
// Per file it prints the median, after the first 30 s, of (a) the front-end's rate hint
// and (b) the rate of the rendered waveform's upward zero crossings (one per breath),
// and with --target or a RRuJO-style path (.../<paced rate>/file.wav) the error.
#include <algorithm>
#include <ctime>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "dsp/breath_sound.hpp"
#include "sensors/recording.hpp"

namespace {

double median(std::vector<double> v) {
  if (v.empty()) return NAN;
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]);
}

double target_from_path(const std::string& path) {
  const std::string folder = std::filesystem::path(path).parent_path().filename().string();
  char* end = nullptr;
  const double v = std::strtod(folder.c_str(), &end);
  return end != folder.c_str() && *end == '\0' ? v : NAN;
}

}  // namespace

int main(int argc, char** argv) {
  double target = NAN;
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--target" && i + 1 < argc) {
      target = std::atof(argv[++i]);
    } else {
      files.push_back(arg);
    }
  }
  if (files.empty()) {
    std::fprintf(stderr, "usage: bench_breath_sound [--target BPM] FILE.wav...\n");
    return 2;
  }
  std::printf("%-60s %6s %7s %7s %7s %7s %9s\n", "file", "paced", "hint", "err", "wave", "err", "x_realtime");
  double sum_err = 0.0, total_audio_s = 0.0, total_cpu_s = 0.0;
  int n = 0, within1 = 0;
  for (const auto& path : files) {
    respira::sensors::Recording audio;
    try {
      audio = respira::sensors::read_recording(path);
    } catch (const respira::sensors::RecordingError& e) {
      std::fprintf(stderr, "bench_breath_sound: %s\n", e.what());
      return 1;
    }
    const double paced = std::isnan(target) ? target_from_path(path) : target;
    respira::dsp::BreathSoundFrontEnd front({.input_rate_hz = audio.sample_rate_hz});
    constexpr std::size_t kBlock = 4800;
    std::vector<float> out(front.max_output_for(kBlock));
    std::vector<double> hints, wave_rates, crossings;
    const double out_rate = front.output_rate_hz();
    std::size_t produced = 0;
    double previous = 0.0, next_second = 1.0;
    double cpu_s = 0.0;
    for (std::size_t start = 0; start < audio.samples.size(); start += kBlock) {
      const std::size_t len = std::min(kBlock, audio.samples.size() - start);
      const std::clock_t t0 = std::clock();
      const std::size_t count = front.process({audio.samples.data() + start, len}, out);
      cpu_s += static_cast<double>(std::clock() - t0) / CLOCKS_PER_SEC;  // CPU time: per core, whatever else runs
      for (std::size_t i = 0; i < count; ++i, ++produced) {
        const double t = produced / out_rate;
        if (previous < 0.0 && out[i] >= 0.0) crossings.push_back(t);
        previous = out[i];
      }
      const double now = static_cast<double>(start + len) / audio.sample_rate_hz;
      while (now >= next_second) {
        if (next_second >= 30.0) {
          const double hint = front.rate_hint_bpm();
          if (!std::isnan(hint)) hints.push_back(hint);
          // Mean interval of the crossings in the trailing 32 s.
          std::vector<double> recent;
          for (double c : crossings)
            if (c >= next_second - 32.0 && c <= next_second) recent.push_back(c);
          if (recent.size() >= 2)
            wave_rates.push_back(60.0 * (recent.size() - 1) / (recent.back() - recent.front()));
        }
        next_second += 1.0;
      }
    }
    const double hint = median(hints), wave = median(wave_rates);
    const double duration = audio.samples.size() / audio.sample_rate_hz;
    total_audio_s += duration;
    total_cpu_s += cpu_s;
    std::printf("%-60s %6.1f %7.2f %7.2f %7.2f %7.2f %9.0f\n", path.c_str(), paced, hint, std::abs(hint - paced), wave,
                std::abs(wave - paced), duration / cpu_s);
    if (!std::isnan(paced)) {
      const double err = std::isnan(hint) ? 99.0 : std::abs(hint - paced);
      sum_err += err;
      within1 += err <= 1.0;
      ++n;
    }
  }
  if (n > 0)
    std::printf("files %d  hint: mean |err| %.2f bpm, within 1 bpm %d/%d (%.0f%%)  speed %.0fx real time\n", n,
                sum_err / n, within1, n, 100.0 * within1 / n, total_audio_s / total_cpu_s);
  return 0;
}
