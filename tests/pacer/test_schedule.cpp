#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>

#include "pacer/schedule.hpp"

using namespace respira::pacer;
using Catch::Detail::Approx;

TEST_CASE("presets have their published timings", "[pacer]") {
  const Preset* coherent = find_preset("coherent");
  REQUIRE(coherent != nullptr);
  CHECK(coherent->pattern.rate_bpm() == Approx(5.5));
  CHECK(coherent->pattern.inhale_s == Approx(60.0 / 11.0));
  CHECK(coherent->pattern.exhale_s == Approx(60.0 / 11.0));

  const BreathPattern exhale = find_preset("extended-exhale")->pattern;
  CHECK(exhale == BreathPattern{4.0, 0.0, 6.0, 0.0});
  CHECK(exhale.rate_bpm() == 6.0);
  CHECK(exhale.exhale_fraction() == Approx(0.6));

  CHECK(find_preset("box")->pattern == BreathPattern{4.0, 4.0, 4.0, 4.0});
  CHECK(find_preset("4-7-8")->pattern == BreathPattern{4.0, 7.0, 8.0, 0.0});
  CHECK(find_preset("4-7-8")->pattern.period_s() == 19.0);
  CHECK(find_preset("nope") == nullptr);
}

TEST_CASE("fixed rate with an I:E ratio", "[pacer]") {
  const BreathPattern p = pattern_from_rate(12.0, 1.0, 2.0);
  CHECK(p.inhale_s == Approx(5.0 / 3.0));
  CHECK(p.exhale_s == Approx(10.0 / 3.0));
  CHECK(p.period_s() == Approx(5.0));
  CHECK_THROWS_AS(pattern_from_rate(0.0, 1.0, 1.0), PatternError);
  CHECK_NOTHROW(pattern_from_rate(1.0, 1.0, 1.0));                   // 30 s + 30 s
  CHECK_THROWS_AS(pattern_from_rate(0.9, 1.0, 1.0), PatternError);   // 33 s phases
}

TEST_CASE("phases are limited to 0..30 s", "[pacer]") {
  CHECK_NOTHROW(validate({30.0, 30.0, 30.0, 30.0}));
  CHECK_NOTHROW(validate({0.5, 0.0, 0.5, 0.0}));
  CHECK_THROWS_AS(validate({30.5, 0.0, 4.0, 0.0}), PatternError);
  CHECK_THROWS_AS(validate({4.0, -1.0, 4.0, 0.0}), PatternError);
  CHECK_THROWS_AS(validate({0.0, 0.0, 4.0, 0.0}), PatternError);
  CHECK_THROWS_AS(validate({4.0, 0.0, 4.0, 31.0}), PatternError);
  CHECK_THROWS_AS(PacerSchedule(BreathPattern{4.0, 0.0, 0.0, 0.0}), PatternError);
}

TEST_CASE("box breathing walks through all four phases at exact times", "[pacer]") {
  const PacerSchedule schedule(BreathPattern{4.0, 4.0, 4.0, 4.0}, 100.0);
  struct Expect { double t; Phase phase; double progress; double volume; std::int64_t breath; };
  const Expect expected[] = {
      {100.0, Phase::inhale, 0.0, 0.0, 0},        {102.0, Phase::inhale, 0.5, 0.5, 0},
      {104.0, Phase::inhale_hold, 0.0, 1.0, 0},   {107.0, Phase::inhale_hold, 0.75, 1.0, 0},
      {108.0, Phase::exhale, 0.0, 1.0, 0},        {110.0, Phase::exhale, 0.5, 0.5, 0},
      {112.0, Phase::exhale_hold, 0.0, 0.0, 0},   {115.0, Phase::exhale_hold, 0.75, 0.0, 0},
      {116.0, Phase::inhale, 0.0, 0.0, 1},        {116.0 + 16 * 9 + 9.0, Phase::exhale, 0.25, 0.5 + 0.5 * std::cos(std::numbers::pi / 4), 10},
  };
  for (const Expect& e : expected) {
    INFO("t = " << e.t);
    const PacerState s = schedule.state_at(e.t);
    CHECK(s.phase == e.phase);
    CHECK(s.progress == Approx(e.progress).margin(1e-12));
    CHECK(s.volume == Approx(e.volume).margin(1e-12));
    CHECK(s.breath_index == e.breath);
  }
  CHECK(schedule.state_at(101.0).phase_remaining_s == Approx(3.0));
  CHECK(schedule.state_at(101.0).volume == Approx(0.5 - 0.5 * std::cos(std::numbers::pi / 4)));
  CHECK(schedule.state_at(50.0).breath_index == 0);  // before the start: breath 0 at rest
  CHECK(schedule.state_at(50.0).volume == 0.0);
}

