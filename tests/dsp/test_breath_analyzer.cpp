// Tier 1: synthetic breathing with exactly known breaths. Each test names the property
// the issue asks for (3-40 bpm, I:E, holds, noise, drift, inversion, dropouts, rates).

#include <catch2/catch.hpp>

#include <cmath>
#include <functional>
#include <numbers>
#include <random>
#include <vector>

#include "breath_test_support.hpp"
#include "dsp/breath_analyzer.hpp"

using namespace respira::dsp;
using namespace respira::dsp::testing;

namespace {

// A breathing waveform: from trough (-1) up to peak (+1) during the first
// `inhale_fraction` of each cycle, back down during the rest. Peak and trough
// times are recorded exactly (phase crossings, interpolated between samples).
struct Synthetic {
  std::vector<float> samples;
  std::vector<double> peaks, troughs;
};

struct Shape {
  double rate_hz = 25.0;
  double seconds = 120.0;
  std::function<double(double)> bpm = [](double) { return 15.0; };
  double inhale_fraction = 0.4;
  std::function<double(double)> amplitude = [](double) { return 1.0; };
  std::function<double(double)> baseline = [](double) { return 0.0; };
  double noise_sd = 0.0;
  std::function<bool(double)> holding = [](double) { return false; };  // breath hold
};

Synthetic make(const Shape& s) {
  Synthetic out;
  std::mt19937 rng(1234);
  std::normal_distribution<double> noise(0.0, s.noise_sd > 0 ? s.noise_sd : 1.0);
  const std::size_t n = static_cast<std::size_t>(s.seconds * s.rate_hz);
  double cycles = 0.0;  // phase in breaths
  for (std::size_t i = 0; i < n; ++i) {
    const double t = i / s.rate_hz;
    const double before = cycles;
    if (!s.holding(t)) cycles += s.bpm(t) / 60.0 / s.rate_hz;
    const double peak_phase = std::floor(before) + s.inhale_fraction;
    if (before < peak_phase && cycles >= peak_phase)
      out.peaks.push_back(t + (peak_phase - before) / (cycles - before) / s.rate_hz);
    if (std::floor(cycles) > std::floor(before) && i > 0)
      out.troughs.push_back(t + (std::floor(cycles) - before) / (cycles - before) / s.rate_hz);
    const double p = cycles - std::floor(cycles);
    const double shape = p < s.inhale_fraction
                             ? -std::cos(std::numbers::pi * p / s.inhale_fraction)
                             : std::cos(std::numbers::pi * (p - s.inhale_fraction) / (1 - s.inhale_fraction));
    const double v = s.amplitude(t) * shape + s.baseline(t) + (s.noise_sd > 0 ? noise(rng) * s.noise_sd : 0.0);
    out.samples.push_back(static_cast<float>(v));
  }
  return out;
}

std::vector<double> after(const std::vector<double>& v, double from_s, double to_s = 1e300) {
  std::vector<double> out;
  for (double x : v)
    if (x >= from_s && x <= to_s) out.push_back(x);
  return out;
}

// Scores detections against the truth inside [from, to]; detections just outside the
// window may still match a reference inside it (and are not counted as false).
Score score_within(const std::vector<double>& found, const std::vector<double>& truth, double from, double to) {
  Score s = match(after(found, from - 0.5, to + 0.5), after(truth, from, to));
  const Score extra = match(after(found, from, to), after(truth, from - 0.5, to + 0.5));
  s.fp = extra.fp;
  return s;
}

double max_timing_error(const std::vector<double>& detected, const std::vector<double>& reference) {
  double worst = 0.0;
  for (double r : reference) {
    double nearest = 1e300;
    for (double d : detected) nearest = std::min(nearest, std::abs(d - r));
    worst = std::max(worst, nearest);
  }
  return worst;
}

}  // namespace

