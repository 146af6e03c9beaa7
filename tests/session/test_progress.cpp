// Progress analytics on synthetic histories whose trends and flags are known by construction.
#include <catch2/catch.hpp>

#include <chrono>
#include <vector>

#include "session/progress.hpp"
#include "session/progress_export.hpp"
#include "session/progress_summary.hpp"

using namespace respira::session;
using std::chrono::days;
using std::chrono::sys_seconds;

namespace {

const sys_seconds kDay0{std::chrono::sys_days{std::chrono::year{2026} / 1 / 5}};

SessionOutcome rated(int day, std::optional<double> pre, std::optional<double> post = {}) {
  SessionOutcome o;
  o.start = kDay0 + days{day} + std::chrono::hours{18};
  o.pre_tension = pre;
  o.post_tension = post;
  o.minutes = 10;
  return o;
}

std::vector<SessionOutcome> every_other_day(const std::vector<double>& pre) {
  std::vector<SessionOutcome> h;
  for (std::size_t i = 0; i < pre.size(); ++i) h.push_back(rated(static_cast<int>(2 * i), pre[i]));
  return h;
}

// The window rule on its own: exactly the last N sessions, however close together.
PlateauRule sessions_only() {
  PlateauRule rule;
  rule.min_window_days = 0;
  return rule;
}

std::vector<std::size_t> flagged_sessions(const ProgressReport& report, bool SessionProgress::*flag) {
  std::vector<std::size_t> indices;
  for (const auto& s : report.sessions)
    if (s.*flag) indices.push_back(s.index);
  return indices;
}

}  // namespace

TEST_CASE("a 2-point rise over a steady baseline is a flare-up, a 1-point rise is not",
          "[progress][flare]") {
  const auto history = every_other_day({5, 5, 5, 5, 5, 7, 6});
  const FlareUpRule rule;  // M = 5, at least 3, k = 3, >= 2 points
  const auto spike = detect_flare_up(history, 5, rule);
  REQUIRE(spike);
  CHECK(spike->spike);
  CHECK_FALSE(spike->marked);
  CHECK(spike->baseline_median == 5.0);
  CHECK(spike->threshold == 7.0);  // MAD 0: the 2-point floor decides
  // Session 6: baseline {7,5,5,5,5} -> median 5, MAD 0 -> threshold 7; 6 is below.
  CHECK_FALSE(detect_flare_up(history, 6, rule));
}

TEST_CASE("a noisy baseline needs a bigger spike", "[progress][flare]") {
  // Baseline {4,6,4,6,5}: median 5, MAD 1 -> threshold 5 + 3 * 1.4826 = 9.45.
  auto history = every_other_day({4, 6, 4, 6, 5, 9});
  CHECK_FALSE(detect_flare_up(history, 5, FlareUpRule{}));
  history[5].pre_tension = 10;
  const auto flare = detect_flare_up(history, 5, FlareUpRule{});
  REQUIRE(flare);
  CHECK(*flare->threshold == Approx(9.4478));
}

TEST_CASE("the baseline is the last M sessions and needs enough of them", "[progress][flare]") {
  // After a week of 9s the patient settles at 2; a 4 is a spike against the recent 2s
  // (median 2 + 2), though far below the early 9s.
  const auto history = every_other_day({9, 9, 9, 2, 2, 2, 2, 2, 4});
  const auto flare = detect_flare_up(history, 8, FlareUpRule{});
  REQUIRE(flare);
  CHECK(flare->baseline_median == 2.0);
  // Only two rated sessions before session 2: no baseline yet, so no spike however high.
  const auto early = every_other_day({2, 2, 10});
  CHECK_FALSE(detect_flare_up(early, 2, FlareUpRule{}));
}

TEST_CASE("the patient's own mark is a flare-up even without a baseline", "[progress][flare]") {
  auto history = every_other_day({5, 5});
  history[1].flare_up_marked = true;
  const auto flare = detect_flare_up(history, 1, FlareUpRule{});
  REQUIRE(flare);
  CHECK(flare->marked);
  CHECK_FALSE(flare->spike);
  CHECK_FALSE(flare->threshold);
}

