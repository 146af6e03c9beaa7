#pragma once
// PostgreSQL backend of sql::Connection through libpq, for a clinic whose workstations share
// one server. TLS is whatever the URL's sslmode asks for (use sslmode=verify-full with the
// server's CA in sslrootcert); each clinician connects with their own role (docs/storage.md).

#include <memory>
#include <string>

#include "sql_connection.hpp"

namespace respira::session::sql {

std::unique_ptr<Connection> open_postgres(const std::string& url);

}  // namespace respira::session::sql