TEST_CASE("steady breathing from 3 to 40 breaths/min: every breath, exact rate", "[dsp][synthetic]") {
  const double bpm = GENERATE(3.0, 4.5, 6.0, 10.0, 15.0, 20.0, 30.0, 40.0);
  CAPTURE(bpm);
  Shape shape;
  shape.bpm = [bpm](double) { return bpm; };
  shape.seconds = std::max(120.0, 14 * 60.0 / bpm);
  const auto signal = make(shape);
  const auto run = analyse(signal.samples, shape.rate_hz);

  const double settle = 2.5 * 60.0 / bpm;  // the detector learns the swing over ~2 breaths
  const double end = shape.seconds - 60.0 / bpm;
  const auto truth = after(signal.peaks, settle, end);
  const auto found = times_of(run.events, BreathEventType::exhale);
  const auto score = score_within(found, truth, settle, end);
  CHECK(score.fn == 0);
  CHECK(score.fp == 0);
  // Turns are timed on the smoothed trace (what matches human marks best on BIDMC),
  // which moves the turns of these lopsided breaths by up to ~4 % of a breath.
  const auto confirmed = analyse(signal.samples, shape.rate_hz, SignalKind::belt, /*forecast_turns=*/false);
  const auto confirmed_found = times_of(confirmed.events, BreathEventType::exhale);
  CHECK(max_timing_error(after(confirmed_found, settle - 0.5, end + 0.5), truth) <
        std::max(0.15, 0.04 * 60.0 / bpm));
  // Forecast turns are the same breaths, off the confirmed turn by at most the working
  // rate's sample grid (25 Hz) on breathing this regular, and announced sooner.
  REQUIRE(found.size() == confirmed_found.size());
  double worst = 0.0;
  for (std::size_t i = 0; i < found.size(); ++i) worst = std::max(worst, std::abs(found[i] - confirmed_found[i]));
  CHECK(worst <= 0.06);
  // Their depth is forecast too, scaled by how earlier forecasts compared with the confirmed
  // swings: within 5 % of the confirmed turn's (at 40/min a working sample is 3 % of a breath).
  std::vector<double> depth, confirmed_depth;
  for (const auto& e : run.events)
    if (e.type == BreathEventType::exhale) depth.push_back(e.amplitude);
  for (const auto& e : confirmed.events)
    if (e.type == BreathEventType::exhale) confirmed_depth.push_back(e.amplitude);
  for (std::size_t i = 0; i < depth.size(); ++i) CHECK(depth[i] == Approx(confirmed_depth[i]).epsilon(0.05));
  std::vector<double> forecast_latency, confirmed_latency;
  for (const auto& e : run.events)
    if (e.type == BreathEventType::exhale && e.time_s > end / 2) forecast_latency.push_back(e.emitted_s - e.time_s);
  for (const auto& e : confirmed.events)
    if (e.type == BreathEventType::exhale && e.time_s > end / 2) confirmed_latency.push_back(e.emitted_s - e.time_s);
  // Announced once the forecast turn lies 3 % of a breath in the past (plus the decimator,
  // and the sample grid); confirming needs the smoothing's delay and a retreat on top.
  CAPTURE(median(forecast_latency), median(confirmed_latency));
  CHECK(median(forecast_latency) <= 0.03 * 60.0 / bpm + 0.12);
  CHECK(median(forecast_latency) < 0.5 * median(confirmed_latency));
  // Inhalation onsets (troughs) too.
  const auto trough_score = score_within(times_of(run.events, BreathEventType::inhale), signal.troughs, settle, end);
  CHECK(trough_score.f1() == Approx(1.0));
  CHECK(run.final_state.rate_bpm == Approx(bpm).epsilon(0.01));
  CHECK(run.final_state.spectral_rate_bpm == Approx(bpm).margin(0.5));
}

