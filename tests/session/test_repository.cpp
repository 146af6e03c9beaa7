// Repository on real SQLite files (and, when the e2e script provides one, a real
// PostgreSQL server): migrations, permissions, round trips, hostile strings, crash
// recovery, locked and newer-schema databases.

#include <signal.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <memory>
#include <thread>

#include "repository_contract.hpp"
#include "session/repository.hpp"
#include "session_test_support.hpp"

using namespace respira::session;
using namespace respira::session::testing;

namespace {

unsigned mode_of(const std::filesystem::path& p) {
  struct stat st {};
  REQUIRE(::stat(p.c_str(), &st) == 0);
  return st.st_mode & 0777;
}

std::string file_bytes(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

void sqlite_exec(const std::filesystem::path& db, const char* sql) {
  sqlite3* handle = nullptr;
  REQUIRE(sqlite3_open(db.c_str(), &handle) == SQLITE_OK);
  REQUIRE(sqlite3_exec(handle, sql, nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(handle);
}

}  // namespace

TEST_CASE("SQLite repository keeps the contract", "[session][repository]") {
  TempDir dir;
  const auto path = dir.path() / "store.db";
  check_repository_contract([&] { return open_sqlite_repository(path.string()); });
}

TEST_CASE("PostgreSQL repository keeps the contract", "[.][postgres]") {
  const char* url = std::getenv("RESPIRA_TEST_POSTGRES_URL");
  REQUIRE(url != nullptr);  // set by tests/e2e/test_session_postgres.sh
  check_repository_contract([&] { return open_postgres_repository(url); });
}

TEST_CASE("new database: directory 0700, files 0600, WAL, current schema", "[session][repository]") {
  TempDir dir;
  const auto path = dir.path() / "nested" / "respira" / "respira.db";
  {
    auto repo = open_sqlite_repository(path.string());
    repo->add_patient("A", "");
    CHECK(repo->schema_version() == latest_schema_version());
    CHECK(mode_of(path.parent_path()) == 0700);
    CHECK(mode_of(path.parent_path().parent_path()) == 0700);
    CHECK(mode_of(path) == 0600);
    const auto wal = path.string() + "-wal";
    REQUIRE(std::filesystem::exists(wal));  // WAL journal in use while open
    CHECK(mode_of(wal) == 0600);
  }
  // Reopening migrates nothing twice.
  auto again = open_sqlite_repository(path.string());
  CHECK(again->schema_version() == latest_schema_version());
  CHECK(again->list_patients().size() == 1);
}

TEST_CASE("default location follows XDG_DATA_HOME and --db overrides", "[session][repository]") {
  ::setenv("XDG_DATA_HOME", "/tmp/xdg-test-data", 1);
  ::unsetenv("RESPIRA_DATABASE_URL");
  ::setenv("XDG_CONFIG_HOME", "/tmp/xdg-test-config-absent", 1);
  auto where = resolve_store_location(std::nullopt);
  CHECK(where.kind == StoreLocation::Kind::sqlite);
  CHECK(where.target == "/tmp/xdg-test-data/respira/respira.db");
  ::setenv("RESPIRA_DATABASE_URL", "postgresql://clinician@db.example/respira?sslmode=verify-full", 1);
  where = resolve_store_location(std::nullopt);
  CHECK(where.kind == StoreLocation::Kind::postgresql);
  where = resolve_store_location(std::string("/tmp/x.db"));
  CHECK(where.kind == StoreLocation::Kind::sqlite);
  CHECK(where.target == "/tmp/x.db");
  ::setenv("RESPIRA_DATABASE_URL", "mysql://nope", 1);
  CHECK_THROWS_AS(resolve_store_location(std::nullopt), StoreError);
  ::unsetenv("RESPIRA_DATABASE_URL");
  ::unsetenv("XDG_DATA_HOME");
  ::unsetenv("XDG_CONFIG_HOME");
}

TEST_CASE("a database from a newer Respira is refused and left untouched", "[session][repository]") {
  TempDir dir;
  const auto path = dir.path() / "future.db";
  { open_sqlite_repository(path.string())->add_patient("Kept", ""); }
  sqlite_exec(path, "INSERT INTO respira_schema (version, description, applied_at) VALUES (99, 'future', 'x');"
                    "PRAGMA wal_checkpoint(TRUNCATE);");
  const std::string before = file_bytes(path);
  try {
    open_sqlite_repository(path.string());
    FAIL("opening a newer schema must throw");
  } catch (const StoreError& e) {
    const std::string message = e.what();
    CHECK_THAT(message, Catch::Contains("schema version 99"));
    CHECK_THAT(message, Catch::Contains("upgrade Respira"));
  }
  CHECK(file_bytes(path) == before);
}

namespace {

// A store with one patient, "Before lock", that another connection holds an exclusive lock on.
struct LockedStore {
  explicit LockedStore(const std::filesystem::path& file) : path(file), repo(open_sqlite_repository(file.string())) {
    repo->add_patient("Before lock", "");
    REQUIRE(sqlite3_open(path.c_str(), &other) == SQLITE_OK);
    REQUIRE(sqlite3_exec(other, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr) == SQLITE_OK);
  }
  ~LockedStore() { sqlite3_close(other); }
  // Ends the other connection's transaction; the store must hold exactly what it held before.
  void release_and_check_nothing_changed() {
    sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr);
    const auto patients = repo->list_patients();
    REQUIRE(patients.size() == 1);
    CHECK(patients.front().display_name == "Before lock");
  }
  std::filesystem::path path;
  std::unique_ptr<Repository> repo;
  sqlite3* other = nullptr;
};

}  // namespace

TEST_CASE("a locked database gives one clear error and loses nothing", "[session][repository]") {
  TempDir dir;
  const auto path = dir.path() / "locked.db";
  LockedStore store(path);
  const auto start = std::chrono::steady_clock::now();
  try {
    store.repo->add_patient("During lock", "");
    FAIL("writing to a locked database must throw");
  } catch (const StoreError& e) {
    CHECK_THAT(std::string(e.what()), Catch::Contains("locked"));
  }
  CHECK(std::chrono::steady_clock::now() - start >= std::chrono::milliseconds(1500));  // waited first
  store.release_and_check_nothing_changed();
  sqlite3* check = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &check) == SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  REQUIRE(sqlite3_prepare_v2(check, "PRAGMA integrity_check", -1, &stmt, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(stmt) == SQLITE_ROW);
  CHECK(std::string(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0))) == "ok");
  sqlite3_finalize(stmt);
  sqlite3_close(check);
}

