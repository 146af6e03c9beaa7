#include <catch2/catch.hpp>

#include <cmath>
#include <map>
#include <numbers>

#include "follower.hpp"
#include "pacer/resonance.hpp"

using namespace respira;
using namespace respira::pacer;
using Catch::Detail::Approx;

namespace {

ResonanceConfig short_steps() {
  ResonanceConfig config;
  config.step_duration_s = 65.0;
  config.settle_s = 10.0;
  return config;
}

// Heart-rate swing (peak to trough, beats/min) this simulated person shows at each rate.
const std::map<double, double> kSwing{{7.0, 4.0}, {6.5, 6.0}, {6.0, 8.0},
                                      {5.5, 11.0}, {5.0, 9.0}, {4.5, 7.0}};

void run(ResonanceSearch& search, test::Follower& person, bool strap, double seconds) {
  for (double now = 0.0; now <= seconds; now += 0.05) {
    for (const auto& event : person.poll(search.schedule(), now)) search.add_event(event);
    const double second = std::round(now * 20.0) / 20.0;
    if (strap && std::fmod(second, 0.25) < 1e-9) {
      const PacerState s = search.state_at(now);
      const double swing = kSwing.at(std::round(s.pattern.rate_bpm() * 2.0) / 2.0);
      search.add_heart_rate(now, 65.0 + swing * (s.volume - 0.5));
    }
    search.update(now);
  }
}

}  // namespace

TEST_CASE("resonance search steps from 7 to 4.5 per minute at breath boundaries", "[pacer]") {
  ResonanceSearch search(short_steps(), 0.0);
  REQUIRE(search.steps().size() == 6);
  CHECK(search.steps()[5].rate_bpm == 4.5);
  CHECK(search.nominal_duration_s() == 390.0);
  test::Follower person;
  run(search, person, false, 70.0);
  // 7/min = 8.571 s breaths: 65 s falls in breath 7, which ends at 68.571 s.
  CHECK(search.current_step() == 1);
  CHECK(search.steps()[0].end_s == Approx(8.0 * 60.0 / 7.0));
  CHECK(search.steps()[1].start_s == Approx(8.0 * 60.0 / 7.0));
  CHECK(search.state_at(68.6).pattern.rate_bpm() == Approx(6.5));
  CHECK(search.state_at(68.5).pattern.rate_bpm() == Approx(7.0));
}

TEST_CASE("with a heart-rate strap the largest RSA wins", "[pacer]") {
  ResonanceSearch search(short_steps(), 0.0);
  test::Follower person;
  run(search, person, true, 480.0);
  REQUIRE(search.finished());
  REQUIRE(search.result());
  CHECK(search.result()->method == ResonanceMethod::rsa);
  CHECK(search.result()->rate_bpm == 5.5);
  CHECK(search.steps()[3].rsa_bpm == Approx(11.0).margin(0.5));
  CHECK(search.steps()[0].rsa_bpm == Approx(4.0).margin(0.5));
  CHECK(search.steps()[3].adherence == 1.0);
  CHECK(search.state_at(470.0).pattern.rate_bpm() == Approx(5.5));  // continues at the choice
}

TEST_CASE("without a strap the steadiest rate the person follows wins", "[pacer]") {
  ResonanceSearch search(short_steps(), 0.0);
  test::Follower person;  // follows down to 5.5/min; slower breaths fall out of step
  person.offset = [](const BreathPattern& p) { return p.rate_bpm() < 5.4 ? 0.45 * p.period_s() : 0.0; };
  run(search, person, false, 480.0);
  REQUIRE(search.result());
  CHECK(search.result()->method == ResonanceMethod::adherence_regularity);
  CHECK(search.result()->rate_bpm == 5.5);  // tied with 7..6, the slowest of the tie
  CHECK(search.steps()[4].adherence == 0.0);
  CHECK(search.steps()[4].regularity == Approx(1.0));
  CHECK(search.steps()[2].adherence == 1.0);
  CHECK(std::isnan(search.steps()[2].rsa_bpm));
}

TEST_CASE("a search with no breath data has no result", "[pacer]") {
  ResonanceSearch search(short_steps(), 0.0);
  for (double now = 0.0; now <= 480.0; now += 0.5) search.update(now);
  CHECK(search.finished());
  CHECK_FALSE(search.result());
}
