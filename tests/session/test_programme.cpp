// Default ladders and the progression rule, on scripted histories with known stage paths.
#include <catch2/catch.hpp>

#include <chrono>
#include <vector>

#include "session/programme.hpp"

using namespace respira::session;
using std::chrono::days;
using std::chrono::sys_seconds;

namespace {

const sys_seconds kDay0{std::chrono::sys_days{std::chrono::year{2026} / 1 / 5}};

SessionOutcome session_on(int day, std::optional<double> adherence, std::optional<double> pre,
                          std::optional<double> post) {
  SessionOutcome o;
  o.start = kDay0 + days{day} + std::chrono::hours{9};
  o.adherence = adherence;
  o.pre_tension = pre;
  o.post_tension = post;
  o.minutes = 10;
  return o;
}

SessionOutcome met(int day) { return session_on(day, 0.8, 6, 4); }

std::vector<double> rates(const Programme& p) {
  std::vector<double> r;
  for (const auto& s : p.stages) r.push_back(s.rate_bpm);
  return r;
}

}  // namespace

TEST_CASE("default ladder from a fast resting rate", "[programme]") {
  // 15/min: start 2 below (13) capped at 12, then 2/min steps to 6.
  const Programme p = default_programme(15.0);
  CHECK(validate(p).empty());
  CHECK(rates(p) == std::vector<double>{12, 10, 8, 6});
  REQUIRE(p.stages.size() == 4);
  CHECK(p.stages[0].exhale_ratio == 1.5);
  CHECK(p.stages[1].exhale_ratio == 1.75);
  CHECK(p.stages[2].exhale_ratio == 2.0);
  CHECK(p.stages[3].exhale_ratio == 2.0);
  CHECK(p.stages[0].minutes == 5);
  CHECK(p.stages[3].minutes == 20);
  CHECK(p.stages[2].sessions_per_week == 5);
  CHECK(p.baseline_rate_bpm == 15.0);
  CHECK(p.start_stage == 0);
}

TEST_CASE("default ladder rounds to half breaths and never slows more than 2/min a stage",
          "[programme]") {
  // 13.2 -> 11.2 -> 11.0; three steps of 5/3 rounded to 0.5: 11, 9.5, 7.5, 6.
  CHECK(rates(default_programme(13.2)) == std::vector<double>{11, 9.5, 7.5, 6});
  // 10 -> start 8: one slowing step, then practice lengthens at 6/min.
  CHECK(rates(default_programme(10.0)) == std::vector<double>{8, 6, 6, 6});
  // Already slow: everything at 6/min, only length and exhale grow.
  CHECK(rates(default_programme(7.0)) == std::vector<double>{6, 6, 6, 6});
  for (double baseline = 4.0; baseline <= 30.0; baseline += 0.3) {
    const Programme p = default_programme(baseline);
    REQUIRE(validate(p).empty());
    CHECK(p.stages.back().rate_bpm == 6.0);
    for (std::size_t i = 1; i < p.stages.size(); ++i) {
      CHECK(p.stages[i - 1].rate_bpm - p.stages[i].rate_bpm <= 2.0);
      CHECK(p.stages[i].rate_bpm <= p.stages[i - 1].rate_bpm);
    }
  }
}

TEST_CASE("a short length ladder is extended so the rate steps still fit", "[programme]") {
  DefaultProgrammeConfig config;
  config.minutes = {5, 10};
  const Programme p = default_programme(20.0, config);
  CHECK(rates(p) == std::vector<double>{12, 10, 8, 6});
  CHECK(p.stages[2].minutes == 10);
  CHECK(p.stages[3].minutes == 10);
}

TEST_CASE("a stage's pacer timing follows rate and I:E", "[programme]") {
  ProgrammeStage stage;
  stage.rate_bpm = 6.0;
  stage.exhale_ratio = 2.0;
  CHECK(stage.inhale_seconds() == Approx(10.0 / 3.0));
  CHECK(stage.exhale_seconds() == Approx(20.0 / 3.0));
}

TEST_CASE("validation names the broken field", "[programme]") {
  Programme p = default_programme(12.0);
  p.stages[1].rate_bpm = 40;
  CHECK(validate(p) == "stage 2: rate must be 3–30 breaths/min");
  p = default_programme(12.0);
  p.start_stage = 9;
  CHECK(validate(p) == "start stage 10 does not exist");
  p = default_programme(12.0);
  p.rule.min_adherence = 1.5;
  CHECK(validate(p) == "minimum adherence must be between 0 and 1");
  CHECK(validate(Programme{}) == "a programme needs at least one stage");
}

TEST_CASE("meeting a stage needs adherence and no worse tension", "[programme]") {
  const ProgressionRule rule;  // K = 3, A = 0.70
  CHECK(meets_stage(session_on(0, 0.70, 5, 5), rule));
  CHECK(meets_stage(session_on(0, 0.9, 5, 2), rule));
  CHECK_FALSE(meets_stage(session_on(0, 0.69, 5, 2), rule));
  CHECK_FALSE(meets_stage(session_on(0, 0.9, 5, 6), rule));
  CHECK_FALSE(meets_stage(session_on(0, std::nullopt, 5, 2), rule));
  CHECK_FALSE(meets_stage(session_on(0, 0.9, std::nullopt, 2), rule));
}

