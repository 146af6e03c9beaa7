#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <vector>

#include "sensors/device_source.hpp"

using namespace respira::sensors;

namespace {

std::vector<float> constant(std::size_t n, float value) { return std::vector<float>(n, value); }

// value +- swing, alternating: mean `value`, variance swing^2.
std::vector<float> alternating(std::size_t n, float value, float swing) {
  std::vector<float> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = value + (i % 2 == 0 ? swing : -swing);
  return v;
}

// The smallest device there is: the test is its producer. Everything it answers through
// the Source interface comes from DeviceSource.
class PushedSource final : public DeviceSource {
 public:
  explicit PushedSource(DeviceStreamConfig config) : config_(config) {}
  void open() override { begin_stream(config_); }
  void start() override {}
  void stop() override {}
  void close() override {}
  SourceInfo info() const override { return {}; }
  SampleFeed& producer() { return feed(); }
  DeviceStatus& status() { return status_; }

 private:
  DeviceStreamConfig config_;
};

}  // namespace

TEST_CASE("DeviceStream clocks input by delivered samples plus reported gaps", "[sensors][device]") {
  DeviceStream stream({.sample_rate_hz = 50.0, .capacity = 1024, .level = LevelMeterConfig{}});
  CHECK(stream.time_s() == 0.0);
  stream.feed().push(constant(100, 0.5f));
  stream.feed().mark_gap(1.5);
  stream.feed().push(constant(50, 0.5f));

  std::array<float, 256> out{};
  ReadResult r = stream.read(out);
  CHECK(r.count == 100);  // stops at the gap
  CHECK(r.gap_before_s == 0.0);
  CHECK(stream.time_s() == Approx(2.0));
  r = stream.read(out);
  CHECK(r.count == 50);
  CHECK(r.gap_before_s == Approx(1.5));
  CHECK(stream.time_s() == Approx(100.0 / 50 + 1.5 + 50.0 / 50));  // 4.5 s
  CHECK(stream.read(out).count == 0);
  CHECK(stream.time_s() == Approx(4.5));

  SourceHealth h;
  stream.add_to(h);
  CHECK(h.samples_delivered == 150);
  CHECK(h.samples_dropped == 0);
  // A steady 0.5 (full scale 1): power 0.25 = -6.02 dBFS, also the quietest window.
  CHECK(h.level_db == Approx(10.0 * std::log10(0.25)).margin(1e-6));
  CHECK(h.noise_floor_db == Approx(10.0 * std::log10(0.25)).margin(1e-6));
  CHECK_FALSE(h.clipping);
  CHECK_FALSE(h.silent);
}

TEST_CASE("DeviceStream reports clipping and counts what the feed dropped", "[sensors][device]") {
  DeviceStream stream({.sample_rate_hz = 100.0, .capacity = 64, .level = LevelMeterConfig{}});
  stream.feed().push(constant(80, 1.0f));  // 64 fit, 16 dropped
  std::array<float, 128> out{};
  CHECK(stream.read(out).count == 64);
  SourceHealth h;
  h.samples_dropped = 3;  // the driver's own losses are kept
  stream.add_to(h);
  CHECK(h.samples_delivered == 64);
  CHECK(h.samples_dropped == 3 + 16);
  CHECK(h.clipping);
  CHECK(h.level_db == Approx(0.0).margin(1e-9));
  CHECK(stream.time_s() == Approx(0.64));
}

