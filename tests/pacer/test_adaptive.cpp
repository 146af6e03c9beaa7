#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>

#include "follower.hpp"
#include "pacer/adaptive.hpp"

using namespace respira;
using namespace respira::pacer;
using Catch::Detail::Approx;

namespace {

struct Run {
  std::vector<double> level_rates;  // after each change
  int leads = 0;
  int ease_backs = 0;
};

Run simulate(AdaptivePacer& pacer, test::Follower& person, double seconds) {
  Run run;
  for (double now = 0.0; now <= seconds; now += 0.05) {
    for (const auto& event : person.poll(pacer.schedule(), now)) pacer.add_event(event);
    const AdaptiveAction action = pacer.update(now);
    if (action == AdaptiveAction::lead) ++run.leads;
    if (action == AdaptiveAction::ease_back) ++run.ease_backs;
    if (action != AdaptiveAction::none) run.level_rates.push_back(pacer.level_rate_bpm());
  }
  return run;
}

}  // namespace

TEST_CASE("adaptive pacing starts at the measured rate and leads a good follower down",
          "[pacer]") {
  AdaptivePacer pacer(AdaptiveConfig{}, 12.0, 0.5, 0.0);
  CHECK(pacer.schedule().breath(0).pattern.period_s() == Approx(5.0));
  test::Follower person;

  // Breaths 0..2 (5 s each) are scored at 10 + 2.5 + 2.5 + 3 = 18 s; the change starts
  // with breath 4 at 20 s.
  simulate(pacer, person, 17.96);
  CHECK(pacer.level_rate_bpm() == 12.0);
  CHECK(pacer.update(18.0) == AdaptiveAction::lead);
  CHECK(pacer.level_rate_bpm() == 11.5);
  CHECK(pacer.level_exhale_fraction() == Approx(0.525));
  CHECK(pacer.schedule().breath(3).pattern.rate_bpm() == Approx(12.0));
  CHECK(pacer.schedule().breath(4).start_s == Approx(20.0));
  CHECK(pacer.schedule().breath(4).pattern.rate_bpm() == Approx(11.5));
  CHECK(pacer.schedule().breath(4).pattern.exhale_fraction() == Approx(0.525));

  test::Follower fresh;
  AdaptivePacer again(AdaptiveConfig{}, 12.0, 0.5, 0.0);
  const Run run = simulate(again, fresh, 600.0);
  CHECK(again.at_target());
  CHECK(again.level_rate_bpm() == 6.0);
  CHECK(again.level_exhale_fraction() == Approx(0.6));
  CHECK(run.ease_backs == 0);
  CHECK(run.leads == 12);  // 12 -> 6 in 0.5 steps (the exhale share arrives after 4)
  for (std::size_t i = 1; i < run.level_rates.size(); ++i) {
    CHECK(run.level_rates[i - 1] - run.level_rates[i] == Approx(0.5));
  }
  CHECK(again.adherence().score() == 1.0);
}

TEST_CASE("adaptive pacing eases back when the person cannot follow", "[pacer]") {
  AdaptivePacer pacer(AdaptiveConfig{}, 12.0, 0.5, 0.0);
  // Follows down to 9/min; slower than that the person is half a breath out of step.
  test::Follower person;
  person.offset = [](const BreathPattern& p) { return p.rate_bpm() < 8.999 ? 0.45 * p.period_s() : 0.0; };
  const Run run = simulate(pacer, person, 900.0);
  CHECK(run.ease_backs >= 3);
  CHECK(*std::min_element(run.level_rates.begin(), run.level_rates.end()) == 8.5);
  const double final_rate = pacer.level_rate_bpm();
  CHECK((final_rate == 8.5 || final_rate == 9.0));
  CHECK(pacer.level_rate_bpm() >= 8.5);
}

TEST_CASE("adaptive pacing never eases past where the person started", "[pacer]") {
  AdaptivePacer pacer(AdaptiveConfig{}, 12.0, 0.5, 0.0);
  test::Follower person;
  person.offset = [](const BreathPattern& p) { return 0.45 * p.period_s(); };
  const Run run = simulate(pacer, person, 300.0);
  CHECK(run.leads == 0);
  CHECK(run.ease_backs == 0);
  CHECK(pacer.level_rate_bpm() == 12.0);
  CHECK(pacer.adherence().score() == 0.0);
}

TEST_CASE("adaptive pacing rejects an unknown starting rate", "[pacer]") {
  CHECK_THROWS_AS(AdaptivePacer(AdaptiveConfig{}, dsp::kNoValue, 0.5, 0.0), PatternError);
}
