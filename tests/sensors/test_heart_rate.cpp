#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <numbers>
#include <vector>

#include "sensors/heart_rate.hpp"

using respira::sensors::parse_heart_rate_measurement;
using respira::sensors::RsaProcessor;
using Bytes = std::vector<std::uint8_t>;

// Byte sequences laid out as the Heart Rate Service specification's Heart Rate
// Measurement characteristic defines them (flags first, little-endian fields).
TEST_CASE("HRM: 8-bit heart rate, no other field", "[sensors][hrm]") {
  const auto m = parse_heart_rate_measurement(Bytes{0x00, 0x48});
  REQUIRE(m);
  CHECK(m->heart_rate_bpm == 72);
  CHECK_FALSE(m->contact_supported);
  CHECK_FALSE(m->energy_expended_kj);
  CHECK(m->rr_1024.empty());
}

TEST_CASE("HRM: 16-bit heart rate", "[sensors][hrm]") {
  const auto m = parse_heart_rate_measurement(Bytes{0x01, 0x2C, 0x01});
  REQUIRE(m);
  CHECK(m->heart_rate_bpm == 300);
}

TEST_CASE("HRM: sensor contact supported and detected / not detected", "[sensors][hrm]") {
  auto m = parse_heart_rate_measurement(Bytes{0x06, 0x3C});
  REQUIRE(m);
  CHECK(m->contact_supported);
  CHECK(m->contact_detected);
  m = parse_heart_rate_measurement(Bytes{0x04, 0x3C});
  REQUIRE(m);
  CHECK(m->contact_supported);
  CHECK_FALSE(m->contact_detected);
  m = parse_heart_rate_measurement(Bytes{0x02, 0x3C});  // detected bit without support
  REQUIRE(m);
  CHECK_FALSE(m->contact_detected);
}

TEST_CASE("HRM: energy expended", "[sensors][hrm]") {
  const auto m = parse_heart_rate_measurement(Bytes{0x08, 0x50, 0x10, 0x27});
  REQUIRE(m);
  CHECK(m->heart_rate_bpm == 80);
  REQUIRE(m->energy_expended_kj);
  CHECK(*m->energy_expended_kj == 10000);
}

TEST_CASE("HRM: RR intervals in 1/1024 s", "[sensors][hrm]") {
  const auto m = parse_heart_rate_measurement(Bytes{0x10, 72, 0x00, 0x04});
  REQUIRE(m);
  CHECK(m->heart_rate_bpm == 72);
  REQUIRE(m->rr_1024.size() == 1);
  CHECK(m->rr_seconds(0) == 1.0);
}

TEST_CASE("HRM: every field at once", "[sensors][hrm]") {
  // 16-bit HR 0x0091 = 145, contact detected, energy 0x0123 = 291 kJ, RR 0x01A0 and 0x0210.
  const auto m = parse_heart_rate_measurement(
      Bytes{0x1F, 0x91, 0x00, 0x23, 0x01, 0xA0, 0x01, 0x10, 0x02});
  REQUIRE(m);
  CHECK(m->heart_rate_bpm == 145);
  CHECK(m->contact_detected);
  CHECK(*m->energy_expended_kj == 291);
  REQUIRE(m->rr_1024.size() == 2);
  CHECK(m->rr_1024[0] == 416);
  CHECK(m->rr_1024[1] == 528);
  CHECK(m->rr_seconds(0) == Approx(0.40625));
}

TEST_CASE("HRM: malformed packets are rejected", "[sensors][hrm]") {
  CHECK_FALSE(parse_heart_rate_measurement(Bytes{}));
  CHECK_FALSE(parse_heart_rate_measurement(Bytes{0x00}));
  CHECK_FALSE(parse_heart_rate_measurement(Bytes{0x01, 0x48}));        // 16-bit HR cut short
  CHECK_FALSE(parse_heart_rate_measurement(Bytes{0x08, 0x48, 0x10}));  // energy cut short
  CHECK_FALSE(parse_heart_rate_measurement(Bytes{0x10, 0x48, 0x00}));  // half an RR interval
  CHECK_FALSE(parse_heart_rate_measurement(Bytes{0x00, 0x48, 0x00}));  // unexplained byte
}

