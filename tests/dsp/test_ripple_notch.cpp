// RippleNotch on its own: finds the heartbeat line, takes it out, leaves breathing and
// line-free signals alone.

#include <catch2/catch.hpp>

#include <cmath>
#include <numbers>
#include <random>
#include <vector>

#include "dsp/ripple_notch.hpp"

using namespace respira::dsp;

namespace {

constexpr double kRateHz = 25.0;

// Amplitude of the sinusoid at `hz` in x[from..] (least squares on quadrature).
double amplitude_at(const std::vector<double>& x, std::size_t from, double hz) {
  double c = 0.0, s = 0.0;
  for (std::size_t i = from; i < x.size(); ++i) {
    const double w = 2.0 * std::numbers::pi * hz * i / kRateHz;
    c += x[i] * std::cos(w);
    s += x[i] * std::sin(w);
  }
  return 2.0 * std::hypot(c, s) / (x.size() - from);
}

std::vector<double> run(RippleNotch& notch, const std::vector<double>& x) {
  std::vector<double> y;
  for (double v : x) y.push_back(notch.process(v));
  return y;
}

}  // namespace

TEST_CASE("a heartbeat line is found and notched out; the breath passes", "[dsp][synthetic]") {
  const double heart_hz = GENERATE(0.9, 1.25, 2.0);
  CAPTURE(heart_hz);
  const double breath_hz = 0.25;
  std::vector<double> x;
  for (int i = 0; i < 60 * 25; ++i) {
    const double t = i / kRateHz;
    x.push_back(std::sin(2 * std::numbers::pi * breath_hz * t) + 0.5 * std::sin(2 * std::numbers::pi * heart_hz * t));
  }
  RippleNotch notch({kRateHz});
  notch.set_breathing_hz(breath_hz);
  const auto y = run(notch, x);
  REQUIRE(notch.active());
  CHECK(notch.ripple_hz() == Approx(heart_hz).margin(0.02));
  const std::size_t settled = 20 * 25;
  CHECK(amplitude_at(y, settled, heart_hz) < 0.05 * amplitude_at(x, settled, heart_hz));  // > 26 dB down
  CHECK(amplitude_at(y, settled, breath_hz) == Approx(1.0).margin(0.05));
  CHECK(notch.group_delay_s() > 0.0);
  CHECK(notch.group_delay_s() < 0.1);
}

TEST_CASE("without a clear line the notch stays off and passes the input through", "[dsp][synthetic]") {
  std::mt19937 rng(7);
  std::normal_distribution<double> noise(0.0, 0.2);
  std::vector<double> x;
  for (int i = 0; i < 60 * 25; ++i)
    x.push_back(std::sin(2 * std::numbers::pi * 0.3 * i / kRateHz) + noise(rng));
  RippleNotch notch({kRateHz});
  notch.set_breathing_hz(0.3);
  const auto y = run(notch, x);
  CHECK_FALSE(notch.active());
  CHECK(notch.group_delay_s() == 0.0);
  CHECK(y == x);
}

TEST_CASE("the breath's own harmonics are not taken for ripple", "[dsp][synthetic]") {
  // A lopsided 0.4 Hz breath: second and third harmonics at -10 and -17 dB, no heartbeat.
  // (A near-square breath, whose third harmonic is at -10 dB, would be notched there:
  // its turns barely move, and the notch only adds ~40 ms.)
  std::vector<double> x;
  for (int i = 0; i < 60 * 25; ++i) {
    const double w = 2 * std::numbers::pi * 0.4 * i / kRateHz;
    x.push_back(std::sin(w) + 0.3 * std::sin(2 * w) + 0.14 * std::sin(3 * w));
  }
  RippleNotch notch({kRateHz});
  notch.set_breathing_hz(0.4);
  run(notch, x);
  CHECK_FALSE(notch.active());
}