TEST_CASE("any sample rate from 10 Hz to 1 kHz gives the same breaths", "[dsp][synthetic]") {
  const double rate_hz = GENERATE(10.0, 100.0, 125.0, 1000.0);
  CAPTURE(rate_hz);
  Shape shape;
  shape.rate_hz = rate_hz;
  const auto signal = make(shape);
  const auto run = analyse(signal.samples, rate_hz);
  const auto found = times_of(run.events, BreathEventType::exhale);
  CHECK(score_within(found, signal.peaks, 10.0, 116.0).f1() == Approx(1.0));
  CHECK(max_timing_error(after(found, 9.5, 116.5), after(signal.peaks, 10.0, 116.0)) < 0.16);
  CHECK(run.final_state.rate_bpm == Approx(15.0).epsilon(0.01));
}

TEST_CASE("I:E ratio follows the waveform's asymmetry", "[dsp][synthetic]") {
  const double inhale_fraction = GENERATE(1.0 / 3.0, 0.5, 0.6);
  CAPTURE(inhale_fraction);
  Shape shape;
  shape.bpm = [](double) { return 12.0; };
  shape.inhale_fraction = inhale_fraction;
  const auto run = analyse(make(shape).samples, shape.rate_hz);
  const double expected = inhale_fraction / (1.0 - inhale_fraction);
  // Durations come from turns timed on light smoothing: within 2.5 samples.
  CHECK(run.final_state.inhale_s == Approx(5.0 * inhale_fraction).margin(0.1));
  CHECK(run.final_state.exhale_s == Approx(5.0 * (1.0 - inhale_fraction)).margin(0.1));
  CHECK(run.final_state.ie_ratio == Approx(expected).epsilon(0.05));
  CHECK(run.final_state.inhale_s + run.final_state.exhale_s == Approx(5.0).epsilon(0.02));
  CHECK(run.final_state.regularity == Approx(1.0).margin(0.05));
  CHECK(run.final_state.depth == Approx(1.0).margin(0.05));
}

TEST_CASE("inverted polarity: same rhythm, the roles of peak and trough swap", "[dsp][synthetic]") {
  Shape shape;
  auto signal = make(shape);
  for (auto& v : signal.samples) v = -v;
  const auto run = analyse(signal.samples, shape.rate_hz);
  const auto score = score_within(times_of(run.events, BreathEventType::exhale), signal.troughs, 10.0, 116.0);
  CHECK(score.f1() == Approx(1.0));
  CHECK(run.final_state.rate_bpm == Approx(15.0).epsilon(0.01));
}

TEST_CASE("a chirp from 6 to 30 breaths/min is tracked", "[dsp][synthetic]") {
  Shape shape;
  shape.seconds = 300.0;
  shape.bpm = [](double t) { return 6.0 + 24.0 * t / 300.0; };
  const auto signal = make(shape);
  const auto run = analyse(signal.samples, shape.rate_hz);
  const auto score = score_within(times_of(run.events, BreathEventType::exhale), signal.peaks, 20.0, 298.0);
  CHECK(score.f1() >= 0.99);
  // The 32 s window rate lags a chirp by ~16 s: compare with the rate 16 s ago.
  CHECK(run.final_state.rate_bpm == Approx(6.0 + 24.0 * 284.0 / 300.0).margin(1.0));
}

TEST_CASE("noise, baseline drift and wander do not create or lose breaths", "[dsp][synthetic]") {
  Shape shape;
  shape.seconds = 240.0;
  SECTION("white noise at 10 % of the swing") { shape.noise_sd = 0.2; }
  SECTION("drift and wander larger than the breathing") {
    shape.baseline = [](double t) { return 3.0 * std::sin(2 * std::numbers::pi * t / 200.0) + 0.01 * t; };
  }
  const auto signal = make(shape);
  const auto run = analyse(signal.samples, shape.rate_hz);
  const auto score = score_within(times_of(run.events, BreathEventType::exhale), signal.peaks, 10.0, 236.0);
  CHECK(score.f1() >= 0.98);
  CHECK(run.final_state.rate_bpm == Approx(15.0).margin(0.3));
}