TEST_CASE("plateau fires on the first window with no meaningful fall", "[progress][plateau]") {
  // Sessions every 2 days. Windows of 6 (slopes per 2-day step; the change is over 5 steps):
  //   ending at 5: {9,8,7,6,5,5}  slope -1,   CI [-1, -1/2]       excludes 0 -> no
  //   ending at 6: {8,7,6,5,5,5}  slope -2/3, CI includes 0, change -10/3 -> no
  //   ending at 7: {7,6,5,5,5,5}  slope -1/3, CI includes 0, change -5/3  -> no
  //   ending at 8: {6,5,5,5,5,5}  slope 0,    CI [-1/2, 0],   change 0    -> plateau
  const auto history = every_other_day({9, 8, 7, 6, 5, 5, 5, 5, 5, 5});
  ProgressConfig config;
  config.plateau = sessions_only();
  const ProgressReport report = analyse_progress(history, config);
  CHECK(flagged_sessions(report, &SessionProgress::plateau) == std::vector<std::size_t>{8, 9});

  const auto at6 = evaluate_plateau(history, 6, sessions_only());
  REQUIRE(at6);
  CHECK(at6->fit.slope == Approx(-2.0 / 3.0 * 3.5));  // per week
  CHECK(at6->change_points == Approx(-10.0 / 3.0));
  CHECK(at6->fit.interval_includes_zero());
  const auto at5 = evaluate_plateau(history, 5, sessions_only());
  REQUIRE(at5);
  CHECK(at5->fit.slope_high == Approx(-0.5 * 3.5));
  const auto at8 = evaluate_plateau(history, 8, sessions_only());
  REQUIRE(at8);
  CHECK(at8->fit.slope == 0.0);
  CHECK(at8->fit.slope_low == Approx(-0.5 * 3.5));
  CHECK(at8->fit.slope_high == 0.0);
  CHECK(at8->weeks == Approx(10.0 / 7.0));
  REQUIRE(report.plateau);
  CHECK(report.plateau->flagged);
  CHECK(report.plateau->session_index == 9);
}

TEST_CASE("an oscillating mid-scale rating is a plateau, a low one is not",
          "[progress][plateau]") {
  // 5,6,5,6,5,6: pairwise slopes (per step) -1,-1,-1/3, six 0s, 1/5,1/3,1/3,1,1,1 -> median 0.
  const auto stuck = every_other_day({5, 6, 5, 6, 5, 6});
  const auto p = evaluate_plateau(stuck, 5, sessions_only());
  REQUIRE(p);
  CHECK(p->fit.slope == 0.0);
  CHECK(p->fit.slope_low == Approx(-3.5));
  CHECK(p->fit.slope_high == Approx(3.5));
  CHECK(p->median_tension == 5.5);
  CHECK(p->flagged);

  const auto low = every_other_day({1, 2, 1, 2, 1, 2});
  const auto q = evaluate_plateau(low, 5, sessions_only());
  REQUIRE(q);
  CHECK_FALSE(q->flagged);  // median 1.5 is at the floor: nothing left to improve
  CHECK_FALSE(evaluate_plateau(every_other_day({5, 6, 5, 6, 5}), 4, sessions_only()));  // 5 < N
}

TEST_CASE("the plateau window reaches back at least two weeks", "[progress][plateau]") {
  // Sessions every 2 days: the last 6 span 10 days, so the window grows to 8 (14 days).
  // {7,7,5,5,5,5,5,5}: 12 negative pairwise slopes and 16 zeros -> slope 0, plateau.
  const auto history = every_other_day({9, 9, 7, 7, 5, 5, 5, 5, 5, 5});
  const auto p = evaluate_plateau(history, 9, PlateauRule{});
  REQUIRE(p);
  CHECK(p->window == 8);
  CHECK(p->weeks == 2.0);
  CHECK(p->fit.slope == 0.0);
  CHECK(p->flagged);
  // With only 12 days of history there is no verdict yet.
  CHECK_FALSE(evaluate_plateau(history, 6, PlateauRule{}));
}

TEST_CASE("trends are per week and distinguish the measures", "[progress][trend]") {
  // Weekly clinic sessions, pre 8,7,6,5 (-1/week) with post 2 lower each time, then 1 lower
  // (relief 2,2,1,1): pairwise relief slopes {0,-1/2,-1/3,-1,-1/2,0}, median -5/12.
  std::vector<SessionOutcome> h;
  const double pre[] = {8, 7, 6, 5};
  const double post[] = {6, 5, 5, 4};
  for (int w = 0; w < 4; ++w) {
    SessionOutcome o = rated(7 * w, pre[w], post[w]);
    o.place = PracticePlace::clinic;
    o.resting_rate_bpm = 16.0 - w;   // -1/min per week
    o.achieved_rate_bpm = 10.0 - 1.5 * w;
    o.adherence = 0.5 + 0.1 * w;
    h.push_back(o);
  }
  const ProgressReport report = analyse_progress(h);
  REQUIRE(report.pre_tension.fit);
  CHECK(report.pre_tension.fit->slope == Approx(-1.0));
  CHECK(report.pre_tension.fit->slope_low == Approx(-1.0));
  CHECK(report.pre_tension.fit->slope_high == Approx(-1.0));
  CHECK(report.pre_tension.first == 7.0);  // median of the first three
  CHECK(report.pre_tension.last == 6.0);
  REQUIRE(report.relief.fit);
  CHECK(report.relief.fit->slope == Approx(-5.0 / 12.0));
  CHECK(report.resting_rate.fit->slope == Approx(-1.0));
  CHECK(report.achieved_rate.fit->slope == Approx(-1.5));
  CHECK(report.adherence.fit->slope == Approx(0.1));
  CHECK(report.sessions[2].tension_change == -1.0);
  CHECK(report.clinic.sessions == 4);
  CHECK(report.home.sessions == 0);
  CHECK(report.clinic.median_tension_change == -1.5);
}

