#include <catch2/catch.hpp>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <memory>
#include <thread>
#include <vector>

#include "dsp/breath_analyzer.hpp"
#include "sensors/clock.hpp"
#include "sensors/live_pipeline.hpp"
#include "sensors/recording.hpp"
#include "sensors/replay_source.hpp"
#include "sensors/synthetic_source.hpp"

using namespace respira;
using namespace respira::sensors;

namespace {

// Drains the pipeline until `seconds` rows arrived (bounded wait: the processing thread
// needs a moment; this is not a timing test).
struct Drained {
  std::vector<dsp::BreathEvent> events;
  std::vector<TimedSample> waveform;
  std::vector<GapMark> gaps;
  std::vector<SecondStatus> seconds;
};

void drain_into(LivePipeline& p, Drained& d) {
  for (auto& e : p.drain_events()) d.events.push_back(e);
  for (auto& w : p.drain_waveform()) d.waveform.push_back(w);
  for (auto& g : p.drain_gaps()) d.gaps.push_back(g);
  for (auto& s : p.drain_seconds()) d.seconds.push_back(s);
}

Drained run_until(LivePipeline& p, std::size_t rows) {
  Drained d;
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (d.seconds.size() < rows && std::chrono::steady_clock::now() < give_up) {
    drain_into(p, d);
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return d;
}

double exhale_f1(const std::vector<dsp::BreathEvent>& events, const std::vector<double>& truth) {
  std::vector<double> det;
  for (const auto& e : events)
    if (e.type == dsp::BreathEventType::exhale) det.push_back(e.time_s);
  std::vector<bool> used(det.size(), false);
  std::size_t tp = 0;
  for (const double t : truth) {
    for (std::size_t j = 0; j < det.size(); ++j) {
      if (!used[j] && std::fabs(det[j] - t) <= 0.5) {
        used[j] = true;
        ++tp;
        break;
      }
    }
  }
  const double p = det.empty() ? 0.0 : static_cast<double>(tp) / det.size();
  const double r = truth.empty() ? 0.0 : static_cast<double>(tp) / truth.size();
  return p + r > 0 ? 2 * p * r / (p + r) : 0.0;
}

std::vector<double> truth_exhales(const SyntheticConfig& c, double seconds) {
  SyntheticBreather b(c);
  std::vector<double> out;
  double current = -1;
  while (b.time_s() < seconds) {
    b.next();
    if (b.breath().start_s != current) {
      current = b.breath().start_s;
      if (b.breath().exhale_onset_s() < seconds) out.push_back(b.breath().exhale_onset_s());
    }
  }
  return out;
}

}  // namespace

TEST_CASE("LivePipeline on a synthetic breather: events, rate, rows, waveform, snapshot",
          "[sensors][pipeline]") {
  auto clock = std::make_shared<ManualClock>();
  SyntheticConfig c;
  c.rate_bpm = 15.0;
  c.noise_rms = 0.03;
  c.sample_rate_hz = 50.0;
  LivePipeline pipeline(std::make_unique<SyntheticSource>(c, "synthetic:15", clock));
  pipeline.start();
  REQUIRE(pipeline.snapshot());
  CHECK(pipeline.snapshot()->source.kind == "synthetic");
  clock->advance(120.0);
  Drained d = run_until(pipeline, 120);
  REQUIRE(d.seconds.size() == 120);
  // The row for second 119 comes with its first sample; the rest of that second's waveform
  // follows. The snapshot shows when the whole input is through; drain once more then.
  auto snap = pipeline.snapshot();
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (snap->breath.time_s < 119.9 && std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    snap = pipeline.snapshot();
  }
  drain_into(pipeline, d);
  REQUIRE(d.seconds.size() == 120);
  for (std::size_t i = 0; i < d.seconds.size(); ++i) CHECK(d.seconds[i].time_s == double(i));
  for (std::size_t i = 30; i < d.seconds.size(); ++i) CHECK(d.seconds[i].rate_bpm == Approx(15.0).margin(0.5));
  CHECK(exhale_f1(d.events, truth_exhales(c, 118.0)) >= 0.97);
  for (std::size_t i = 1; i < d.events.size(); ++i) {
    CHECK(d.events[i].type != d.events[i - 1].type);  // inhale and exhale alternate
    CHECK(d.events[i].emitted_s >= d.events[i].time_s);
  }
  CHECK(d.gaps.empty());
  CHECK(static_cast<double>(d.waveform.size()) == Approx(120 * 25).margin(3));
  for (std::size_t i = 1; i < d.waveform.size(); ++i)
    CHECK(d.waveform[i].time_s > d.waveform[i - 1].time_s);
  // Each drained item is handed over once.
  CHECK(pipeline.drain_events().empty());
  CHECK(pipeline.drain_waveform().empty());
  CHECK(snap->recent_waveform.size() <= 60 * 25);
  CHECK(snap->recent_waveform.size() >= 59 * 25);
  CHECK(snap->breath.rate_bpm == Approx(15.0).margin(0.5));
  CHECK(snap->health.samples_delivered == 6000);
  CHECK_FALSE(pipeline.finished());
  pipeline.stop();
  pipeline.stop();  // idempotent
}

TEST_CASE("LivePipeline marks dropouts as gaps and keeps one row per second",
          "[sensors][pipeline]") {
  auto clock = std::make_shared<ManualClock>();
  SyntheticConfig c;
  c.rate_bpm = 12.0;
  c.noise_rms = 0.02;
  c.dropout_every_s = 30.0;
  c.dropout_s = 3.0;
  LivePipeline pipeline(std::make_unique<SyntheticSource>(c, "synthetic", clock));
  pipeline.start();
  clock->advance(100.0);
  const Drained d = run_until(pipeline, 100);
  REQUIRE(d.seconds.size() == 100);
  REQUIRE(d.gaps.size() == 3);
  for (int k = 0; k < 3; ++k) {
    CHECK(d.gaps[k].start_s == Approx(30.0 * (k + 1)).margin(0.03));
    CHECK(d.gaps[k].duration_s == Approx(3.0).margin(0.03));
  }
  for (const auto& row : d.seconds) {
    const double into = std::fmod(row.time_s, 30.0);
    const bool inside = row.time_s >= 30.0 && into >= 0.0 && into < 2.99;
    INFO("second " << row.time_s);
    CHECK(row.in_gap == inside);
    if (row.in_gap) CHECK(std::isnan(row.rate_bpm));
  }
  // No breath invented across a gap, and the breaths around the gaps are still found.
  for (const auto& e : d.events) {
    for (const auto& g : d.gaps) {
      CHECK_FALSE((e.time_s > g.start_s && e.time_s < g.start_s + g.duration_s));
    }
  }
  CHECK(d.seconds.back().rate_bpm == Approx(12.0).margin(0.5));
}

TEST_CASE("LivePipeline on a replay gives what `respira analyze` gives", "[sensors][pipeline]") {
  // A recording made by the synthetic breather, replayed unpaced.
  SyntheticConfig c;
  c.rate_bpm = 8.0;
  c.noise_rms = 0.05;
  c.sample_rate_hz = 25.0;
  c.sigh_every_s = 40.0;
  SyntheticBreather b(c);
  const auto path = std::filesystem::temp_directory_path() / "respira_pipeline_replay.csv";
  {
    std::ofstream out(path);
    out << "Time [s],RESP\n";
    for (int n = 0; n < 25 * 90; ++n) out << n / 25.0 << ',' << b.next() << '\n';
  }
  LivePipeline pipeline(std::make_unique<ReplaySource>(
      ReplayConfig{.path = path, .speed = std::numeric_limits<double>::infinity(), .recording = {}},
      "replay"));
  pipeline.start();
  Drained d;
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!pipeline.finished() && std::chrono::steady_clock::now() < give_up)
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  REQUIRE(pipeline.finished());
  drain_into(pipeline, d);

