#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <memory>
#include <vector>

#include "sensors/clock.hpp"
#include "sensors/replay_source.hpp"

using namespace respira::sensors;
namespace fs = std::filesystem;

namespace {

// A 20 s belt CSV at 25 Hz with a time column.
fs::path write_csv(const std::string& name) {
  const fs::path path = fs::temp_directory_path() / name;
  std::ofstream out(path);
  out << "Time [s],RESP\n";
  for (int n = 0; n < 500; ++n) out << n / 25.0 << ',' << std::sin(n * 0.05) << '\n';
  return path;
}

}  // namespace

TEST_CASE("Replay at real pace and faster, by the injected clock", "[sensors][replay]") {
  const fs::path path = write_csv("respira_replay_pace.csv");
  for (const double speed : {1.0, 4.0}) {
    auto clock = std::make_shared<ManualClock>(7.0);
    ReplaySource source(ReplayConfig{.path = path, .speed = speed, .recording = {}}, "replay", clock);
    source.open();
    CHECK(source.info().sample_rate_hz == Approx(25.0));
    source.start();
    std::vector<float> buffer(2000);
    CHECK(source.read(buffer).count == 0);
    clock->advance(1.0);
    const auto r = source.read(buffer);
    CHECK(r.count == static_cast<std::size_t>(25 * speed));
    CHECK(buffer[1] == Approx(std::sin(0.05)).margin(1e-5));
    CHECK_FALSE(source.health().finished);
    clock->advance(100.0);
    CHECK(source.read(buffer).count == 500 - static_cast<std::size_t>(25 * speed));
    CHECK(source.health().finished);
    CHECK(source.stream_time_s() == Approx(20.0));
  }
  fs::remove(path);
}

TEST_CASE("Replay unpaced delivers everything at once", "[sensors][replay]") {
  const fs::path path = write_csv("respira_replay_max.csv");
  ReplaySource source(
      ReplayConfig{.path = path, .speed = std::numeric_limits<double>::infinity(), .recording = {}},
      "replay");
  source.open();
  source.start();
  std::vector<float> buffer(10000);
  CHECK(source.read(buffer).count == 500);
  CHECK(source.health().finished);
  fs::remove(path);
}

TEST_CASE("Replay of a missing or bad file names it", "[sensors][replay]") {
  ReplaySource missing(ReplayConfig{.path = "/nonexistent/belt.csv", .speed = 1.0, .recording = {}},
                       "replay");
  try {
    missing.open();
    FAIL("expected SourceError");
  } catch (const SourceError& e) {
    CHECK(std::string(e.what()).find("/nonexistent/belt.csv") != std::string::npos);
  }
  CHECK_THROWS_AS(make_source("replay:x.csv@0"), SourceError);
  CHECK_THROWS_AS(make_source("replay:"), SourceError);
}

TEST_CASE("Source registry parses specs and rejects bad ones clearly", "[sensors][registry]") {
  auto s = make_source("synthetic:6,ie=1:2,hold=1,noise=0.01,seed=3");
  CHECK(s->info().kind == "synthetic");
  CHECK(s->info().spec == "synthetic:6,ie=1:2,hold=1,noise=0.01,seed=3");
  CHECK(make_source("replay:/tmp/a@b.csv")->info().kind == "replay");  // '@' not a speed: part of the name
  for (const char* bad : {"synthetic:fast", "synthetic:12,colour=blue", "synthetic:0",
                          "synthetic:12,hold=20", "webcam", "serial:", "serial:/dev/x@fast",
                          "serial:/dev/x@1234", "ble:", "ble:not-an-address"}) {
    INFO(bad);
    try {
      make_source(bad);
      FAIL("accepted");
    } catch (const SourceError& e) {
      CHECK(std::string(e.what()).size() > 10);
    }
  }
}
