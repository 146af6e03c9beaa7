#pragma once
// Versioned schema migrations shared by SQLite and PostgreSQL. Each migration runs in its
// own transaction and records its version in respira_schema; a database from a newer
// Respira (a version this build does not know) is refused before anything is touched.

#include "sql_connection.hpp"

namespace respira::session::sql {

// Brings the schema up to date; returns the version now in place. Throws StoreError.
int migrate(Connection& connection);
int current_schema_version(Connection& connection);
int latest_version();

}  // namespace respira::session::sql
