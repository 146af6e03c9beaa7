#pragma once
// SQLite backend of sql::Connection: one file, WAL journal, synchronous=FULL so every
// committed batch survives a crash, a busy timeout so a briefly locked file waits instead
// of failing, and files created 0600 in a 0700 directory (the record is health data).

#include <memory>
#include <string>

#include "sql_connection.hpp"

namespace respira::session::sql {

std::unique_ptr<Connection> open_sqlite(const std::string& path);

}  // namespace respira::session::sql