TEST_CASE("a sudden drop to 15 % of the depth is followed within a few breaths", "[dsp][synthetic]") {
  Shape shape;
  shape.seconds = 180.0;
  shape.amplitude = [](double t) { return t < 60.0 ? 1.0 : 0.15; };
  const auto signal = make(shape);
  const auto run = analyse(signal.samples, shape.rate_hz);
  const auto score = score_within(times_of(run.events, BreathEventType::exhale), signal.peaks, 90.0, 176.0);
  CHECK(score.f1() == Approx(1.0));
}

TEST_CASE("a breath hold is a pause and an apnoea-like event, with no breaths in it", "[dsp][synthetic]") {
  Shape shape;
  shape.seconds = 150.0;
  shape.noise_sd = 0.005;
  shape.holding = [](double t) { return t >= 60.0 && t < 90.0; };
  const auto signal = make(shape);

  AnalyzerConfig config;
  config.sample_rate_hz = shape.rate_hz;
  BreathAnalyzer analyzer(config);
  std::vector<BreathEvent> events;
  bool paused_during_hold = false;
  for (std::size_t i = 0; i < signal.samples.size(); i += 25) {
    const auto out = analyzer.process(std::span<const float>(signal.samples).subspan(i, 25));
    events.insert(events.end(), out.events.begin(), out.events.end());
    const double t = analyzer.state().time_s;
    if (t > 80.0 && t < 89.0) paused_during_hold |= analyzer.state().phase == BreathPhase::pause;
  }
  CHECK(paused_during_hold);
  CHECK(analyzer.state().apnea_count == 1);
  CHECK(after(times_of(events, BreathEventType::exhale), 61.0, 89.0).empty());
  CHECK(score_within(times_of(events, BreathEventType::exhale), signal.peaks, 100.0, 146.0).f1() ==
        Approx(1.0));
}

TEST_CASE("a dropout invents no breath across the gap and detection resumes", "[dsp][synthetic]") {
  Shape shape;
  shape.seconds = 130.0;
  const auto signal = make(shape);
  // Samples 60..70 s are lost: feed 0..60 s, mark a 10 s gap, feed 70..130 s.
  const std::size_t cut = 60 * 25, resume = 70 * 25;
  AnalyzerConfig config;
  config.sample_rate_hz = shape.rate_hz;
  BreathAnalyzer analyzer(config);
  std::vector<BreathEvent> events;
  const auto feed = [&](std::size_t from, std::size_t to) {
    for (std::size_t i = from; i < to; i += 25) {
      const auto out = analyzer.process(std::span<const float>(signal.samples).subspan(i, std::min<std::size_t>(25, to - i)));
      events.insert(events.end(), out.events.begin(), out.events.end());
    }
  };
  feed(0, cut);
  analyzer.mark_gap(10.0);
  feed(resume, signal.samples.size());
  const auto exhales = times_of(events, BreathEventType::exhale);
  CHECK(after(exhales, 59.5, 70.5).empty());
  CHECK(score_within(exhales, signal.peaks, 78.0, 126.0).f1() == Approx(1.0));
  CHECK(analyzer.state().time_s == Approx(130.0).margin(0.05));
  CHECK(analyzer.state().rate_bpm == Approx(15.0).epsilon(0.01));
}

TEST_CASE("results do not depend on the block size", "[dsp][synthetic]") {
  Shape shape;
  shape.rate_hz = 125.0;
  shape.noise_sd = 0.05;
  const auto signal = make(shape);
  const auto run_with_blocks = [&](std::size_t block) {
    AnalyzerConfig config;
    config.sample_rate_hz = shape.rate_hz;
    config.max_block_samples = block;
    BreathAnalyzer analyzer(config);
    std::vector<BreathEvent> events;
    for (std::size_t i = 0; i < signal.samples.size(); i += block) {
      const auto out = analyzer.process(
          std::span<const float>(signal.samples).subspan(i, std::min(block, signal.samples.size() - i)));
      events.insert(events.end(), out.events.begin(), out.events.end());
    }
    REQUIRE(analyzer.dropped_outputs() == 0);
    return events;
  };
  const auto reference = run_with_blocks(1000);
  REQUIRE(reference.size() > 50);
  for (const std::size_t block : {1, 7, 125, 4096}) {
    const auto events = run_with_blocks(block);
    REQUIRE(events.size() == reference.size());
    for (std::size_t i = 0; i < events.size(); ++i) {
      CHECK(events[i].time_s == reference[i].time_s);
      CHECK(events[i].emitted_s == reference[i].emitted_s);
      CHECK(events[i].type == reference[i].type);
    }
  }
}

