#include <catch2/catch.hpp>

#include <cmath>
#include <memory>
#include <vector>

#include "sensors/clock.hpp"
#include "sensors/synthetic_source.hpp"

using namespace respira::sensors;

namespace {

struct Cycle {
  double trough_s;  // sample time of the minimum (inhalation onset)
  double peak_s;    // sample time of the maximum (exhalation onset)
};

// Generates `seconds` of the breather and measures each breath from the samples alone:
// the trough (searched in the inhalation, as the end of the exhalation touches the same
// level) and the peak inside each truth breath.
std::vector<Cycle> measure(SyntheticBreather& b, double seconds, std::vector<SyntheticBreath>& truth) {
  const double fs = b.config().sample_rate_hz;
  std::vector<Cycle> cycles;
  double lo = 1e9, hi = -1e9, lo_t = 0, hi_t = 0;
  double current = -1.0;
  for (int n = 0; n < static_cast<int>(seconds * fs); ++n) {
    const double t = b.time_s();
    const float x = b.next();
    if (b.breath().start_s != current) {
      if (current >= 0) cycles.push_back({lo_t, hi_t});
      truth.push_back(b.breath());
      current = b.breath().start_s;
      lo = 1e9;
      hi = -1e9;
    }
    if (x < lo && t < b.breath().exhale_onset_s()) lo = x, lo_t = t;
    if (x > hi) hi = x, hi_t = t;
  }
  return cycles;
}

}  // namespace

TEST_CASE("Synthetic breather: rate and I:E are what was set", "[sensors][synthetic]") {
  for (const double rate : {4.5, 12.0, 30.0}) {
    for (const double ie : {0.5, 1.0}) {
      SyntheticConfig c;
      c.rate_bpm = rate;
      c.ie_ratio = ie;
      c.noise_rms = 0.0;
      c.sample_rate_hz = 100.0;
      SyntheticBreather b(c);
      std::vector<SyntheticBreath> truth;
      const auto cycles = measure(b, 10 * 60.0 / rate, truth);
      INFO("rate " << rate << " ie " << ie);
      REQUIRE(cycles.size() >= 9);
      for (std::size_t i = 1; i < cycles.size(); ++i) {
        // Trough at the breath start, peak at the end of the inhalation.
        CHECK(cycles[i].trough_s == Approx(truth[i].start_s).margin(0.011));
        CHECK(cycles[i].peak_s == Approx(truth[i].exhale_onset_s()).margin(0.011));
        const double period = truth[i].start_s - truth[i - 1].start_s;
        CHECK(60.0 / period == Approx(rate).epsilon(1e-9));
        const double inhale = cycles[i].peak_s - cycles[i].trough_s;
        CHECK(inhale / (60.0 / rate - inhale) == Approx(ie).epsilon(0.01));
      }
    }
  }
}

TEST_CASE("Synthetic breather: holds, sighs and determinism", "[sensors][synthetic]") {
  SyntheticConfig c;
  c.rate_bpm = 6.0;
  c.inhale_hold_s = 1.0;
  c.exhale_hold_s = 2.0;
  c.sigh_every_s = 30.0;
  c.noise_rms = 0.05;
  c.rate_jitter = 0.05;
  c.seed = 42;
  SyntheticBreather a(c), b(c);
  std::vector<SyntheticBreath> truth;
  bool identical = true;
  for (int i = 0; i < 5000; ++i) identical = identical && a.next() == b.next();
  CHECK(identical);
  c.seed = 43;
  SyntheticBreather other(c);
  SyntheticBreather again(SyntheticConfig{c.sample_rate_hz, c.rate_bpm, c.ie_ratio, c.inhale_hold_s,
                                          c.exhale_hold_s, c.rate_jitter, c.noise_rms,
                                          c.drift_amplitude, 42});
  bool differs = false;
  for (int i = 0; i < 100; ++i) differs = differs || other.next() != again.next();
  CHECK(differs);

  SyntheticBreather h(c);
  measure(h, 120.0, truth);
  int sighs = 0;
  for (const auto& br : truth) {
    CHECK(br.inhale_hold_s == 1.0);
    CHECK(br.exhale_hold_s == 2.0);
    if (br.sigh) {
      ++sighs;
      CHECK(br.depth > 2.0);
    }
  }
  CHECK(sighs >= 3);
  CHECK_THROWS_AS(SyntheticBreather(SyntheticConfig{.rate_bpm = 20.0, .inhale_hold_s = 2.0,
                                                    .exhale_hold_s = 1.0}),
                  std::invalid_argument);
}

TEST_CASE("Synthetic source is paced by the injected clock", "[sensors][synthetic]") {
  auto clock = std::make_shared<ManualClock>(100.0);
  SyntheticConfig c;
  c.sample_rate_hz = 50.0;
  SyntheticSource source(c, "synthetic", clock);
  source.open();
  source.start();
  std::vector<float> buffer(1000);
  CHECK(source.read(buffer).count == 0);
  clock->advance(0.5);
  CHECK(source.read(buffer).count == 25);
  clock->advance(2.0);
  CHECK(source.read(std::span<float>(buffer).first(60)).count == 60);  // no more than asked
  CHECK(source.read(buffer).count == 40);
  CHECK(source.stream_time_s() == Approx(2.5));
  CHECK(source.read(buffer).count == 0);
  CHECK(source.health().samples_delivered == 125);
}

TEST_CASE("Synthetic source: dropouts arrive as gaps of the right length", "[sensors][synthetic]") {
  auto clock = std::make_shared<ManualClock>();
  SyntheticConfig c;
  c.sample_rate_hz = 10.0;
  c.dropout_every_s = 5.0;
  c.dropout_s = 1.5;
  c.duration_s = 12.0;
  SyntheticSource source(c, "synthetic", clock);
  source.open();
  source.start();
  clock->advance(100.0);
  std::vector<float> buffer(1000);
  std::vector<std::pair<double, double>> gaps;  // (stream time before, length)
  std::size_t samples = 0;
  while (true) {
    const double before = static_cast<double>(samples) / 10.0;
    const auto r = source.read(buffer);
    if (r.gap_before_s > 0) gaps.emplace_back(before, r.gap_before_s);
    samples += r.count;
    if (r.count == 0) break;
  }
  REQUIRE(gaps.size() == 2);
  CHECK(gaps[0].first == Approx(5.0));
  CHECK(gaps[0].second == Approx(1.5));
  CHECK(gaps[1].second == Approx(1.5));
  CHECK(samples == 120 - 30);
  CHECK(source.health().finished);
  CHECK(source.health().gaps == 2);
}
