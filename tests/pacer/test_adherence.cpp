#include <catch2/catch.hpp>

#include <cmath>

#include "pacer/adherence.hpp"

using namespace respira;
using namespace respira::pacer;
using Catch::Detail::Approx;

namespace {

// 4 s in, 6 s out: targets at 10k (inhale) and 10k + 4 (exhale).
const BreathPattern kPattern{4.0, 0.0, 6.0, 0.0};

void add_breaths(AdherenceTracker& tracker, int count, double inhale_shift, double exhale_shift,
                 bool with_exhale = true) {
  for (int k = 0; k < count; ++k) {
    tracker.add_event({10.0 * k + inhale_shift, dsp::BreathEventType::inhale, 0.0, 1.0});
    if (with_exhale) {
      tracker.add_event({10.0 * k + 4.0 + exhale_shift, dsp::BreathEventType::exhale, 0.0, 1.0});
    }
  }
}

}  // namespace

TEST_CASE("breaths on the guide score 1", "[pacer]") {
  const PacerSchedule schedule(kPattern);
  AdherenceTracker tracker;
  add_breaths(tracker, 8, 0.0, 0.0);
  CHECK(std::isnan(tracker.score()));
  // Breath k closes at exhale target + P/2 + delay = 10k + 4 + 5 + 3.
  CHECK(tracker.update(schedule, 11.999).empty());
  CHECK(tracker.update(schedule, 12.0).size() == 1);
  CHECK(tracker.update(schedule, 65.0).size() == 5);  // breaths 1..5
  CHECK(tracker.history().size() == 6);
  CHECK(tracker.score() == 1.0);
  CHECK(tracker.mean_abs_error_s() == 0.0);
  CHECK(tracker.history()[3].inhale_error_s == 0.0);
}

TEST_CASE("timing error is scored against a quarter of the period", "[pacer]") {
  const PacerSchedule schedule(kPattern);
  AdherenceTracker tracker;
  add_breaths(tracker, 8, 1.0, -0.5);
  tracker.update(schedule, 65.0);
  // inhale: 1 - 1/2.5 = 0.6; exhale: 1 - 0.5/2.5 = 0.8; breath = 0.7.
  CHECK(tracker.score() == Approx(0.7));
  CHECK(tracker.history()[2].inhale_error_s == Approx(1.0));
  CHECK(tracker.history()[2].exhale_error_s == Approx(-0.5));
  CHECK(tracker.mean_abs_error_s() == Approx(0.75));
}

TEST_CASE("missing and far-off events score 0", "[pacer]") {
  const PacerSchedule schedule(kPattern);
  SECTION("no exhale detected") {
    AdherenceTracker tracker;
    add_breaths(tracker, 8, 0.0, 0.0, false);
    tracker.update(schedule, 65.0);
    CHECK(tracker.score() == 0.5);
    CHECK(std::isnan(tracker.history()[0].exhale_error_s));
  }
  SECTION("anti-phase breathing") {
    AdherenceTracker tracker;
    add_breaths(tracker, 8, 4.5, 4.5);  // inhaling while the guide says breathe out
    tracker.update(schedule, 65.0);
    CHECK(tracker.score() == 0.0);
  }
  SECTION("nothing at all") {
    AdherenceTracker tracker;
    tracker.update(schedule, 65.0);
    CHECK(tracker.history().size() == 6);
    CHECK(tracker.score() == 0.0);
    CHECK(std::isnan(tracker.mean_abs_error_s()));
  }
}

TEST_CASE("the closest event wins and the window averages the last breaths", "[pacer]") {
  const PacerSchedule schedule(kPattern);
  AdherenceTracker tracker(AdherenceConfig{0.25, 2, 3.0});
  add_breaths(tracker, 3, 0.0, 0.0);
  tracker.add_event({21.0, dsp::BreathEventType::inhale, 0.0, 1.0});  // a second, later trough
  add_breaths(tracker, 0, 0.0, 0.0);
  // Breaths 3 and 4 are missing entirely.
  tracker.update(schedule, 52.0);
  REQUIRE(tracker.history().size() == 5);
  CHECK(tracker.history()[2].inhale_error_s == 0.0);
  CHECK(tracker.score() == 0.0);                 // window of 2: breaths 3 and 4
  CHECK(tracker.history()[1].score == 1.0);
}
