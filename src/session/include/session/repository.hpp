#pragma once
// One storage interface for the whole clinical record, with two backends behind it:
// SQLite (a single file, the default for a home user) and PostgreSQL (a clinic of several
// workstations). Both run the same SQL through prepared statements and the same
// versioned migrations, so behaviour cannot drift between them.
//
// Recording writes in small batches (append_batch, one transaction each) so a process
// killed mid-session loses at most the current batch and leaves a consistent database.
// A session whose recorder died stays 'recording' in the row; close_abandoned_sessions()
// (run whenever a store is opened) turns it into 'interrupted' with metrics from what was
// stored.

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "session/domain.hpp"

namespace respira::session {

// Every storage failure, with a message fit for the user (names the database and the problem).
class StoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// What a batch of recording adds to a session.
struct SampleBatch {
  std::vector<Breath> breaths;           // complete breaths, in order
  std::vector<WaveformChunk> waveform;   // continuous runs
  std::vector<Gap> gaps;
  double duration_s = 0.0;               // signal time covered so far
  std::optional<double> signal_quality;  // running mean so far
};

struct ImportSummary {
  int patients_added = 0;
  int patients_present = 0;
  int sessions_added = 0;
  int sessions_present = 0;
};

class Repository {
 public:
  virtual ~Repository() = default;

  virtual std::string describe() const = 0;  // "SQLite /path/respira.db" or "PostgreSQL host/db"
  // For a read on a worker thread that is no longer wanted: the running statement throws
  // StoreError now instead of waiting out a lock. Safe from any thread.
  virtual void interrupt() noexcept = 0;
  virtual int schema_version() = 0;

  virtual Patient add_patient(const std::string& display_name, const std::string& notes) = 0;
  virtual std::vector<Patient> list_patients() = 0;
  virtual std::optional<Patient> find_patient(const std::string& id) = 0;

  // Inserts the session with status 'recording' and marks this process as its recorder.
  virtual void begin_session(const Session& session) = 0;
  virtual void append_batch(const std::string& session_id, const SampleBatch& batch) = 0;
  // Stores the final status, end time, metrics and ratings.
  virtual void finish_session(const Session& session) = 0;

  virtual std::vector<Session> list_sessions(const std::optional<std::string>& patient_id) = 0;
  virtual std::optional<Session> find_session(const std::string& id) = 0;
  virtual std::optional<SessionData> load_session(const std::string& id) = 0;

  // Returns the number of sessions changed from 'recording' to 'interrupted'.
  virtual int close_abandoned_sessions() = 0;

  // All or nothing: one transaction. Records already present (same id) are left alone.
  virtual ImportSummary import_records(const std::vector<Patient>& patients,
                                       const std::vector<SessionData>& sessions) = 0;
};

// Where the store lives: --db PATH (a file, or a postgresql:// URL), else
// RESPIRA_DATABASE_URL, else `database_url` in $XDG_CONFIG_HOME/respira/respira.conf,
// else SQLite at $XDG_DATA_HOME/respira/respira.db (~/.local/share when unset).
struct StoreLocation {
  enum class Kind { sqlite, postgresql } kind = Kind::sqlite;
  std::string target;  // file path or connection URL
};
StoreLocation resolve_store_location(const std::optional<std::string>& db_option);

// Opens (creating and migrating as needed) and closes abandoned sessions. Throws StoreError.
std::unique_ptr<Repository> open_repository(const StoreLocation& location);
std::unique_ptr<Repository> open_sqlite_repository(const std::string& path);
std::unique_ptr<Repository> open_postgres_repository(const std::string& url);

// The newest schema this build knows.
int latest_schema_version();

}  // namespace respira::session
