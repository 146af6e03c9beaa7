#include "postgres_connection.hpp"

#include <libpq-fe.h>

#include <cstdio>
#include <unordered_map>

#include "session/repository.hpp"

namespace respira::session::sql {
namespace {

// Type OIDs from pg_type.h (server headers are not needed for these fixed values).
constexpr Oid kBoolOid = 16, kByteaOid = 17, kInt8Oid = 20, kInt2Oid = 21, kInt4Oid = 23,
              kFloat4Oid = 700, kFloat8Oid = 701, kNumericOid = 1700;

std::string trimmed(const char* text) {
  std::string s = text ? text : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// `?` placeholders -> $1, $2, ... (outside quoted literals).
std::string number_placeholders(std::string_view sql) {
  std::string out;
  out.reserve(sql.size() + 16);
  int index = 0;
  bool in_quote = false;
  for (char c : sql) {
    if (c == '\'') in_quote = !in_quote;
    if (c == '?' && !in_quote) {
      out += '$' + std::to_string(++index);
    } else {
      out += c;
    }
  }
  return out;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Blob decode_bytea(const char* text, int length) {
  Blob out;
  if (length < 2 || text[0] != '\\' || text[1] != 'x') throw StoreError("PostgreSQL returned bytea in an unexpected format");
  out.reserve(static_cast<std::size_t>(length - 2) / 2);
  for (int i = 2; i + 1 < length; i += 2) {
    const int hi = hex_digit(text[i]), lo = hex_digit(text[i + 1]);
    if (hi < 0 || lo < 0) throw StoreError("PostgreSQL returned malformed bytea");
    out.push_back(static_cast<std::uint8_t>(hi * 16 + lo));
  }
  return out;
}

class PostgresConnection final : public Connection {
 public:
  explicit PostgresConnection(const std::string& url) {
    conn_ = PQconnectdb(url.c_str());
    if (!conn_ || PQstatus(conn_) != CONNECTION_OK) {
      const std::string message =
          "cannot connect to PostgreSQL (" + trimmed(conn_ ? PQerrorMessage(conn_) : "out of memory") + ")";
      PQfinish(conn_);
      throw StoreError(message);
    }
    PQsetNoticeProcessor(conn_, [](void*, const char*) {}, nullptr);  // migrations' NOTICEs are noise
    description_ = "PostgreSQL " + std::string(PQuser(conn_)) + "@" + PQhost(conn_) + ":" + PQport(conn_) +
                   "/" + PQdb(conn_) + (PQsslInUse(conn_) ? " (TLS)" : "");
    try {
      run_script("SET lock_timeout = '5s'; SET client_min_messages = warning");
    } catch (...) {
      PQfinish(conn_);  // the destructor does not run for a half-built object
      throw;
    }
    cancel_ = PQgetCancel(conn_);
  }
  ~PostgresConnection() override {
    PQfreeCancel(cancel_);
    PQfinish(conn_);
  }

  Dialect dialect() const override { return Dialect::postgresql; }
  std::string describe() const override { return description_; }
  void interrupt() noexcept override {
    char error[256];
    if (cancel_) PQcancel(cancel_, error, sizeof error);  // best effort: the query may just have ended
  }

  std::vector<Row> run(std::string_view sql, std::initializer_list<Value> params) override {
    return run_span(sql, params.begin(), params.size());
  }
  std::vector<Row> run(std::string_view sql, const std::vector<Value>& params) override {
    return run_span(sql, params.data(), params.size());
  }

  void run_script(std::string_view sql) override {
    const std::string text(sql);
    PGresult* result = PQexec(conn_, text.c_str());
    check(result);
    PQclear(result);
  }

  void begin_write() override { run_script("BEGIN"); }
  void commit() override { run_script("COMMIT"); }
  void rollback() noexcept override {
    if (PQtransactionStatus(conn_) != PQTRANS_IDLE) PQclear(PQexec(conn_, "ROLLBACK"));
  }

 private:
  // Throws StoreError (with the server's reason) unless the statement succeeded.
  void check(PGresult* result) {
    const ExecStatusType status = result ? PQresultStatus(result) : PGRES_FATAL_ERROR;
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return;
    const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
    const std::string sqlstate = state ? state : "";
    std::string message = trimmed(result ? PQresultErrorMessage(result) : PQerrorMessage(conn_));
    if (message.empty()) message = trimmed(PQerrorMessage(conn_));
    PQclear(result);
    if (sqlstate == "53100") throw StoreError("PostgreSQL server disk full (" + description_ + "); nothing was changed");
    if (sqlstate == "55P03") throw StoreError("PostgreSQL database is locked by another session (" + description_ + ")");
    if (sqlstate.rfind("42501", 0) == 0)
      throw StoreError("PostgreSQL role lacks permission (" + description_ + "): " + message);
    throw StoreError("PostgreSQL (" + description_ + "): " + message);
  }

  const std::string& prepared(std::string_view sql, int param_count) {
    std::string key(sql);
    if (auto it = statements_.find(key); it != statements_.end()) return it->second;
    std::string name = "respira_" + std::to_string(statements_.size() + 1);
    PGresult* result = PQprepare(conn_, name.c_str(), number_placeholders(sql).c_str(), param_count, nullptr);
    check(result);
    PQclear(result);
    return statements_.emplace(std::move(key), std::move(name)).first->second;
  }

  std::vector<Row> run_span(std::string_view sql, const Value* params, std::size_t count) {
    const std::string& name = prepared(sql, static_cast<int>(count));
    std::vector<std::string> texts(count);
    std::vector<const char*> values(count, nullptr);
    std::vector<int> lengths(count, 0), formats(count, 0);
    for (std::size_t i = 0; i < count; ++i) {
      const Value& v = params[i];
      if (const auto* n = std::get_if<std::int64_t>(&v)) {
        texts[i] = std::to_string(*n);
      } else if (const auto* d = std::get_if<double>(&v)) {
        char buffer[40];
        std::snprintf(buffer, sizeof buffer, "%.17g", *d);  // exact round trip
        texts[i] = buffer;
      } else if (const auto* s = std::get_if<std::string>(&v)) {
        texts[i] = *s;
      } else if (const auto* b = std::get_if<Blob>(&v)) {
        values[i] = reinterpret_cast<const char*>(b->data());
        lengths[i] = static_cast<int>(b->size());
        formats[i] = 1;
        continue;
      } else {
        continue;  // NULL
      }
      values[i] = texts[i].c_str();
    }
    PGresult* result = PQexecPrepared(conn_, name.c_str(), static_cast<int>(count), values.data(),
                                      lengths.data(), formats.data(), 0);
    check(result);
    std::vector<Row> rows;
    const int row_count = PQntuples(result), columns = PQnfields(result);
    rows.reserve(static_cast<std::size_t>(row_count));
    for (int r = 0; r < row_count; ++r) {
      std::vector<Value> cells;
      cells.reserve(static_cast<std::size_t>(columns));
      for (int c = 0; c < columns; ++c) {
        if (PQgetisnull(result, r, c)) {
          cells.emplace_back(std::monostate{});
          continue;
        }
        const char* text = PQgetvalue(result, r, c);
        const int length = PQgetlength(result, r, c);
        switch (PQftype(result, c)) {
          case kInt2Oid: case kInt4Oid: case kInt8Oid:
            cells.emplace_back(std::int64_t{std::stoll(text)});
            break;
          case kBoolOid: cells.emplace_back(std::int64_t{text[0] == 't'}); break;
          case kFloat4Oid: case kFloat8Oid: case kNumericOid:
            cells.emplace_back(std::strtod(text, nullptr));
            break;
          case kByteaOid: cells.emplace_back(decode_bytea(text, length)); break;
          default: cells.emplace_back(std::string(text, static_cast<std::size_t>(length))); break;
        }
      }
      rows.emplace_back(std::move(cells));
    }
    PQclear(result);
    return rows;
  }

  PGconn* conn_ = nullptr;
  PGcancel* cancel_ = nullptr;  // made while idle: PQgetCancel must not race a running query
  std::string description_;
  std::unordered_map<std::string, std::string> statements_;
};

}  // namespace

std::unique_ptr<Connection> open_postgres(const std::string& url) {
  return std::make_unique<PostgresConnection>(url);
}

}  // namespace respira::session::sql