TEST_CASE("events are emitted soon after the extremum and in time order", "[dsp][synthetic]") {
  Shape shape;
  shape.noise_sd = 0.02;
  const auto run = analyse(make(shape).samples, shape.rate_hz);
  std::vector<double> latencies;
  for (std::size_t i = 0; i < run.events.size(); ++i) {
    CHECK(run.events[i].emitted_s >= run.events[i].time_s);
    if (i > 0) CHECK(run.events[i].time_s > run.events[i - 1].time_s);
    if (run.events[i].type == BreathEventType::exhale) latencies.push_back(run.events[i].emitted_s - run.events[i].time_s);
  }
  CHECK(median(latencies) < 0.85);
}

TEST_CASE("the waveform output is normalised and at the requested rate", "[dsp][synthetic]") {
  Shape shape;
  shape.rate_hz = 100.0;
  shape.seconds = 60.0;
  shape.amplitude = [](double) { return 250.0; };
  const auto signal = make(shape);
  AnalyzerConfig config;
  config.sample_rate_hz = shape.rate_hz;
  config.waveform_rate_hz = 20.0;
  BreathAnalyzer analyzer(config);
  std::vector<float> waveform;
  for (std::size_t i = 0; i < signal.samples.size(); i += 100) {
    const auto out = analyzer.process(std::span<const float>(signal.samples).subspan(i, 100));
    waveform.insert(waveform.end(), out.waveform.begin(), out.waveform.end());
  }
  CHECK(waveform.size() == Approx(60.0 * 20.0).margin(2));
  float low = 0, high = 0;
  for (std::size_t i = waveform.size() / 2; i < waveform.size(); ++i) {
    low = std::min(low, waveform[i]);
    high = std::max(high, waveform[i]);
  }
  CHECK(high == Approx(1.0).margin(0.3));
  CHECK(low == Approx(-1.0).margin(0.3));
}

TEST_CASE("signal quality is high for clean breathing and low for noise", "[dsp][synthetic]") {
  Shape shape;
  const auto clean = analyse(make(shape).samples, shape.rate_hz);
  CHECK(clean.final_state.signal_quality > 0.8);
  std::mt19937 rng(5);
  std::normal_distribution<float> noise(0.0f, 1.0f);
  std::vector<float> white(25 * 120);
  for (auto& v : white) v = noise(rng);
  const auto noisy = analyse(white, 25.0);
  CHECK(noisy.final_state.signal_quality < 0.5);
}

TEST_CASE("signal quality of clean breathing is at least fair by 20 s, not held low for a spectrum", "[dsp][synthetic]") {
  // The spectral part of the quality used to wait for a whole 32 s segment (plus a hop):
  // 0.10 ("weak") for the first 40 s of every session, however clean the signal.
  Shape shape;
  shape.seconds = 20.0;
  const auto run = analyse(make(shape).samples, shape.rate_hz);
  CHECK(run.final_state.signal_quality > 0.5);
}

