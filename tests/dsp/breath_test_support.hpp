#pragma once
// Shared by the DSP tests: run the analyzer over a whole signal, and score events the
// way ../shared/tools/score_breaths.py does (one-to-one matching within +-0.5 s).

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <span>
#include <vector>

#include "dsp/breath_analyzer.hpp"

namespace respira::dsp::testing {

struct Run {
  std::vector<BreathEvent> events;
  std::vector<double> rates;  // state().rate_bpm at the end of each whole second
  BreathState final_state;
};

// Feeds the signal one second at a time, like `respira analyze`.
inline Run analyse(std::span<const float> signal, double rate_hz, SignalKind kind = SignalKind::belt,
                   bool forecast_turns = true) {
  AnalyzerConfig config;
  config.sample_rate_hz = rate_hz;
  config.kind = kind;
  config.forecast_turns = forecast_turns;
  config.max_block_samples = static_cast<std::size_t>(std::ceil(rate_hz)) + 2;
  BreathAnalyzer analyzer(config);
  Run run;
  std::size_t done = 0;
  for (std::size_t t = 0; done < signal.size(); ++t) {
    const std::size_t end = std::min(signal.size(), static_cast<std::size_t>(std::floor(t * rate_hz + 1e-9)) + 1);
    const auto out = analyzer.process(signal.subspan(done, end - done));
    run.events.insert(run.events.end(), out.events.begin(), out.events.end());
    run.rates.push_back(analyzer.state().rate_bpm);
    done = end;
  }
  run.final_state = analyzer.state();
  return run;
}

inline std::vector<double> times_of(const std::vector<BreathEvent>& events, BreathEventType type,
                                    double from_s = 0.0) {
  std::vector<double> out;
  for (const auto& e : events)
    if (e.type == type && e.time_s >= from_s) out.push_back(e.time_s);
  return out;
}

struct Score {
  std::size_t tp = 0, fp = 0, fn = 0;
  double f1() const { return tp ? 2.0 * tp / (2.0 * tp + fp + fn) : 0.0; }
};

// Greedy one-to-one matching, reference by reference, nearest unused detection.
inline Score match(std::vector<double> detected, std::vector<double> reference, double tolerance_s = 0.5) {
  std::sort(detected.begin(), detected.end());
  std::sort(reference.begin(), reference.end());
  std::vector<bool> used(detected.size(), false);
  Score s;
  std::size_t first = 0;
  for (const double t : reference) {
    while (first < detected.size() && detected[first] < t - tolerance_s) ++first;
    std::size_t best = detected.size();
    double best_distance = tolerance_s + 1e-9;
    for (std::size_t j = first; j < detected.size() && detected[j] <= t + tolerance_s; ++j)
      if (!used[j] && std::abs(detected[j] - t) < best_distance) {
        best_distance = std::abs(detected[j] - t);
        best = j;
      }
    if (best < detected.size()) {
      used[best] = true;
      ++s.tp;
    }
  }
  s.fp = detected.size() - s.tp;
  s.fn = reference.size() - s.tp;
  return s;
}

inline double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? NAN : v.size() % 2 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]);
}

}  // namespace respira::dsp::testing
