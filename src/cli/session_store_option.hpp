#pragma once
// The `--db PATH` option every record-keeping command takes, and opening the store it
// names with storage errors turned into one user-facing message.

#include <csignal>
#include <memory>
#include <optional>
#include <string>

#include "command_registry.hpp"
#include "session/repository.hpp"

namespace respira::cli {

inline void add_db_option(CLI::App* command, std::string& db) {
  command->add_option("--db", db,
                      "Database: an SQLite file or a postgresql:// URL (default: RESPIRA_DATABASE_URL, the "
                      "config file, else $XDG_DATA_HOME/respira/respira.db)");
}

inline std::unique_ptr<session::Repository> open_store(const std::string& db) {
  // A file-size limit must surface as a write error, not kill the process mid-write.
  std::signal(SIGXFSZ, SIG_IGN);
  try {
    return session::open_repository(session::resolve_store_location(db.empty() ? std::nullopt : std::optional(db)));
  } catch (const session::StoreError& e) {
    throw CommandFailure{e.what(), 1};
  }
}

// Runs `action`, turning storage errors into CommandFailure.
template <typename Action>
auto with_store_errors(Action&& action) {
  try {
    return action();
  } catch (const session::StoreError& e) {
    throw CommandFailure{e.what(), 1};
  }
}

inline session::Patient require_patient(session::Repository& store, const std::string& id) {
  auto patient = with_store_errors([&] { return store.find_patient(id); });
  if (!patient) throw CommandFailure{"unknown patient '" + id + "' in " + store.describe() + " (see `respira patient list`)", 2};
  return *patient;
}

}  // namespace respira::cli
