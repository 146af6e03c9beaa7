// Proof of the clinical loop: an 8-week simulated patient goes through the real SQLite store.
// Before every session the simulation asks Respira for "today's session" (reading the store),
// practises exactly that stage, and records the outcome; at the end the stages, flags and
// slopes must be the ones the script was designed to produce.
//
// The patient (5 sessions a week, Monday-Friday 18:00 UTC, clinic visits on the first Monday
// of weeks 1 and 5):
//   - resting rate at session start 15/min in week 1, falling 0.5/min each week;
//   - pre-session tension 8,7,6,5,4 in weeks 1-5, then stuck at 4 in weeks 6-8;
//     post-session tension 2 lower in weeks 1-4, 1 lower from week 5;
//   - session 6: adherence 0.6 (a miss); session 12: tension rose (a miss);
//   - session 17: pre-tension 9, a spike over the baseline {6,6,6,5,5} (median 6, MAD 0,
//     threshold 6 + 2 = 8) -> flare-up, one stage back;
//   - session 32: the patient marks a flare-up (tension 4, no spike) -> one stage back.
// The default programme from a 15/min baseline is 12, 10, 8, 6 /min (K = 3, A = 0.70).

#include <catch2/catch.hpp>

#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "session/ids.hpp"
#include "session/programme_store.hpp"
#include "session/progress_export.hpp"
#include "session/progress_source.hpp"
#include "session/repository.hpp"
#include "session/time_text.hpp"

namespace fs = std::filesystem;
using namespace respira::session;
using std::chrono::days;
using std::chrono::sys_seconds;