TEST_CASE("ReconnectBackoff doubles the delay after each failure up to its ceiling",
          "[sensors][device]") {
  ReconnectBackoff backoff(0.25, 1.0);
  CHECK(backoff.due(0.0));  // nothing lost yet: an attempt may go at once
  backoff.lost(10.0);
  CHECK_FALSE(backoff.due(10.2));
  CHECK(backoff.due(10.25));
  backoff.failed(10.25);  // 0.5 s
  CHECK_FALSE(backoff.due(10.74));
  CHECK(backoff.due(10.75));
  backoff.failed(10.75);  // 1.0 s
  CHECK_FALSE(backoff.due(11.74));
  CHECK(backoff.due(11.75));
  backoff.failed(11.75);  // 2.0 s capped at 1.0 s
  CHECK_FALSE(backoff.due(12.74));
  CHECK(backoff.due(12.75));
  backoff.retry_later(20.0);  // keeps the 1.0 s reached
  CHECK_FALSE(backoff.due(20.99));
  CHECK(backoff.due(21.0));
  backoff.lost(30.0);  // a new loss starts short again
  CHECK(backoff.due(30.25));
  CHECK_FALSE(backoff.due(30.24));
}

TEST_CASE("DeviceStatus counts losses and reconnections and keeps the last error",
          "[sensors][device]") {
  DeviceStatus status;
  SourceHealth h = status.health();
  CHECK_FALSE(h.connected);
  CHECK(h.last_error.empty());

  status.set(true, "");
  status.report("serial: ignoring malformed line 'x'");
  h = status.health();
  CHECK(h.connected);  // a report does not change the connection
  CHECK(h.last_error == "serial: ignoring malformed line 'x'");

  status.lost("mic: 'pulse' stopped delivering audio; reconnecting");
  status.set_connected(false);
  h = status.health();
  CHECK_FALSE(h.connected);
  CHECK(h.gaps == 1);
  CHECK(h.reconnects == 0);
  CHECK(h.last_error == "mic: 'pulse' stopped delivering audio; reconnecting");
  CHECK(status.last_error() == h.last_error);

  status.reconnected();
  status.count_gap();
  status.set_device_dropped(7);
  h = status.health();
  CHECK(h.connected);
  CHECK(h.gaps == 2);
  CHECK(h.reconnects == 1);
  CHECK(h.last_error.empty());
  CHECK(h.samples_dropped == 7);
  status.set_device_dropped(2);  // a new stream counts from zero
  CHECK(status.health().samples_dropped == 2);
}

TEST_CASE("DeviceSource answers read, stream time and health from its stream and status",
          "[sensors][device]") {
  // A belt-like relative level: the size of the variation, no clipping or silence.
  PushedSource source({.sample_rate_hz = 50.0,
                       .capacity = 128,
                       .level = {.window_s = 2.0,
                                 .clip_threshold = 1e30,
                                 .silence_db = -300.0,
                                 .remove_mean = true}});
  std::array<float, 512> out{};
  CHECK(source.read(out).count == 0);  // before open(): nothing, no crash
  CHECK(source.stream_time_s() == 0.0);
  CHECK(source.health().samples_delivered == 0);
  CHECK(source.health().level_db == -120.0);

  source.open();
  source.status().set(true, "");
  source.producer().push(alternating(100, 0.5f, 0.1f));
  source.producer().mark_gap(0.5);
  source.producer().push(alternating(100, 0.5f, 0.1f));  // 72 of these do not fit
  source.status().count_gap();
  source.status().set_device_dropped(5);

  ReadResult r = source.read(out);
  CHECK(r.count == 100);
  CHECK(source.stream_time_s() == Approx(2.0));
  r = source.read(out);
  CHECK(r.gap_before_s == Approx(0.5));
  CHECK(r.count == 28);
  CHECK(source.stream_time_s() == Approx(2.0 + 0.5 + 28.0 / 50));

  const SourceHealth h = source.health();
  CHECK(h.connected);
  CHECK(h.gaps == 1);
  CHECK(h.samples_delivered == 128);
  CHECK(h.samples_dropped == 72 + 5);
  // Variance 0.1^2 around the mean: -20 dB relative.
  CHECK(h.level_db == Approx(-20.0).margin(1e-4));
  CHECK_FALSE(h.clipping);
  CHECK_FALSE(h.silent);
}
