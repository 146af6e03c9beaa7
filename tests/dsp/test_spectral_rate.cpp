// The Welch rate estimator and the FFT wrapper, against signals with known spectra.

#include <catch2/catch.hpp>

#include <cmath>
#include <numbers>
#include <random>
#include <vector>

#include "dsp/fft.hpp"
#include "dsp/spectral_rate.hpp"

using namespace respira::dsp;

TEST_CASE("RealFft puts a bin-centred sine into its bin with the right power", "[dsp][fft]") {
  RealFft fft(64);
  std::vector<float> x(64), power(fft.bins());
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>(std::cos(2 * std::numbers::pi * 5 * i / 64.0));
  fft.power_spectrum(x, power);
  CHECK(power[5] == Approx(32.0 * 32.0).epsilon(1e-4));  // (N/2)^2
  for (std::size_t k = 0; k < power.size(); ++k)
    if (k != 5) CHECK(power[k] < 1e-3);
}

TEST_CASE("Welch rate finds slow and fast breathing in noise", "[dsp][spectral]") {
  const double bpm = GENERATE(4.5, 9.0, 18.0, 36.0);
  CAPTURE(bpm);
  SpectralRateEstimator estimator({25.0, 3.0, 40.0});
  std::mt19937 rng(3);
  std::normal_distribution<double> noise(0.0, 0.5);
  for (int i = 0; i < 25 * 120; ++i) {
    const double t = i / 25.0;
    estimator.push(static_cast<float>(std::sin(2 * std::numbers::pi * bpm / 60.0 * t) + 0.02 * t + noise(rng)));
  }
  CHECK(estimator.rate_bpm() == Approx(bpm).margin(0.3));
  CHECK(estimator.concentration() > 0.6);
}

TEST_CASE("Welch concentration is low for white noise", "[dsp][spectral]") {
  SpectralRateEstimator estimator({25.0, 3.0, 40.0});
  std::mt19937 rng(9);
  std::normal_distribution<float> noise(0.0f, 1.0f);
  for (int i = 0; i < 25 * 120; ++i) estimator.push(noise(rng));
  CHECK(estimator.concentration() < 0.3);
}

namespace {

// Feeds a clean sine at bpm (25 Hz) for `seconds`; returns the estimator.
SpectralRateEstimator fed_sine(double bpm, double seconds) {
  SpectralRateEstimator estimator({25.0, 3.0, 40.0});
  for (int i = 0; i < static_cast<int>(seconds * 25.0); ++i)
    estimator.push(static_cast<float>(std::sin(2 * std::numbers::pi * bpm / 60.0 * i / 25.0)));
  return estimator;
}

}  // namespace

TEST_CASE("Welch estimates from half a segment on, once two cycles are in hand", "[dsp][spectral]") {
  // Before the first 16 s nothing is claimed; from 16 s a 12/min line (3.2 cycles) is
  // found, and is more concentrated with each hop as the segment fills.
  CHECK(std::isnan(fed_sine(12.0, 15.9).rate_bpm()));
  CHECK(fed_sine(12.0, 15.9).concentration() == 0.0);
  const auto at_16 = fed_sine(12.0, 16.1);
  CHECK(at_16.rate_bpm() == Approx(12.0).margin(0.5));
  CHECK(at_16.concentration() > 0.4);
  const auto at_24 = fed_sine(12.0, 24.1);
  CHECK(at_24.rate_bpm() == Approx(12.0).margin(0.3));
  CHECK(at_24.concentration() > at_16.concentration());
  // 4.5/min needs 26.7 s for two cycles: the 24 s partial segment claims nothing, the
  // first whole segment (32 s) finds it.
  CHECK(std::isnan(fed_sine(4.5, 24.1).rate_bpm()));
  CHECK(fed_sine(4.5, 32.1).rate_bpm() == Approx(4.5).margin(0.3));
}
