// Programme documents round-trip exactly, bad documents are refused with a reason, and the
// store keeps every version beside the patient's sessions in the real SQLite file.
#include <sqlite3.h>

#include <catch2/catch.hpp>

#include <filesystem>
#include <random>
#include <stdexcept>

#include "session/programme_store.hpp"
#include "session/repository.hpp"

namespace fs = std::filesystem;
using namespace respira::session;

namespace {

Programme sample_programme() {
  Programme p = default_programme(13.2);
  p.rule.sessions_to_advance = 4;
  p.rule.min_adherence = 0.65;
  p.rule.step_back_on_flare_up = false;
  p.start_stage = 1;
  p.starts = std::chrono::sys_seconds{std::chrono::sys_days{std::chrono::year{2026} / 2 / 3}} + std::chrono::hours{9};
  return p;
}

void sqlite_exec(const fs::path& db, const std::string& sql) {
  sqlite3* handle = nullptr;
  REQUIRE(sqlite3_open(db.c_str(), &handle) == SQLITE_OK);
  char* error = nullptr;
  const int rc = sqlite3_exec(handle, sql.c_str(), nullptr, nullptr, &error);
  const std::string message = error ? error : "";
  sqlite3_free(error);
  sqlite3_close(handle);
  INFO(message);
  REQUIRE(rc == SQLITE_OK);
}

// Turns a fresh store back into what releases before migration 2 left: schema version 1 (no
// guide rate per breath), and (when stored) the programme table those releases created at
// run time, holding one row.
void make_version_1_store(const fs::path& db, const std::string& patient_id, const Programme* stored) {
  sqlite_exec(db, "DELETE FROM respira_schema WHERE version > 1; DROP TABLE clinical_programmes; "
                  "ALTER TABLE breaths DROP COLUMN guide_rate_bpm;");
  if (stored == nullptr) return;
  // The statement the old programme store ran on every open, verbatim.
  sqlite_exec(db, R"SQL(
CREATE TABLE IF NOT EXISTS clinical_programmes (
  patient_id TEXT NOT NULL REFERENCES patients(id),
  version BIGINT NOT NULL,
  set_at TEXT NOT NULL,
  programme TEXT NOT NULL,
  PRIMARY KEY (patient_id, version)
))SQL");
  std::string document = programme_to_json(*stored);
  for (std::size_t at = document.find('\''); at != std::string::npos; at = document.find('\'', at + 2))
    document.insert(at, 1, '\'');
  sqlite_exec(db, "INSERT INTO clinical_programmes (patient_id, version, set_at, programme) VALUES ('" +
                      patient_id + "', 1, '2026-02-03T09:00:00Z', '" + document + "');");
}

std::string message_of(std::string_view text) {
  try {
    programme_from_json(text);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "accepted";
}

}  // namespace

TEST_CASE("a programme survives its JSON form unchanged", "[programme][store]") {
  const Programme p = sample_programme();
  CHECK(programme_from_json(programme_to_json(p)) == p);
  Programme no_baseline = p;
  no_baseline.baseline_rate_bpm.reset();
  CHECK(programme_from_json(programme_to_json(no_baseline)) == no_baseline);
}

TEST_CASE("a damaged programme document is refused with the reason", "[programme][store]") {
  CHECK(message_of("[1,2]") == "programme is not a JSON object");
  CHECK(message_of("{\"stages\": 3}") == "programme: \"stages\" must be an array");
  std::string text = programme_to_json(sample_programme());
  const std::string minutes = "\"minutes\":5.0";
  REQUIRE(text.find(minutes) != std::string::npos);
  CHECK(message_of(std::string(text).replace(text.find(minutes), minutes.size(), "\"minutes\":\"five\"")) ==
        "programme stage 1: \"minutes\" has the wrong type");
  const std::string start = "\"start_stage\":2";
  REQUIRE(text.find(start) != std::string::npos);
  CHECK(message_of(std::string(text).replace(text.find(start), start.size(), "\"start_stage\":9")) ==
        "programme: start stage 9 does not exist");
  CHECK(message_of(std::string(text).replace(text.find(start), start.size(), "\"start_stage\":0")) ==
        "programme: stages are numbered from 1");
}

TEST_CASE("the store keeps every version and serves the newest", "[programme][store]") {
  const fs::path dir = fs::temp_directory_path() / ("respira-programme-" + std::to_string(std::random_device{}()));
  const StoreLocation location{StoreLocation::Kind::sqlite, (dir / "respira.db").string()};
  {
    const auto repo = open_repository(location);
    const Patient patient = repo->add_patient("Programme patient", "");
    const auto store = open_programme_store(location);
    CHECK_FALSE(store->load(patient.id));
    CHECK(store->version_count(patient.id) == 0);

    const Programme first = default_programme(15.0);
    store->save(patient.id, first);
    const Programme second = sample_programme();
    store->save(patient.id, second);
    CHECK(store->version_count(patient.id) == 2);
    CHECK(store->load(patient.id) == second);
    // A second process opening the same file sees the same programme.
    CHECK(open_programme_store(location)->load(patient.id) == second);

    CHECK_THROWS_WITH(store->save("P-NOBODY00", first), Catch::Contains("no patient P-NOBODY00"));
    CHECK(store->version_count("P-NOBODY00") == 0);
  }
  fs::remove_all(dir);
}

TEST_CASE("a version 1 store keeps the programmes the old code stored and moves to the latest version",
          "[programme][store][migration]") {
  const fs::path dir = fs::temp_directory_path() / ("respira-programme-v1-" + std::to_string(std::random_device{}()));
  const fs::path db = dir / "respira.db";
  const StoreLocation location{StoreLocation::Kind::sqlite, db.string()};
  const Programme old_programme = sample_programme();
  std::string kept, empty;
  {
    const auto repo = open_repository(location);
    REQUIRE(latest_schema_version() == 3);
    REQUIRE(repo->schema_version() == 3);
    kept = repo->add_patient("Set up before migration 2", "").id;
    empty = repo->add_patient("No programme yet", "").id;
  }
  make_version_1_store(db, kept, &old_programme);
  {
    const auto repo = open_repository(location);  // migrates 1 -> 3
    CHECK(repo->schema_version() == 3);
    const auto store = open_programme_store(location);
    CHECK(store->version_count(kept) == 1);
    CHECK(store->load(kept) == old_programme);
    CHECK_FALSE(store->load(empty));
    // The old row and a new one live side by side; the newest is in force.
    const Programme next = default_programme(15.0);
    store->save(kept, next);
    CHECK(store->version_count(kept) == 2);
    CHECK(store->load(kept) == next);
  }
  // A version 1 store whose programme table was never created gets it from the migration.
  make_version_1_store(db, kept, nullptr);
  {
    const auto store = open_programme_store(location);
    CHECK(open_repository(location)->schema_version() == 3);
    CHECK(store->version_count(kept) == 0);
    store->save(empty, default_programme(12.0));
    CHECK(store->version_count(empty) == 1);
  }
  fs::remove_all(dir);
}