  // The same analyzer fed one second at a time, as `respira analyze` does.
  const Recording rec = read_recording(path);
  dsp::AnalyzerConfig config;
  config.sample_rate_hz = rec.sample_rate_hz;
  config.kind = dsp::SignalKind::belt;
  dsp::BreathAnalyzer analyzer(config);
  std::vector<dsp::BreathEvent> expected;
  std::vector<double> expected_rates;
  std::size_t done = 0;
  const std::size_t n = rec.samples.size();
  const auto seconds = static_cast<std::size_t>(std::floor((n - 1) / rec.sample_rate_hz)) + 1;
  for (std::size_t t = 0; t < seconds; ++t) {
    const std::size_t end = std::min(n, static_cast<std::size_t>(std::floor(t * rec.sample_rate_hz + 1e-9)) + 1);
    const auto out = analyzer.process(std::span<const float>(rec.samples).subspan(done, end - done));
    done = end;
    expected.insert(expected.end(), out.events.begin(), out.events.end());
    expected_rates.push_back(analyzer.state().rate_bpm);
  }
  const auto out = analyzer.process(std::span<const float>(rec.samples).subspan(done));
  expected.insert(expected.end(), out.events.begin(), out.events.end());

  REQUIRE(d.seconds.size() == expected_rates.size());
  for (std::size_t i = 0; i < expected_rates.size(); ++i) {
    if (std::isnan(expected_rates[i])) {
      CHECK(std::isnan(d.seconds[i].rate_bpm));
    } else {
      CHECK(d.seconds[i].rate_bpm == Approx(expected_rates[i]).epsilon(1e-9));
    }
  }
  REQUIRE(d.events.size() == expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    CHECK(d.events[i].time_s == Approx(expected[i].time_s).margin(1e-9));
    CHECK(d.events[i].type == expected[i].type);
  }
  CHECK(exhale_f1(d.events, truth_exhales(c, 88.0)) >= 0.95);
  std::filesystem::remove(path);
}

TEST_CASE("LivePipeline reports a source that cannot open", "[sensors][pipeline]") {
  LivePipeline pipeline(make_source("replay:/nonexistent/file.wav"));
  CHECK_THROWS_AS(pipeline.start(), SourceError);
  pipeline.stop();
}
