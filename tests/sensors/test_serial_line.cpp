#include <catch2/catch.hpp>

#include <cmath>

#include "sensors/serial_line.hpp"

using respira::sensors::parse_serial_line;
using respira::sensors::SerialLine;
using respira::sensors::SerialRateEstimator;
using respira::sensors::snap_sample_rate;
using Kind = respira::sensors::SerialLine::Kind;

TEST_CASE("Serial lines: value, t_ms+value, separators, CRLF", "[sensors][serial]") {
  auto line = parse_serial_line("512");
  CHECK(line.kind == Kind::sample);
  CHECK(line.value == 512.0);
  CHECK_FALSE(line.t_ms.has_value());

  line = parse_serial_line("-0.734\r");
  CHECK(line.kind == Kind::sample);
  CHECK(line.value == Approx(-0.734));

  for (const char* text : {"1000,0.25", "1000;0.25", "1000\t0.25", "1000 0.25", "1000, 0.25\r\n",
                           "1000,0.25,99"}) {
    line = parse_serial_line(text);
    INFO(text);
    CHECK(line.kind == Kind::sample);
    REQUIRE(line.t_ms.has_value());
    CHECK(*line.t_ms == 1000.0);
    CHECK(line.value == Approx(0.25));
  }
}

TEST_CASE("Serial lines: rate declarations, comments, headers, garbage", "[sensors][serial]") {
  for (const char* text : {"#rate=125", "# rate: 125", "#fs=125", "#RATE = 125 Hz", "#sample_rate=125"}) {
    const auto line = parse_serial_line(text);
    INFO(text);
    CHECK(line.kind == Kind::rate);
    CHECK(line.rate_hz == 125.0);
  }
  CHECK(parse_serial_line("# belt v2 firmware").kind == Kind::ignored);
  CHECK(parse_serial_line("").kind == Kind::ignored);
  CHECK(parse_serial_line("   \r").kind == Kind::ignored);
  CHECK(parse_serial_line("t_ms,resp").kind == Kind::ignored);
  CHECK(parse_serial_line("#rate=-5").kind == Kind::malformed);
  CHECK(parse_serial_line("12x").kind == Kind::malformed);
  CHECK(parse_serial_line("100,abc").kind == Kind::malformed);
  CHECK(parse_serial_line("nan").kind == Kind::malformed);
  CHECK(parse_serial_line("ERR 17").kind == Kind::malformed);
}

TEST_CASE("Serial rate snapping to common device rates", "[sensors][serial]") {
  CHECK(snap_sample_rate(124.1) == 125.0);
  CHECK(snap_sample_rate(49.2) == 50.0);
  CHECK(snap_sample_rate(256.9) == 256.0);
  CHECK(snap_sample_rate(77.77) == Approx(77.8));
}

TEST_CASE("Serial rate: a declaration wins at once", "[sensors][serial]") {
  SerialRateEstimator estimator;
  CHECK_FALSE(estimator.add(parse_serial_line("0.5"), 0.0).has_value());
  const auto rate = estimator.add(parse_serial_line("#rate=200"), 0.01);
  REQUIRE(rate.has_value());
  CHECK(*rate == 200.0);
  CHECK(std::string(estimator.method()) == "declared");
}

TEST_CASE("Serial rate: inferred from device timestamps despite bursty arrival",
          "[sensors][serial]") {
  SerialRateEstimator estimator;
  std::optional<double> rate;
  int lines = 0;
  for (int i = 0; i < 100 && !rate; ++i, ++lines) {
    // 125 Hz: t_ms steps of 8 ms; all lines arrive in one burst.
    const auto line = parse_serial_line(std::to_string(8 * i) + "," + std::to_string(std::sin(i * 0.1)));
    rate = estimator.add(line, 5.0);
  }
  REQUIRE(rate.has_value());
  CHECK(*rate == 125.0);
  CHECK(lines == 16);
  CHECK(std::string(estimator.method()) == "timestamps");
}

TEST_CASE("Serial rate: inferred from arrival timing for plain values", "[sensors][serial]") {
  SerialRateEstimator estimator;
  std::optional<double> rate;
  double t = 100.0;
  int i = 0;
  // 50 Hz with a USB-like burstiness: 4 lines every 80 ms.
  while (!rate && i < 1000) {
    rate = estimator.add(parse_serial_line("0.1"), t);
    if (++i % 4 == 0) t += 0.08;
  }
  REQUIRE(rate.has_value());
  CHECK(*rate == 50.0);
  CHECK(std::string(estimator.method()) == "arrival");
  CHECK(t - 100.0 >= 2.0);
}