namespace {

const sys_seconds kFirstSession{std::chrono::sys_days{std::chrono::year{2026} / 1 / 5} + std::chrono::hours{18}};
constexpr int kWeeks = 8;
constexpr int kPerWeek = 5;

struct ScriptedSession {
  sys_seconds start;
  Place place = Place::home;
  double resting_rate = 0;
  int pre = 0;
  int post = 0;
  double adherence = 0.8;
  bool marked = false;
  std::string note;
};

std::vector<ScriptedSession> script() {
  const int pre_by_week[kWeeks] = {8, 7, 6, 5, 4, 4, 4, 4};
  std::vector<ScriptedSession> sessions;
  for (int week = 0; week < kWeeks; ++week) {
    for (int day = 0; day < kPerWeek; ++day) {
      ScriptedSession s;
      s.start = kFirstSession + days{7 * week + day};
      s.place = day == 0 && (week == 0 || week == 4) ? Place::clinic : Place::home;
      s.resting_rate = 15.0 - 0.5 * week;
      s.pre = pre_by_week[week];
      s.post = s.pre - (week < 4 ? 2 : 1);
      sessions.push_back(s);
    }
  }
  sessions[6].adherence = 0.6;
  sessions[12].post = sessions[12].pre + 1;
  sessions[17].pre = 9;
  sessions[17].post = 8;
  sessions[17].note = "Moved house, carried boxes all weekend";
  sessions[32].marked = true;
  sessions[32].note = "Neck flared after a long drive";
  return sessions;
}

// Breaths of the opening minute at the resting rate (I:E 1:2), from which the store's
// resting rate is read back.
std::vector<Breath> opening_breaths(double rate_bpm) {
  std::vector<Breath> breaths;
  const double period = 60.0 / rate_bpm;
  for (double t = 0.0; t + period <= 75.0; t += period)
    breaths.push_back({t, t + period / 3.0, t + period, 1.0});
  return breaths;
}

void record(Repository& repo, const std::string& patient_id, const ScriptedSession& s,
            const TodaysSession& today) {
  Session session;
  session.id = new_session_id();
  session.patient_id = patient_id;
  session.started_at = to_iso(s.start);
  session.place = s.place;
  session.source_kind = "synthetic";
  session.source_spec = "synthetic:" + std::to_string(today.stage.rate_bpm);
  session.pacer.rate_bpm = today.stage.rate_bpm;
  session.pacer.ie_ratio = 1.0 / today.stage.exhale_ratio;
  session.pacer.programme_step =
      "stage " + std::to_string(today.stage_index + 1) + "/" + std::to_string(today.stage_count);
  session.planned_duration_s = today.stage.minutes * 60.0;
  session.pre_tension = s.pre;
  session.regions = {{"upper_trapezius", s.pre + 1, std::nullopt}};
  repo.begin_session(session);

  SampleBatch batch;
  batch.breaths = opening_breaths(s.resting_rate);
  batch.duration_s = 75.0;
  repo.append_batch(session.id, batch);

  session.ended_at = to_iso(s.start + std::chrono::seconds{static_cast<int>(session.planned_duration_s)});
  session.duration_s = session.planned_duration_s;
  session.metrics.median_rate_bpm = today.stage.rate_bpm;  // the patient follows the pacer
  session.metrics.adherence = s.adherence;
  session.metrics.breath_count = static_cast<std::int64_t>(batch.breaths.size());
  session.status = SessionStatus::completed;
  session.post_tension = s.post;
  session.regions = {{"upper_trapezius", s.pre + 1, s.post + 1}};
  session.notes = s.note;
  session.flare_up = s.marked;
  repo.finish_session(session);
}

struct TempDir {
  fs::path path;
  TempDir() {
    std::random_device rd;
    path = fs::temp_directory_path() / ("respira-sim-" + std::to_string(rd()));
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
};

}  // namespace

TEST_CASE("an 8-week simulated patient through the real store", "[progress][simulation]") {
  TempDir dir;
  const StoreLocation location{StoreLocation::Kind::sqlite, (dir.path / "respira.db").string()};
  const auto repo = open_repository(location);
  const Patient patient = repo->add_patient("Simulated patient", "");
  const std::vector<ScriptedSession> sessions = script();

  // Week 1, Monday, clinic: the assessment session at the resting rate, then the clinician sets
  // the default programme from what it measured, counting from that first session.
  const std::vector<int> expected_stage_used = {1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4,
                                                4, 4, 4, 4, 3, 3, 3, 4, 4, 4, 4, 4, 4, 4,
                                                4, 4, 4, 4, 4, 3, 3, 3, 4, 4, 4, 4};
  std::vector<int> stage_used;
  for (std::size_t i = 0; i < sessions.size(); ++i) {
    if (i == 1) {
      const auto history = load_outcomes(*repo, patient.id);
      REQUIRE(history.size() == 1);
      const auto baseline = measured_baseline_rate(history);
      REQUIRE(baseline);
      CHECK(*baseline == Approx(15.0));
      Programme programme = default_programme(*baseline);
      programme.starts = kFirstSession;
      open_programme_store(location)->save(patient.id, programme);
    }
    TodaysSession today;
    if (i == 0) {  // no programme yet: the assessment runs at stage 1 of the ladder to come
      today.stage = default_programme(15.0).stages[0];
      today.stage_count = 4;
    } else {
      const PatientProgress before = load_patient_progress(location, patient.id, sessions[i].start);
      REQUIRE(before.today);
      today = *before.today;
    }
    stage_used.push_back(static_cast<int>(today.stage_index) + 1);
    record(*repo, patient.id, sessions[i], today);
  }
  CHECK(stage_used == expected_stage_used);

  // Assessed the Monday after: weeks 1-8 are complete, week 9 has just begun.
  const sys_seconds as_of = kFirstSession + days{7 * kWeeks};
  const PatientProgress p = load_patient_progress(location, patient.id, as_of);
  REQUIRE(p.history.size() == 40);
  REQUIRE(p.programme);
  CHECK(p.programme->stages.size() == 4);
  CHECK(p.programme->stages[0].rate_bpm == 12.0);
  CHECK(p.programme->stages[3].rate_bpm == 6.0);

  SECTION("stages") {
    REQUIRE(p.state);
    CHECK(p.state->stage == 3);
    std::vector<std::size_t> advances, step_backs;
    for (const StageStep& step : p.state->steps) {
      if (step.decision == StageDecision::advance) advances.push_back(step.session_index);
      if (step.decision == StageDecision::step_back) step_backs.push_back(step.session_index);
    }
    CHECK(advances == std::vector<std::size_t>{2, 5, 9, 20, 35});
    CHECK(step_backs == std::vector<std::size_t>{17, 32});
    CHECK(p.state->steps[6].reason == "adherence 0.60 below 0.70");
    REQUIRE(p.today);
    CHECK(p.today->stage.rate_bpm == 6.0);
    CHECK(p.today->stage.exhale_ratio == 2.0);
    CHECK(p.today->stage.minutes == 20.0);
    CHECK(p.today->sessions_last_7_days == 4);  // Tue-Fri: last Monday is exactly 7 days back
    CHECK(p.today->sessions_left_this_week == 1);
  }

  SECTION("flags") {
    REQUIRE(p.report.flare_ups.size() == 2);
    const FlareUp& spike = p.report.flare_ups[0];
    CHECK(spike.session_index == 17);
    CHECK(spike.spike);
    CHECK_FALSE(spike.marked);
    CHECK(spike.baseline_median == 6.0);
    CHECK(spike.threshold == 8.0);
    const FlareUp& mark = p.report.flare_ups[1];
    CHECK(mark.session_index == 32);
    CHECK(mark.marked);
    CHECK_FALSE(mark.spike);
    // Plateau: the two-week window first shows no meaningful fall at session 27 (week 6,
    // Wednesday) and stays flagged to the end.
    std::vector<std::size_t> plateau;
    for (const SessionProgress& s : p.report.sessions)
      if (s.plateau) plateau.push_back(s.index);
    CHECK(plateau.front() == 27);
    CHECK(plateau.size() == 13);
    REQUIRE(p.report.plateau);
    CHECK(p.report.plateau->flagged);
    CHECK(p.report.plateau->fit.slope == 0.0);
  }

  SECTION("slopes") {
    // Resting rate is a weekly step of -0.5/min over 8 weeks. Pairwise slopes between weeks
    // a < b are -0.5 * 7k / (7k + dd) (k = b - a, dd = weekday difference), symmetric in dd:
    // 280 below -0.5, 140 at exactly -0.5, 280 above, and 80 zeros within weeks. The median
    // (390th/391st of 780) and the lower bound (rank 306) both fall in the exact block.
    const Trend& rest = p.report.resting_rate;
    REQUIRE(rest.fit);
    CHECK(rest.n == 40);
    CHECK(rest.fit->slope == Approx(-0.5));
    CHECK(rest.fit->slope_low == Approx(-0.5));
    CHECK(rest.fit->slope_high > -0.5);
    CHECK(rest.fit->slope_high < 0.0);
    // Pre-tension (with the spike and the plateau): an independent brute-force evaluation of
    // the same design gives slope -4/7 point/week (weeks 1 -> 8, 8 -> 4) and 95 % CI
    // [-7/10, -14/33]: improving, the interval clear of zero.
    const Trend& pre = p.report.pre_tension;
    REQUIRE(pre.fit);
    CHECK(pre.fit->slope == Approx(-4.0 / 7.0));
    CHECK(pre.fit->slope_low == Approx(-0.7));
    CHECK(pre.fit->slope_high == Approx(-14.0 / 33.0));
    CHECK(pre.first == 8.0);
    CHECK(pre.last == 4.0);
    // In-session relief fell from 2 to 1 point but most pairs are within a level: slope 0.
    REQUIRE(p.report.relief.fit);
    CHECK(p.report.relief.fit->slope == 0.0);
    CHECK(p.report.relief.fit->interval_includes_zero());
    // Practice minutes per week follow the stages practised: 35, 70, 100, 90, 95, 100, 90, 95.
    REQUIRE(p.report.weeks.size() == 9);
    CHECK_FALSE(p.report.weeks[8].complete);
    std::vector<double> minutes;
    for (int w = 0; w < kWeeks; ++w) {
      const WeekSummary& week = p.report.weeks[static_cast<std::size_t>(w)];
      CHECK(week.complete);
      minutes.push_back(week.home_minutes + week.clinic_minutes);
    }
    CHECK(minutes == std::vector<double>{35, 70, 100, 90, 95, 100, 90, 95});
    REQUIRE(p.report.minutes_per_week.fit);
    CHECK(p.report.minutes_per_week.n == 8);
    CHECK(p.report.minutes_per_week.fit->slope == Approx(5.0));
    CHECK(p.report.clinic.sessions == 2);
    CHECK(p.report.home.sessions == 38);
    REQUIRE(p.report.regions.size() == 1);
    CHECK(p.report.regions[0].median_change == -1.0);  // 18 x -2, 20 x -1, one -1, one +1
    CHECK(p.recent_notes.size() == 2);
    CHECK(p.history[p.recent_notes.front()].note == "Neck flared after a long drive");
  }

  SECTION("exports carry the programme and flags") {
    const auto care_plan = fhir_care_plan(p, "Patient/" + patient.id);
    CHECK(care_plan["resourceType"] == "CarePlan");
    CHECK(care_plan["subject"]["reference"] == "Patient/" + patient.id);
    REQUIRE(care_plan["activity"].size() == 4);
    CHECK(care_plan["activity"][2]["detail"]["status"] == "completed");
    CHECK(care_plan["activity"][3]["detail"]["status"] == "in-progress");
    CHECK(care_plan["activity"][3]["detail"]["scheduledTiming"]["repeat"]["duration"] == 20.0);
    const auto flags = fhir_flags(p, "Patient/" + patient.id);
    REQUIRE(flags.size() == 3);  // two flare-ups (both over a week ago) and the plateau
    CHECK(flags[0]["status"] == "inactive");
    CHECK(flags[1]["status"] == "inactive");
    CHECK(flags[2]["id"] == "plateau-" + patient.id);
    CHECK(flags[2]["status"] == "active");
    const auto json = progress_json(p);
    CHECK(json["stage"]["current"] == 4);
    CHECK(json["flags"]["flare_ups"].size() == 2);
    CHECK(json["flags"]["plateau"]["flagged"] == true);
    const std::string html = progress_html_section(p);
    CHECK(html.find("Plateau") != std::string::npos);
    CHECK(html.find("<svg") != std::string::npos);
    CHECK(html.find("class=\"current\"><td>4</td>") != std::string::npos);
    const std::string text = progress_text(p);
    CHECK(text.find("Programme: stage 4 of 4") != std::string::npos);
    CHECK(text.find("PLATEAU") != std::string::npos);

    // Each flag is worded once and reads the same in the text, the report and FHIR.
    const std::string plateau = plateau_description(*p.report.plateau);
    CHECK(plateau.find(" over the last " + std::to_string(p.report.plateau->window) + " sessions (slope ") !=
          std::string::npos);
    CHECK(text.find("  PLATEAU: " + plateau + "\n") != std::string::npos);
    CHECK(html.find("<li><strong>Plateau</strong>: " + plateau + ".</li>") != std::string::npos);
    CHECK(flags[2]["code"]["text"] == "Plateau: " + plateau);
    const std::string spike = flare_up_description(p, p.report.flare_ups[0]);
    const std::string marked = flare_up_description(p, p.report.flare_ups[1]);
    CHECK(spike == "pre-session tension 9 at or above 8.0 (baseline median 6)");  // session 17
    CHECK(marked == "marked by the patient");                                     // session 32
    CHECK(text.find(": " + spike + "\n") != std::string::npos);
    CHECK(html.find(": " + spike + "</li>") != std::string::npos);
    CHECK(flags[0]["code"]["text"] == "Flare-up: " + spike);
    CHECK(flags[1]["code"]["text"] == "Flare-up: " + marked);
  }
}