TEST_CASE("4-7-8 has no hold after exhaling", "[pacer]") {
  const PacerSchedule schedule(find_preset("4-7-8")->pattern);
  CHECK(schedule.state_at(3.999).phase == Phase::inhale);
  CHECK(schedule.state_at(4.0).phase == Phase::inhale_hold);
  CHECK(schedule.state_at(11.0).phase == Phase::exhale);
  CHECK(schedule.state_at(18.999).phase == Phase::exhale);
  CHECK(schedule.state_at(15.0).progress == Approx(0.5));
  CHECK(schedule.state_at(19.0).phase == Phase::inhale);
  CHECK(schedule.state_at(19.0).breath_index == 1);
  CHECK(schedule.breath(3).start_s == 57.0);
  CHECK(schedule.breath(3).exhale_onset_s() == 68.0);
}

TEST_CASE("target volume is smooth across every boundary", "[pacer]") {
  for (const Preset& preset : presets()) {
    const PacerSchedule schedule(preset.pattern);
    const double dt = 1e-4;
    double previous = schedule.state_at(0.0).volume;
    double max_step = 0.0, lowest = 1.0, highest = 0.0;
    for (double t = dt; t < 3 * preset.pattern.period_s(); t += dt) {
      const double v = schedule.state_at(t).volume;
      lowest = std::min(lowest, v);
      highest = std::max(highest, v);
      max_step = std::max(max_step, std::abs(v - previous));
      previous = v;
    }
    CHECK(lowest == Approx(0.0).margin(1e-6));
    CHECK(highest == Approx(1.0).margin(1e-6));
    // Half-cosine easing: the largest slope is pi/(2*inhale) per second.
    INFO(preset.key);
    CHECK(max_step <= 3.1416 / (2.0 * preset.pattern.inhale_s) * dt * 1.001);
  }
}

TEST_CASE("a pattern change starts at the next breath boundary", "[pacer]") {
  PacerSchedule schedule(BreathPattern{4.0, 4.0, 4.0, 4.0});
  CHECK(schedule.change_pattern(find_preset("4-7-8")->pattern, 5.0) == 16.0);
  CHECK(schedule.state_at(15.9).pattern.inhale_hold_s == 4.0);
  CHECK(schedule.state_at(16.0).pattern.inhale_hold_s == 7.0);
  CHECK(schedule.breath_at(16.0).index == 1);
  CHECK(schedule.breath_at(35.0).index == 2);
  CHECK(schedule.breath_at(35.0).start_s == 35.0);
  CHECK(schedule.state_at(16.0 + 19.0 * 2 + 11.0).phase == Phase::exhale);

  // A second change before the first takes effect replaces it.
  PacerSchedule pending(BreathPattern{5.0, 0.0, 5.0, 0.0});
  pending.change_pattern(BreathPattern{3.0, 0.0, 3.0, 0.0}, 2.0);
  CHECK(pending.change_pattern(BreathPattern{4.0, 0.0, 6.0, 0.0}, 7.0) == 10.0);
  CHECK(pending.breath(1).pattern == BreathPattern{4.0, 0.0, 6.0, 0.0});
  CHECK(pending.breath(2).start_s == 20.0);
  // Later changes keep the history exact.
  CHECK(pending.change_pattern(BreathPattern{2.0, 0.0, 2.0, 0.0}, 21.0) == 30.0);
  CHECK(pending.breath(1).start_s == 10.0);
  CHECK(pending.breath(3).start_s == 30.0);
  CHECK(pending.breath(4).start_s == 34.0);
  CHECK(pending.breath_at(33.999).index == 3);
}

TEST_CASE("coherent breathing stays exact after an hour", "[pacer]") {
  const PacerSchedule schedule(find_preset("coherent")->pattern);
  // 5.5/min: breath 330 starts at exactly 3600 s.
  CHECK(schedule.breath_at(3600.0 + 1e-9).index == 330);
  CHECK(schedule.breath(330).start_s == Approx(3600.0));
  CHECK(schedule.state_at(3600.0 + 60.0 / 11.0).phase == Phase::exhale);
}

TEST_CASE("descriptions name rate and phases", "[pacer]") {
  CHECK(describe(find_preset("4-7-8")->pattern) == "3.2/min  in 4.0 s, hold 7.0 s, out 8.0 s");
  CHECK(describe(find_preset("extended-exhale")->pattern) == "6.0/min  in 4.0 s, out 6.0 s");
  CHECK(std::string(phase_label(Phase::exhale_hold)) == "Rest");
}