TEST_CASE("a file that is not a database is reported, not overwritten", "[session][repository]") {
  TempDir dir;
  const auto path = dir.path() / "notes.txt";
  std::ofstream(path) << "these are my notes, not a database\n";
  const std::string before = file_bytes(path);
  CHECK_THROWS_WITH(open_sqlite_repository(path.string()), Catch::Contains("not a Respira database"));
  CHECK(file_bytes(path) == before);
}

TEST_CASE("a session whose recorder was killed is closed as interrupted with its data", "[session][repository]") {
  TempDir dir;
  const auto path = dir.path() / "crash.db";
  const std::string patient = open_sqlite_repository(path.string())->add_patient("Crash", "").id;
  SessionData full = make_session("S-KILLED000001", patient, 8);
  // An adaptive guide: it started at 12/min and came down to the breather's 6/min at the
  // third breath.
  full.session.pacer.rate_bpm = 12.0;
  for (std::size_t i = 0; i < full.breaths.size(); ++i) full.breaths[i].guide_rate_bpm = i < 2 ? 12.0 : 6.0;

  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {  // the recorder: starts, writes two batches, then dies without finishing
    auto repo = open_sqlite_repository(path.string());
    Session s = full.session;
    s.status = SessionStatus::recording;
    s.metrics = {};
    repo->begin_session(s);
    SampleBatch batch;
    batch.breaths.assign(full.breaths.begin(), full.breaths.begin() + 5);
    batch.waveform.push_back(full.waveform.front());
    batch.duration_s = full.waveform.front().end_s();
    repo->append_batch(s.id, batch);
    ::kill(::getpid(), SIGKILL);
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  REQUIRE(WIFSIGNALED(status));

  auto repo = open_sqlite_repository(path.string());  // opening closes abandoned sessions
  const auto data = repo->load_session("S-KILLED000001");
  REQUIRE(data);
  CHECK(data->session.status == SessionStatus::interrupted);
  CHECK(data->breaths.size() == 5);
  CHECK(data->waveform_sample_count() == full.waveform.front().values.size());
  CHECK(data->session.metrics.breath_count == 5);
  REQUIRE(data->session.metrics.median_rate_bpm);
  CHECK(*data->session.metrics.median_rate_bpm == Approx(6.0));
  // Time in target against the guide each breath saw: 3 of 5 equal breaths; against the
  // 12/min it started at, none.
  REQUIRE(data->session.metrics.time_in_target);
  CHECK(*data->session.metrics.time_in_target == Approx(0.6));
  CHECK(data->session.ended_at == "2026-03-02T09:15:40.250Z");  // start + 40 s stored
  CHECK(repo->close_abandoned_sessions() == 0);
}

TEST_CASE("a version 2 store gains the guide rate per breath and keeps its breaths", "[session][repository][migration]") {
  TempDir dir;
  const auto path = dir.path() / "v2.db";
  SessionData stored;
  {
    auto repo = open_sqlite_repository(path.string());
    stored = make_session("S-BEFOREGUIDE1", repo->add_patient("Old store", "").id, 6);
    repo->import_records({}, {stored});
  }
  sqlite_exec(path, "DELETE FROM respira_schema WHERE version > 2; ALTER TABLE breaths DROP COLUMN guide_rate_bpm;");
  auto repo = open_sqlite_repository(path.string());  // migrates 2 -> 3
  CHECK(repo->schema_version() == latest_schema_version());
  const auto data = repo->load_session("S-BEFOREGUIDE1");
  REQUIRE(data);
  REQUIRE(data->breaths.size() == stored.breaths.size());
  for (std::size_t i = 0; i < data->breaths.size(); ++i) {
    CHECK(data->breaths[i].end_s == stored.breaths[i].end_s);
    CHECK(std::isnan(data->breaths[i].guide_rate_bpm));  // not known then: the pacer rate stands
  }
  CHECK(data->session.metrics.time_in_target == stored.session.metrics.time_in_target);
}

TEST_CASE("a live recorder's session is not closed by another process", "[session][repository]") {
  TempDir dir;
  const auto path = dir.path() / "live.db";
  auto recorder = open_sqlite_repository(path.string());
  const std::string patient = recorder->add_patient("Live", "").id;
  Session s = make_session("S-LIVE00000001", patient).session;
  s.status = SessionStatus::recording;
  recorder->begin_session(s);
  auto viewer = open_sqlite_repository(path.string());  // this process is alive: still recording
  CHECK(viewer->find_session(s.id)->status == SessionStatus::recording);
}

TEST_CASE("interrupt() ends a statement waiting on a lock at once and loses nothing", "[session][repository]") {
  TempDir dir;
  LockedStore store(dir.path() / "interrupted.db");
  const auto start = std::chrono::steady_clock::now();
  std::jthread interrupter([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    store.repo->interrupt();
  });
  CHECK_THROWS_AS(store.repo->add_patient("During lock", ""), StoreError);
  const auto waited = std::chrono::steady_clock::now() - start;
  interrupter.join();
  CHECK(waited < std::chrono::milliseconds(1500));  // the busy timeout alone waits 2 s
  store.release_and_check_nothing_changed();
}
