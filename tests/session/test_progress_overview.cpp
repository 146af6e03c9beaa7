// The clinician's patient list, read from a real SQLite store: four patients with known
// histories (a plateau, a fresh flare-up, a lapsed flare-up while improving, a newcomer with
// a damaged programme) give the rows, flags and order designed for them.

#include <sqlite3.h>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "session/ids.hpp"
#include "session/programme_store.hpp"
#include "session/progress_export.hpp"
#include "session/progress_overview.hpp"
#include "session/progress_source.hpp"
#include "session/time_text.hpp"
#include "session_test_support.hpp"

using namespace respira::session;
using namespace respira::session::testing;
using Catch::Detail::Approx;
using std::chrono::days;
using std::chrono::sys_seconds;

namespace {

const sys_seconds kAsOf{std::chrono::sys_days{std::chrono::year{2026} / 3 / 30} + std::chrono::hours{12}};

// A finished home session `days_ago` before kAsOf with the given tension before (after = 1 lower).
void record(Repository& repo, const std::string& patient_id, int days_ago, int pre, bool marked = false) {
  Session s;
  s.id = new_session_id();
  s.patient_id = patient_id;
  s.started_at = to_iso(kAsOf - days{days_ago});
  s.place = Place::home;
  s.source_kind = "synthetic";
  s.source_spec = "synthetic:6";
  s.planned_duration_s = 600.0;
  s.pre_tension = pre;
  repo.begin_session(s);
  s.ended_at = to_iso(kAsOf - days{days_ago} + std::chrono::minutes{10});
  s.duration_s = 600.0;
  s.metrics.adherence = 0.8;
  s.status = SessionStatus::completed;
  s.post_tension = pre - 1;
  s.flare_up = marked;
  repo.finish_session(s);
}

}  // namespace

TEST_CASE("the patient list shows each patient's stage, practice, tension and flags", "[progress][overview]") {
  TempDir dir;
  const StoreLocation location{StoreLocation::Kind::sqlite, (dir.path() / "clinic.db").string()};
  std::string ana, ben, cy, dee;
  {
    const auto repo = open_repository(location);
    ana = repo->add_patient("Ana Plateau", "").id;
    ben = repo->add_patient("Ben Flare", "").id;
    cy = repo->add_patient("Cy Improving", "").id;
    dee = repo->add_patient("Dee New", "").id;
    // Ana: tension 5 every 3 days for 21 days -> the last 6 span 15 days, slope 0: plateau.
    for (int d = 21; d >= 0; d -= 3) record(*repo, ana, d, 5);
    // Ben: falling 8, 7, 6, then marks a flare-up 2 days ago (within the 7 days it stays up).
    record(*repo, ben, 11, 8);
    record(*repo, ben, 8, 7);
    record(*repo, ben, 5, 6);
    record(*repo, ben, 2, 6, true);
    // Cy: marked a flare-up 25 days ago (lapsed), then falls 1 point every 3 days: 8 .. 3.
    record(*repo, cy, 25, 8, true);
    for (int i = 0; i < 6; ++i) record(*repo, cy, 19 - 3 * i, 8 - i);
    open_programme_store(location)->save(ben, default_programme(14.0));
  }
  // Dee's programme row is damaged: Dee keeps a row that says why.
  sqlite3* handle = nullptr;
  REQUIRE(sqlite3_open(location.target.c_str(), &handle) == SQLITE_OK);
  const std::string insert = "INSERT INTO clinical_programmes VALUES ('" + dee + "', 1, 'x', '{\"stages\": 3}')";
  CHECK(sqlite3_exec(handle, insert.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(handle);

  const auto rows = load_clinic_overview(location, kAsOf);
  REQUIRE(rows.size() == 4);
  // Flagged first, then by name.
  CHECK(rows[0].patient_id == ana);
  CHECK(rows[1].patient_id == ben);
  CHECK(rows[2].patient_id == cy);
  CHECK(rows[3].patient_id == dee);

  const PatientOverview& a = rows[0];
  CHECK(a.display_name == "Ana Plateau");
  CHECK(a.plateau);
  CHECK_FALSE(a.flare_up);
  CHECK_FALSE(a.stage);
  CHECK(a.last_session == kAsOf);
  CHECK(a.sessions_last_7_days == 3);  // 6 and 3 days ago, and today
  CHECK(a.latest_pre_tension == 5.0);
  REQUIRE(a.pre_tension_trend);
  CHECK(a.pre_tension_trend->slope == Approx(0.0).margin(1e-12));
  CHECK(direction_of(*a.pre_tension_trend) == TrendDirection::steady);

  const PatientOverview& b = rows[1];
  CHECK(b.flare_up);
  CHECK_FALSE(b.plateau);
  REQUIRE(b.stage);
  CHECK(*b.stage == 0);  // three sessions met stage 1 -> stage 2; the flare-up steps back to 1
  CHECK(b.stage_count == 4);
  CHECK(b.last_session == kAsOf - days{2});
  CHECK(b.sessions_last_7_days == 2);
  CHECK(b.latest_pre_tension == 6.0);

  const PatientOverview& c = rows[2];
  CHECK_FALSE(c.flagged());  // the flare-up 25 days ago lapsed after 7 days
  CHECK(c.last_session == kAsOf - days{4});
  CHECK(c.sessions_last_7_days == 1);  // 4 days ago; 7 days ago is outside (now - 7 days, now]
  CHECK(c.latest_pre_tension == 3.0);
  REQUIRE(c.pre_tension_trend);
  CHECK(c.pre_tension_trend->slope < 0.0);
  CHECK(direction_of(*c.pre_tension_trend) == TrendDirection::falling);

  const PatientOverview& d = rows[3];
  CHECK_THAT(d.problem, Catch::Contains("damaged"));
  CHECK(d.display_name == "Dee New");
  CHECK_FALSE(d.flagged());

  // The list agrees with the per-patient assessment `respira progress` prints.
  for (const PatientOverview& row : {a, b, c}) {
    const PatientProgress p = load_patient_progress(location, row.patient_id, kAsOf);
    CHECK(row.flagged() == any_flag_active(p));
    CHECK(row.sessions_last_7_days == sessions_in_last_week(p.history, p.as_of));
  }
}

TEST_CASE("a stopped patient-list load returns without reading every patient", "[progress][overview]") {
  TempDir dir;
  const StoreLocation location{StoreLocation::Kind::sqlite, (dir.path() / "clinic.db").string()};
  { open_repository(location)->add_patient("Someone", ""); }
  std::stop_source stop;
  stop.request_stop();
  CHECK(load_clinic_overview(location, kAsOf, stop.get_token()).empty());
  CHECK(load_clinic_overview(location, kAsOf).size() == 1);
}

TEST_CASE("a trend reads falling or rising only when its interval excludes 0", "[progress][overview]") {
  RobustTrend t;
  t.slope = -0.5;
  t.slope_low = -0.9;
  t.slope_high = -0.1;
  CHECK(direction_of(t) == TrendDirection::falling);
  t.slope_high = 0.0;
  CHECK(direction_of(t) == TrendDirection::steady);
  t = {};
  t.slope = 0.4;
  t.slope_low = 0.2;
  t.slope_high = 0.7;
  CHECK(direction_of(t) == TrendDirection::rising);
}
