#pragma once
// The behaviour every Repository backend must show, run against SQLite files here and
// against a real PostgreSQL 15 server by tests/e2e/test_session_postgres.sh.

#include <catch2/catch.hpp>

#include "session/repository.hpp"
#include "session_test_support.hpp"

namespace respira::session::testing {

inline void require_same(const SessionData& a, const SessionData& b) {
  const Session& x = a.session;
  const Session& y = b.session;
  CHECK(x.id == y.id);
  CHECK(x.patient_id == y.patient_id);
  CHECK(x.started_at == y.started_at);
  CHECK(x.ended_at == y.ended_at);
  CHECK(x.place == y.place);
  CHECK(x.status == y.status);
  CHECK(x.source_kind == y.source_kind);
  CHECK(x.source_spec == y.source_spec);
  CHECK(x.pacer.rate_bpm == y.pacer.rate_bpm);
  CHECK(x.pacer.ie_ratio == y.pacer.ie_ratio);  // exact: doubles must survive storage bit for bit
  CHECK(x.pacer.programme_step == y.pacer.programme_step);
  CHECK(x.planned_duration_s == y.planned_duration_s);
  CHECK(x.duration_s == y.duration_s);
  CHECK(x.metrics.median_rate_bpm == y.metrics.median_rate_bpm);
  CHECK(x.metrics.ie_ratio == y.metrics.ie_ratio);
  CHECK(x.metrics.adherence == y.metrics.adherence);
  CHECK(x.metrics.time_in_target == y.metrics.time_in_target);
  CHECK(x.metrics.signal_quality == y.metrics.signal_quality);
  CHECK(x.metrics.breath_count == y.metrics.breath_count);
  CHECK(x.pre_tension == y.pre_tension);
  CHECK(x.post_tension == y.post_tension);
  CHECK(x.notes == y.notes);
  CHECK(x.flare_up == y.flare_up);
  REQUIRE(x.regions.size() == y.regions.size());
  for (std::size_t i = 0; i < x.regions.size(); ++i) {
    CHECK(x.regions[i].region == y.regions[i].region);
    CHECK(x.regions[i].before == y.regions[i].before);
    CHECK(x.regions[i].after == y.regions[i].after);
  }
  REQUIRE(a.breaths.size() == b.breaths.size());
  for (std::size_t i = 0; i < a.breaths.size(); ++i) {
    CHECK(a.breaths[i].start_s == b.breaths[i].start_s);
    CHECK(a.breaths[i].exhale_start_s == b.breaths[i].exhale_start_s);
    CHECK(a.breaths[i].end_s == b.breaths[i].end_s);
    CHECK(a.breaths[i].depth == b.breaths[i].depth);
    CHECK((std::isnan(a.breaths[i].guide_rate_bpm) ? std::isnan(b.breaths[i].guide_rate_bpm)
                                                   : a.breaths[i].guide_rate_bpm == b.breaths[i].guide_rate_bpm));
  }
  REQUIRE(a.waveform.size() == b.waveform.size());
  for (std::size_t i = 0; i < a.waveform.size(); ++i) {
    CHECK(a.waveform[i].start_s == b.waveform[i].start_s);
    CHECK(a.waveform[i].rate_hz == b.waveform[i].rate_hz);
    CHECK(a.waveform[i].values == b.waveform[i].values);
  }
  REQUIRE(a.gaps.size() == b.gaps.size());
  for (std::size_t i = 0; i < a.gaps.size(); ++i) {
    CHECK(a.gaps[i].start_s == b.gaps[i].start_s);
    CHECK(a.gaps[i].duration_s == b.gaps[i].duration_s);
  }
}

// `open` returns a fresh connection to the same (initially empty) store each call.
template <typename Open>
void check_repository_contract(Open open) {
  auto repo = open();
  REQUIRE(repo->schema_version() == latest_schema_version());
  REQUIRE(repo->list_patients().empty());

  // Hostile strings are stored and returned verbatim: every value goes through a bound
  // parameter, never into the SQL text.
  std::vector<Patient> added;
  for (const auto& text : hostile_strings()) added.push_back(repo->add_patient(text, text + " notes"));
  auto listed = repo->list_patients();
  REQUIRE(listed.size() == hostile_strings().size());
  for (const Patient& p : added) {
    REQUIRE(p.id.size() == 10);
    const auto found = repo->find_patient(p.id);
    REQUIRE(found);
    CHECK(found->display_name == p.display_name);
    CHECK(found->notes == p.notes);
    CHECK(found->created_at == p.created_at);
  }
  CHECK_FALSE(repo->find_patient("P-NOTTHERE"));
  CHECK_FALSE(repo->find_patient("' OR '1'='1"));

  // Recording in batches, then finishing, gives back exactly what was written.
  const std::string patient = added.front().id;
  SessionData expected = make_session("S-CONTRACT0001", patient);
  expected.session.notes = hostile_strings()[1];
  Session start = expected.session;
  start.status = SessionStatus::recording;
  start.ended_at.clear();
  start.metrics = {};
  start.post_tension.reset();
  repo->begin_session(start);
  {
    const auto during = repo->find_session(start.id);
    REQUIRE(during);
    CHECK(during->status == SessionStatus::recording);
  }
  // Three batches: breaths split, waveform runs split across batches, the gap in the middle.
  const auto& breaths = expected.breaths;
  const auto& wf = expected.waveform;
  SampleBatch b1, b2, b3;
  b1.breaths.assign(breaths.begin(), breaths.begin() + 4);
  b2.breaths.assign(breaths.begin() + 4, breaths.begin() + 9);
  b3.breaths.assign(breaths.begin() + 9, breaths.end());
  const std::size_t half = wf[0].values.size() / 2;
  b1.waveform.push_back({wf[0].start_s, 25.0, {wf[0].values.begin(), wf[0].values.begin() + static_cast<long>(half)}});
  b2.waveform.push_back({wf[0].start_s + static_cast<double>(half) / 25.0, 25.0,
                         {wf[0].values.begin() + static_cast<long>(half), wf[0].values.end()}});
  b2.gaps = expected.gaps;
  b3.waveform.push_back(wf[1]);
  b1.duration_s = 30.0;
  b2.duration_s = 70.0;
  b3.duration_s = expected.session.duration_s;
  b3.signal_quality = 0.5;
  repo->append_batch(start.id, b1);
  repo->append_batch(start.id, b2);
  repo->append_batch(start.id, b3);
  repo->finish_session(expected.session);

  auto reopened = open();  // a second connection sees the committed data
  auto loaded = reopened->load_session(expected.session.id);
  REQUIRE(loaded);
  require_same(*loaded, expected);
  REQUIRE(reopened->list_sessions(patient).size() == 1);
  REQUIRE(reopened->list_sessions(added[1].id).empty());
  REQUIRE(reopened->list_sessions(std::nullopt).size() == 1);
  CHECK_FALSE(reopened->load_session("S-MISSING"));

  // Import: all or nothing, idempotent.
  SessionData other = make_session("S-IMPORTED0001", "P-IMPORTED", 6);
  Patient imported_patient{"P-IMPORTED", "Imported", "", "2026-01-01T00:00:00.000Z"};
  SessionData orphan = make_session("S-ORPHAN000001", "P-NOBODY", 3);
  CHECK_THROWS_AS(reopened->import_records({imported_patient}, {other, orphan}), StoreError);
  CHECK_FALSE(reopened->find_patient("P-IMPORTED"));  // rolled back with the failing session
  CHECK_FALSE(reopened->find_session("S-IMPORTED0001"));
  const auto summary = reopened->import_records({imported_patient}, {other});
  CHECK(summary.patients_added == 1);
  CHECK(summary.sessions_added == 1);
  const auto again = reopened->import_records({imported_patient}, {other});
  CHECK(again.patients_present == 1);
  CHECK(again.sessions_present == 1);
  CHECK(again.sessions_added == 0);
  require_same(*reopened->load_session("S-IMPORTED0001"), other);
}

}  // namespace respira::session::testing