TEST_CASE("a heartbeat ripple on the trace is notched out, not counted as breaths", "[dsp][synthetic]") {
  // Impedance leads pick up the heartbeat: here up to as large as the breath itself, its
  // rate wandering 63-69 beats/min, close to the breath's third harmonic. Scored once
  // the notch has had a spectrum window (10 s) and a few breaths to settle.
  const double amplitude = GENERATE(0.5, 1.0);
  CAPTURE(amplitude);
  Shape shape;
  shape.seconds = 240.0;
  shape.bpm = [](double) { return 18.0; };
  shape.baseline = [amplitude](double t) {
    const double beats = 1.1 * t + 0.05 * 30.0 / (2 * std::numbers::pi) * std::sin(2 * std::numbers::pi * t / 30.0);
    return amplitude * std::sin(2 * std::numbers::pi * beats);
  };
  const auto signal = make(shape);
  const auto run = analyse(signal.samples, shape.rate_hz);
  const auto found = times_of(run.events, BreathEventType::exhale);
  const auto score = score_within(found, signal.peaks, 60.0, 236.0);
  CHECK(score.fn == 0);
  CHECK(score.fp == 0);
  CHECK(max_timing_error(after(found, 59.5, 236.5), after(signal.peaks, 60.0, 236.0)) < 0.3);
  CHECK(run.final_state.rate_bpm == Approx(18.0).margin(0.2));
}

TEST_CASE("coughs, speech and posture shifts on a belt are not counted as breaths", "[dsp][synthetic]") {
  // Each artefact sized against the breath's swing of 2: a cough is three 50 ms jolts
  // of 1.5; speech is 3 s of 2-5 Hz chest vibration; a posture shift steps the baseline
  // by twice the swing for 50 s.
  Shape shape;
  shape.seconds = 300.0;
  shape.bpm = [](double) { return 12.0; };
  SECTION("coughs every 20 s") {
    shape.baseline = [](double t) {
      const double c = std::fmod(t, 20.0) - 10.0;
      double v = 0.0;
      for (int k = 0; k < 3 && c >= 0.0; ++k) v += 1.5 * std::exp(-0.5 * std::pow((c - 0.35 * k - 0.15) / 0.05, 2));
      return v;
    };
  }
  SECTION("speech every 30 s") {
    shape.baseline = [](double t) {
      const double s = std::fmod(t, 30.0) - 3.0;
      if (s < 0.0 || s >= 3.0) return 0.0;
      const double w = 2 * std::numbers::pi * t;
      return 0.35 * std::sin(std::numbers::pi * s / 3.0) *
             (std::sin(2.3 * w) + std::sin(3.7 * w + 1.0) + std::sin(5.3 * w + 2.0)) / 1.5;
    };
  }
  SECTION("a posture shift") {
    shape.baseline = [](double t) { return t >= 100.0 && t < 150.0 ? 4.0 : 0.0; };
  }
  const auto signal = make(shape);
  const auto run = analyse(signal.samples, shape.rate_hz);
  const auto score = score_within(times_of(run.events, BreathEventType::exhale), signal.peaks, 15.0, 295.0);
  CHECK(score.fn == 0);
  CHECK(score.fp == 0);
  CHECK(run.final_state.rate_bpm == Approx(12.0).margin(0.1));
}

TEST_CASE("a movement burst displaces at most the breath it covers", "[dsp][synthetic]") {
  // 4 s of 1 Hz movement three times larger than the breath itself.
  Shape shape;
  shape.seconds = 300.0;
  shape.bpm = [](double) { return 12.0; };
  shape.baseline = [](double t) {
    const double m = t - 200.0;
    return m >= 0.0 && m < 4.0 ? 3.0 * std::sin(std::numbers::pi * m / 4.0) * std::sin(2 * std::numbers::pi * m) : 0.0;
  };
  const auto signal = make(shape);
  const auto run = analyse(signal.samples, shape.rate_hz);
  const auto found = times_of(run.events, BreathEventType::exhale);
  CHECK(score_within(found, signal.peaks, 15.0, 195.0).f1() == Approx(1.0));
  CHECK(score_within(found, signal.peaks, 210.0, 295.0).f1() == Approx(1.0));
  const auto during = score_within(found, signal.peaks, 195.0, 210.0);
  CHECK(during.fn <= 1);
  CHECK(during.fp <= 1);
  CHECK(run.final_state.rate_bpm == Approx(12.0).margin(0.1));
}