TEST_CASE("advance after K met sessions, hold on a miss, step back on a flare-up", "[programme]") {
  Programme p = default_programme(15.0);  // 4 stages, K = 3, A = 0.70
  p.starts = kDay0;
  std::vector<SessionOutcome> h;
  h.push_back(met(0));                           // 0: 1 of 3
  h.push_back(met(1));                           // 1: 2 of 3
  h.push_back(met(2));                           // 2: advance -> stage 1
  h.push_back(met(3));                           // 3: 1 of 3
  h.push_back(session_on(4, 0.5, 6, 4));         // 4: adherence miss, streak reset
  h.push_back(met(5));                           // 5
  h.push_back(met(6));                           // 6
  h.push_back(met(7));                           // 7: advance -> stage 2
  h.push_back(met(8));                           // 8: flare-up -> back to stage 1
  h.push_back(session_on(9, 0.9, 4, 5));         // 9: tension rose, hold
  h.push_back(met(10));                          // 10
  h.push_back(met(11));                          // 11
  h.push_back(met(12));                          // 12: advance -> stage 2
  std::vector<bool> flares(h.size(), false);
  flares[8] = true;

  const ProgrammeState state = replay_programme(p, h, flares);
  REQUIRE(state.steps.size() == h.size());
  const std::vector<std::size_t> expected_after{0, 0, 1, 1, 1, 1, 1, 2, 1, 1, 1, 1, 2};
  std::vector<std::size_t> after;
  for (const auto& s : state.steps) after.push_back(s.stage_after);
  CHECK(after == expected_after);
  CHECK(state.stage == 2);
  CHECK(state.streak == 0);
  CHECK(state.steps[2].decision == StageDecision::advance);
  CHECK(state.steps[4].decision == StageDecision::hold);
  CHECK(state.steps[4].reason == "adherence 0.50 below 0.70");
  CHECK(state.steps[8].decision == StageDecision::step_back);
  CHECK(state.steps[8].reason == "flare-up: back to stage 2");
  CHECK(state.steps[8].met_stage);  // the ratings were fine, the flare-up wins
  CHECK(state.steps[9].reason == "tension rose 4 -> 5");
  CHECK(state.steps[11].streak_after == 2);
}

TEST_CASE("the ladder has a floor and a ceiling", "[programme]") {
  Programme p = default_programme(8.0);  // 4 stages
  p.rule.sessions_to_advance = 1;
  p.starts = kDay0;
  std::vector<SessionOutcome> h;
  for (int d = 0; d < 6; ++d) h.push_back(met(d));
  const std::vector<bool> none(h.size(), false);
  ProgrammeState state = replay_programme(p, h, none);
  CHECK(state.stage == 3);
  CHECK(state.steps[5].reason == "met the final stage");

  std::vector<bool> all(h.size(), true);
  state = replay_programme(p, h, all);
  CHECK(state.stage == 0);
  CHECK(state.steps[0].decision == StageDecision::hold);
  CHECK(state.steps[0].reason == "flare-up at the first stage");
}

TEST_CASE("without step-back a flare-up still resets the count", "[programme]") {
  Programme p = default_programme(15.0);
  p.rule.step_back_on_flare_up = false;
  p.start_stage = 2;
  p.starts = kDay0;
  std::vector<SessionOutcome> h{met(0), met(1), met(2), met(3), met(4)};
  std::vector<bool> flares{false, false, true, false, false};
  const ProgrammeState state = replay_programme(p, h, flares);
  CHECK(state.stage == 2);
  CHECK(state.streak == 2);
  CHECK(state.steps[2].decision == StageDecision::hold);
}

TEST_CASE("sessions before the programme started do not count", "[programme]") {
  Programme p = default_programme(15.0);
  p.starts = kDay0 + days{3};
  std::vector<SessionOutcome> h{met(0), met(1), met(2), met(3), met(4), met(5)};
  const std::vector<bool> none(h.size(), false);
  const ProgrammeState state = replay_programme(p, h, none);
  REQUIRE(state.steps.size() == 3);
  CHECK(state.steps.front().session_index == 3);
  CHECK(state.stage == 1);
}

TEST_CASE("today's session is the current stage with this week's count", "[programme]") {
  Programme p = default_programme(15.0);
  p.starts = kDay0;
  std::vector<SessionOutcome> h{met(0), met(1), met(2), met(8), met(9)};
  const std::vector<bool> none(h.size(), false);
  const ProgrammeState state = replay_programme(p, h, none);
  const TodaysSession today = todays_session(p, state, h, kDay0 + days{10});
  CHECK(today.stage_index == 1);
  CHECK(today.stage_count == 4);
  CHECK(today.stage == p.stages[1]);
  CHECK(today.sessions_last_7_days == 2);  // days 8 and 9; day 2 is more than 7 days back
  CHECK(today.sessions_left_this_week == 3);
}