TEST_CASE("weeks count home and clinic practice, and only finished weeks make the trend",
          "[progress][trend]") {
  // Week 0: 3 home x 10 min + 1 clinic x 30; week 1: 2 home; week 2: none; week 3 (partial): 1.
  std::vector<SessionOutcome> h{rated(0, 5), rated(1, 5), rated(2, 5), rated(3, 5), rated(8, 5),
                                rated(10, 5), rated(22, 5)};
  h[3].place = PracticePlace::clinic;
  h[3].minutes = 30;
  ProgressConfig config;
  config.as_of = kDay0 + days{23};
  const ProgressReport report = analyse_progress(h, config);
  REQUIRE(report.weeks.size() == 4);
  CHECK(report.weeks[0].home_sessions == 3);
  CHECK(report.weeks[0].home_minutes == 30);
  CHECK(report.weeks[0].clinic_sessions == 1);
  CHECK(report.weeks[0].clinic_minutes == 30);
  CHECK(report.weeks[1].home_minutes == 20);
  CHECK(report.weeks[2].home_sessions == 0);
  CHECK(report.weeks[2].complete);
  CHECK_FALSE(report.weeks[3].complete);
  // Weeks 0..2: 60, 20, 0 minutes -> slopes -40, -30, -20 -> -30 min per week.
  REQUIRE(report.minutes_per_week.fit);
  CHECK(report.minutes_per_week.n == 3);
  CHECK(report.minutes_per_week.fit->slope == -30.0);
  CHECK(report.home.minutes == 60);
  CHECK(report.clinic.minutes == 30);

  // A patient who stopped: as_of five weeks later lists the empty weeks too.
  config.as_of = kDay0 + days{36};
  CHECK(analyse_progress(h, config).weeks.size() == 6);
}

TEST_CASE("tension change by region", "[progress][regions]") {
  std::vector<SessionOutcome> h{rated(0, 6, 4), rated(7, 5, 4), rated(14, 4, 4)};
  h[0].regions = {{"upper_trapezius", 7, 4}, {"jaw", 3, std::nullopt}};
  h[1].regions = {{"upper_trapezius", 6, 4}, {"jaw", 3, 2}};
  h[2].regions = {{"upper_trapezius", 5, 4}};
  const ProgressReport report = analyse_progress(h);
  REQUIRE(report.regions.size() == 2);
  CHECK(report.regions[0].region == "upper_trapezius");
  CHECK(report.regions[0].rated_sessions == 3);
  CHECK(report.regions[0].median_change == -2.0);  // -3, -2, -1
  REQUIRE(report.regions[0].pre_tension.fit);
  CHECK(report.regions[0].pre_tension.fit->slope == -1.0);
  CHECK(report.regions[1].region == "jaw");
  CHECK(report.regions[1].rated_sessions == 1);
  CHECK(report.regions[1].median_change == -1.0);
  REQUIRE(report.sessions[0].region_changes.size() == 1);  // jaw had no "after" rating
  CHECK(report.sessions[0].region_changes[0] == std::pair<std::string, double>{"upper_trapezius", -3});
}

TEST_CASE("flare-up flags line up with the sessions", "[progress][flare]") {
  auto h = every_other_day({6, 6, 6, 6, 6, 9, 6, 6});
  h[7].flare_up_marked = true;
  const ProgressReport report = analyse_progress(h);
  CHECK(flagged_sessions(report, &SessionProgress::flare_up) == std::vector<std::size_t>{5, 7});
  const std::vector<bool> flags = report.flare_up_flags();
  CHECK(flags == std::vector<bool>{false, false, false, false, false, true, false, true});
  CHECK(analyse_progress(std::vector<SessionOutcome>{}).sessions.empty());
}

TEST_CASE("adherence is summarised over the sessions there are, not a fixed five", "[progress][adherence]") {
  const sys_seconds start{days{20000}};
  std::vector<SessionOutcome> history;
  for (int i = 0; i < 7; ++i) {
    SessionOutcome o;
    o.start = start + days{i};
    o.adherence = 0.1 * (i + 1);  // 0.1 .. 0.7
    history.push_back(o);
  }
  Patient patient;
  patient.id = "P-ADHERE";
  const auto one = assess_progress(patient, {history.front()}, std::nullopt, start + days{1});
  CHECK(one.recent_adherence_sessions == 1);
  CHECK(progress_text(one).find("Adherence: median 0.10 over 1 session\n") != std::string::npos);
  const auto all = assess_progress(patient, history, std::nullopt, start + days{8});
  CHECK(all.recent_adherence_sessions == 5);
  // Overall median of 0.1..0.7 is 0.4; the last five (0.3..0.7) have 0.5.
  CHECK(progress_text(all).find("Adherence: median 0.40 overall, 0.50 over the last 5 sessions\n") !=
        std::string::npos);
  CHECK(progress_json(all)["adherence"]["recent_sessions"] == 5);
  CHECK(progress_json(one)["adherence"]["recent_sessions"] == 1);
}
