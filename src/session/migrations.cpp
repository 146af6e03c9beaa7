#include "migrations.hpp"

#include <string>
#include <vector>

#include "session/repository.hpp"
#include "session/time_text.hpp"

namespace respira::session::sql {
namespace {

struct Migration {
  int version;
  const char* why;
  const char* script;  // {blob} is the dialect's binary type
};

// Append only: a released migration is never edited.
const std::vector<Migration>& migrations() {
  static const std::vector<Migration> kMigrations = {
      {1, "patients, sessions, ratings, breaths, waveform, gaps", R"SQL(
CREATE TABLE patients (
  id TEXT PRIMARY KEY,
  display_name TEXT NOT NULL,
  notes TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL
);
CREATE TABLE sessions (
  id TEXT PRIMARY KEY,
  patient_id TEXT NOT NULL REFERENCES patients(id),
  started_at TEXT NOT NULL,
  ended_at TEXT NOT NULL DEFAULT '',
  place TEXT NOT NULL CHECK (place IN ('home', 'clinic')),
  source_kind TEXT NOT NULL,
  source_spec TEXT NOT NULL,
  pacer_rate_bpm DOUBLE PRECISION,
  pacer_ie_ratio DOUBLE PRECISION,
  programme_step TEXT NOT NULL DEFAULT '',
  planned_duration_s DOUBLE PRECISION NOT NULL,
  duration_s DOUBLE PRECISION NOT NULL DEFAULT 0,
  median_rate_bpm DOUBLE PRECISION,
  ie_ratio DOUBLE PRECISION,
  adherence DOUBLE PRECISION,
  time_in_target DOUBLE PRECISION,
  signal_quality DOUBLE PRECISION,
  breath_count BIGINT NOT NULL DEFAULT 0,
  status TEXT NOT NULL CHECK (status IN ('recording', 'completed', 'interrupted')),
  pre_tension INTEGER CHECK (pre_tension BETWEEN 0 AND 10),
  post_tension INTEGER CHECK (post_tension BETWEEN 0 AND 10),
  notes TEXT NOT NULL DEFAULT '',
  flare_up INTEGER NOT NULL DEFAULT 0 CHECK (flare_up IN (0, 1)),
  recorder_host TEXT NOT NULL DEFAULT '',
  recorder_pid BIGINT NOT NULL DEFAULT 0,
  heartbeat_unix DOUBLE PRECISION NOT NULL DEFAULT 0
);
CREATE INDEX sessions_by_patient ON sessions (patient_id, started_at);
CREATE INDEX sessions_by_status ON sessions (status);
CREATE TABLE region_ratings (
  session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  region TEXT NOT NULL,
  before_value INTEGER CHECK (before_value BETWEEN 0 AND 10),
  after_value INTEGER CHECK (after_value BETWEEN 0 AND 10),
  PRIMARY KEY (session_id, region)
);
CREATE TABLE breaths (
  session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  idx BIGINT NOT NULL,
  start_s DOUBLE PRECISION NOT NULL,
  exhale_start_s DOUBLE PRECISION NOT NULL,
  end_s DOUBLE PRECISION NOT NULL,
  inhale_s DOUBLE PRECISION NOT NULL,
  exhale_s DOUBLE PRECISION NOT NULL,
  depth DOUBLE PRECISION,
  PRIMARY KEY (session_id, idx)
);
CREATE TABLE waveform_chunks (
  session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  seq BIGINT NOT NULL,
  start_s DOUBLE PRECISION NOT NULL,
  rate_hz DOUBLE PRECISION NOT NULL,
  sample_count BIGINT NOT NULL,
  samples {blob} NOT NULL,
  PRIMARY KEY (session_id, seq)
);
CREATE TABLE gaps (
  session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  start_s DOUBLE PRECISION NOT NULL,
  duration_s DOUBLE PRECISION NOT NULL,
  PRIMARY KEY (session_id, start_s)
);
)SQL"},
      // IF NOT EXISTS: releases before this migration created the table at run time, and
      // those stores (at version 1) keep their programmes.
      {2, "clinical programmes, one JSON document per version", R"SQL(
CREATE TABLE IF NOT EXISTS clinical_programmes (
  patient_id TEXT NOT NULL REFERENCES patients(id),
  version BIGINT NOT NULL,
  set_at TEXT NOT NULL,
  programme TEXT NOT NULL,
  PRIMARY KEY (patient_id, version)
);
)SQL"},
      // Breaths stored before this migration have none (NULL): they are scored against the
      // session's pacer rate, as they were when recorded.
      {3, "the guide's rate at each breath", R"SQL(
ALTER TABLE breaths ADD COLUMN guide_rate_bpm DOUBLE PRECISION;
)SQL"},
  };
  return kMigrations;
}

std::string for_dialect(std::string script, Dialect dialect) {
  const std::string placeholder = "{blob}";
  const std::string type = dialect == Dialect::sqlite ? "BLOB" : "BYTEA";
  for (std::size_t at = script.find(placeholder); at != std::string::npos; at = script.find(placeholder, at))
    script.replace(at, placeholder.size(), type);
  return script;
}

}  // namespace

int latest_version() { return migrations().back().version; }

int current_schema_version(Connection& connection) {
  const auto rows = connection.run("SELECT COALESCE(MAX(version), 0) FROM respira_schema", {});
  return rows.empty() ? 0 : static_cast<int>(rows.front().integer(0));
}

// Asked before creating anything, so a clinician role without CREATE rights can open a
// database its owner has already migrated.
bool has_schema_table(Connection& connection) {
  const auto rows = connection.dialect() == Dialect::sqlite
      ? connection.run("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'respira_schema'", {})
      : connection.run("SELECT COUNT(*) FROM pg_catalog.pg_tables WHERE tablename = 'respira_schema' "
                       "AND schemaname = current_schema()", {});
  return rows.front().integer(0) > 0;
}

int migrate(Connection& connection) {
  if (!has_schema_table(connection))
    connection.run_script(
        "CREATE TABLE IF NOT EXISTS respira_schema (version INTEGER PRIMARY KEY, description TEXT NOT NULL, "
        "applied_at TEXT NOT NULL)");
  const int latest = latest_version();
  int version = current_schema_version(connection);
  if (version > latest) {
    throw StoreError(connection.describe() + " has schema version " + std::to_string(version) +
                     ", newer than this Respira understands (" + std::to_string(latest) +
                     "); upgrade Respira. Nothing was changed");
  }
  for (const Migration& migration : migrations()) {
    if (migration.version <= version) continue;
    Transaction transaction(connection);
    if (connection.dialect() == Dialect::postgresql)  // one migrating workstation at a time
      connection.run_script("LOCK TABLE respira_schema IN EXCLUSIVE MODE");
    if (current_schema_version(connection) >= migration.version) continue;  // another one did it
    try {
      connection.run_script(for_dialect(migration.script, connection.dialect()));
    } catch (const StoreError& e) {
      // A clinic's clinician roles may not alter the schema: say who can. The server's
      // reason is kept to its first line (the rest quotes the migration's SQL).
      const bool server = connection.dialect() == Dialect::postgresql;
      const std::string reason(e.what());
      throw StoreError(reason.substr(0, reason.find('\n')) + ". Upgrading the schema to version " +
                       std::to_string(migration.version) + " (" + migration.why + ") failed and was undone" +
                       (server ? "; run Respira once as the database owner role (docs/storage.md)" : ""));
    }
    connection.run("INSERT INTO respira_schema (version, description, applied_at) VALUES (?, ?, ?)",
                   {std::int64_t{migration.version}, std::string(migration.why), utc_now_iso()});
    transaction.commit();
    version = migration.version;
  }
  return version;
}

}  // namespace respira::session::sql