// Beats whose heart rate follows HR0 + A sin(2 pi f t): the RSA signal must oscillate at f,
// and the figures must match what the RR series says.
TEST_CASE("RSA: respiration rate, amplitude and RMSSD from a known RR series", "[sensors][hrm]") {
  const double hr0 = 60.0, swing = 5.0, breath_hz = 0.1;  // 6 breaths/min
  RsaProcessor rsa;
  std::vector<float> signal;
  std::vector<double> rr_series;
  double t = 0.0;
  while (t < 180.0) {
    const double hr = hr0 + swing * std::sin(2 * std::numbers::pi * breath_hz * t);
    const double rr = std::round(60.0 / hr * 1024.0) / 1024.0;
    rr_series.push_back(rr);
    rsa.add_rr(rr, signal);
    t += rr;
  }
  // 10 Hz, as long as the beats span (from the first beat on).
  CHECK(static_cast<double>(signal.size()) == Approx((t - rr_series[0]) * 10.0).margin(2));
  // Upward zero crossings after the detrender settled give the breathing period.
  std::vector<double> crossings;
  for (std::size_t i = 600; i < signal.size(); ++i)
    if (signal[i - 1] < 0 && signal[i] >= 0) crossings.push_back(i / 10.0);
  REQUIRE(crossings.size() >= 8);
  const double period = (crossings.back() - crossings.front()) / (crossings.size() - 1);
  CHECK(60.0 / period == Approx(6.0).margin(0.1));

  const auto& m = rsa.metrics();
  CHECK(m.rsa_amplitude_bpm == Approx(2 * swing).epsilon(0.1));
  CHECK(m.mean_heart_rate_bpm == Approx(hr0).epsilon(0.02));
  // RMSSD of the last 60 s of the series, computed directly.
  std::vector<double> last;
  double acc = 0.0;
  for (auto it = rr_series.rbegin(); it != rr_series.rend() && acc < 60.0; ++it) {
    last.insert(last.begin(), *it);
    acc += *it;
  }
  double sum = 0.0;
  for (std::size_t i = 1; i < last.size(); ++i) sum += std::pow(1000 * (last[i] - last[i - 1]), 2);
  CHECK(m.rmssd_ms == Approx(std::sqrt(sum / (last.size() - 1))).epsilon(0.05));
  CHECK(m.beats == rr_series.size());
}

TEST_CASE("RSA: ectopic beats do not enter the figures", "[sensors][hrm]") {
  RsaProcessor rsa;
  std::vector<float> signal;
  for (int i = 0; i < 30; ++i) rsa.add_rr(1.0, signal);
  const double rmssd_before = rsa.metrics().rmssd_ms;
  rsa.add_rr(0.5, signal);  // premature beat
  rsa.add_rr(1.5, signal);  // compensatory pause
  for (int i = 0; i < 5; ++i) rsa.add_rr(1.0, signal);
  CHECK(rmssd_before == 0.0);
  CHECK(rsa.metrics().rmssd_ms == 0.0);
  CHECK(rsa.metrics().mean_heart_rate_bpm == Approx(60.0));
  CHECK(rsa.metrics().beats == 37);
}

TEST_CASE("RSA: a packet updates heart rate, contact and energy", "[sensors][hrm]") {
  RsaProcessor rsa;
  std::vector<float> signal;
  rsa.add_measurement(*parse_heart_rate_measurement(Bytes{0x1C, 0x4B, 0x10, 0x00, 0x00, 0x04}),
                      signal);
  CHECK(rsa.metrics().heart_rate_bpm == 75);
  CHECK_FALSE(rsa.metrics().sensor_contact);
  CHECK(rsa.metrics().energy_expended_kj == 16);
  CHECK(rsa.metrics().packets == 1);
  CHECK(rsa.metrics().beats == 1);
}
