#include "sqlite_connection.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <unordered_map>

#include "session/repository.hpp"

namespace respira::session::sql {
namespace {

constexpr int kBusyTimeoutMs = 2000;
constexpr int kBusyStepMs = 10;

// When SQLite reports only an I/O error on a write, its errno is gone; these read the two
// usual causes off the system instead.
constexpr std::uintmax_t kWriteSlack = 64 * 1024;  // a few pages of the write that failed

bool volume_full(const std::string& path) {
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  struct statvfs volume {};
  return statvfs(parent.empty() ? "." : parent.c_str(), &volume) == 0 &&
         static_cast<std::uintmax_t>(volume.f_bavail) * volume.f_frsize < kWriteSlack;
}

bool at_file_size_limit(const std::string& path) {  // ulimit -f
  rlimit limit{};
  if (getrlimit(RLIMIT_FSIZE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return false;
  for (const std::string& file : {path, path + "-wal", path + "-journal"}) {
    std::error_code error;
    const auto size = std::filesystem::file_size(file, error);
    if (!error && size + kWriteSlack >= limit.rlim_cur) return true;
  }
  return false;
}

std::string explain(int code, const std::string& path, const char* detail) {
  if ((code & 0xff) == SQLITE_IOERR) {
    if (volume_full(path)) code = SQLITE_FULL;
    else if (at_file_size_limit(path))
      return "database " + path + " reached the file-size limit (ulimit -f); nothing was changed";
  }
  switch (code & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return "database " + path + " is locked by another program (still locked after " +
             std::to_string(kBusyTimeoutMs / 1000) + " s); close it and retry";
    case SQLITE_FULL:
      return "disk full while writing database " + path + "; nothing was changed";
    case SQLITE_READONLY:
      return "database " + path + " is read-only; check its permissions";
    case SQLITE_CANTOPEN:
      return "cannot open database " + path + " (" + std::strerror(errno) + ")";
    case SQLITE_NOTADB:
      return path + " is not a Respira database (not an SQLite file)";
    case SQLITE_CORRUPT:
      return "database " + path + " is damaged (" + detail + ")";
    case SQLITE_IOERR:
      return "I/O error on database " + path + " (" + detail + ")";
    default:
      return "database " + path + ": " + detail;
  }
}

// Creates the directory chain with 0700 for the parts we create, and the file with 0600,
// before SQLite sees it (its -wal and -shm files then inherit the file's mode).
void prepare_file(const std::filesystem::path& path) {
  namespace fs = std::filesystem;
  const fs::path dir = path.parent_path();
  if (!dir.empty() && !fs::exists(dir)) {
    std::vector<fs::path> missing;
    for (fs::path p = dir; !p.empty() && !fs::exists(p); p = p.parent_path()) missing.push_back(p);
    for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
      if (::mkdir(it->c_str(), 0700) != 0 && errno != EEXIST)
        throw StoreError("cannot create directory " + it->string() + " (" + std::strerror(errno) + ")");
    }
  }
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EACCES || errno == EROFS || errno == EPERM) {
      if (::access(path.c_str(), R_OK) == 0)  // readable but not writable: still open to report
        return;
    }
    throw StoreError("cannot open database " + path.string() + " (" + std::strerror(errno) + ")");
  }
  ::close(fd);
}

class SqliteConnection final : public Connection {
 public:
  explicit SqliteConnection(std::string path) : path_(std::move(path)) {
    prepare_file(path_);
    const int rc = sqlite3_open_v2(path_.c_str(), &db_,
                                   SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) {
      const std::string message = explain(rc, path_, db_ ? sqlite3_errmsg(db_) : "out of memory");
      sqlite3_close(db_);
      throw StoreError(message);
    }
    try {
      sqlite3_extended_result_codes(db_, 1);
      sqlite3_busy_handler(db_, &SqliteConnection::wait_while_locked, this);
      run_script("PRAGMA foreign_keys = ON");
      // WAL: readers never block the recorder; FULL: a committed batch is on disk.
      auto mode = run("PRAGMA journal_mode = WAL", {});
      if (mode.empty() || mode.front().text(0) != "wal")
        throw StoreError("database " + path_ + ": cannot switch to WAL journal mode");
      run_script("PRAGMA synchronous = FULL");
    } catch (...) {
      release();  // the destructor does not run for a half-built object
      throw;
    }
  }

  ~SqliteConnection() override { release(); }

  Dialect dialect() const override { return Dialect::sqlite; }
  std::string describe() const override { return "SQLite " + path_; }
  void interrupt() noexcept override {
    interrupted_.store(true, std::memory_order_relaxed);  // stops a wait for a lock
    sqlite3_interrupt(db_);                              // stops a running statement
  }

  std::vector<Row> run(std::string_view sql, std::initializer_list<Value> params) override {
    return run_span(sql, params.begin(), params.size());
  }
  std::vector<Row> run(std::string_view sql, const std::vector<Value>& params) override {
    return run_span(sql, params.data(), params.size());
  }

  void run_script(std::string_view sql) override {
    char* error = nullptr;
    const std::string text(sql);
    const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &error);
    if (rc != SQLITE_OK) {
      const std::string message = explain(rc, path_, error ? error : sqlite3_errstr(rc));
      sqlite3_free(error);
      throw StoreError(message);
    }
  }

  void begin_write() override { run_script("BEGIN IMMEDIATE"); }
  void commit() override { run_script("COMMIT"); }
  void rollback() noexcept override {
    if (!sqlite3_get_autocommit(db_)) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }

 private:
  sqlite3_stmt* prepared(std::string_view sql) {
    std::string key(sql);
    if (auto it = statements_.find(key); it != statements_.end()) return it->second;
    sqlite3_stmt* stmt = nullptr;
    const int rc = sqlite3_prepare_v3(db_, key.data(), static_cast<int>(key.size()),
                                      SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) throw StoreError(explain(rc, path_, sqlite3_errmsg(db_)));
    statements_.emplace(std::move(key), stmt);
    return stmt;
  }

  void bind(sqlite3_stmt* stmt, int index, const Value& value) {
    int rc = SQLITE_OK;
    if (std::holds_alternative<std::monostate>(value)) {
      rc = sqlite3_bind_null(stmt, index);
    } else if (const auto* n = std::get_if<std::int64_t>(&value)) {
      rc = sqlite3_bind_int64(stmt, index, *n);
    } else if (const auto* d = std::get_if<double>(&value)) {
      rc = sqlite3_bind_double(stmt, index, *d);
    } else if (const auto* s = std::get_if<std::string>(&value)) {
      rc = sqlite3_bind_text64(stmt, index, s->data(), s->size(), SQLITE_TRANSIENT, SQLITE_UTF8);
    } else {
      const auto& b = std::get<Blob>(value);
      rc = sqlite3_bind_blob64(stmt, index, b.data(), b.size(), SQLITE_TRANSIENT);
    }
    if (rc != SQLITE_OK) throw StoreError(explain(rc, path_, sqlite3_errmsg(db_)));
  }

  std::vector<Row> run_span(std::string_view sql, const Value* params, std::size_t count) {
    sqlite3_stmt* stmt = prepared(sql);
    struct Reset {
      sqlite3_stmt* s;
      ~Reset() {
        sqlite3_reset(s);
        sqlite3_clear_bindings(s);
      }
    } reset{stmt};
    if (static_cast<std::size_t>(sqlite3_bind_parameter_count(stmt)) != count)
      throw std::logic_error("parameter count mismatch in: " + std::string(sql));
    for (std::size_t i = 0; i < count; ++i) bind(stmt, static_cast<int>(i + 1), params[i]);

    std::vector<Row> rows;
    for (;;) {
      const int rc = sqlite3_step(stmt);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) throw StoreError(explain(rc, path_, sqlite3_errmsg(db_)));
      const int columns = sqlite3_column_count(stmt);
      std::vector<Value> cells;
      cells.reserve(static_cast<std::size_t>(columns));
      for (int c = 0; c < columns; ++c) {
        switch (sqlite3_column_type(stmt, c)) {
          case SQLITE_INTEGER: cells.emplace_back(std::int64_t{sqlite3_column_int64(stmt, c)}); break;
          case SQLITE_FLOAT: cells.emplace_back(sqlite3_column_double(stmt, c)); break;
          case SQLITE_TEXT:
            cells.emplace_back(std::string(reinterpret_cast<const char*>(sqlite3_column_text(stmt, c)),
                                           static_cast<std::size_t>(sqlite3_column_bytes(stmt, c))));
            break;
          case SQLITE_BLOB: {
            const auto* data = static_cast<const std::uint8_t*>(sqlite3_column_blob(stmt, c));
            cells.emplace_back(Blob(data, data + sqlite3_column_bytes(stmt, c)));
            break;
          }
          default: cells.emplace_back(std::monostate{}); break;
        }
      }
      rows.emplace_back(std::move(cells));
    }
    return rows;
  }

  void release() noexcept {
    for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
    statements_.clear();
    sqlite3_close(db_);
    db_ = nullptr;
  }

  // Waits for another connection's lock up to kBusyTimeoutMs, as sqlite3_busy_timeout would,
  // but gives up at once after interrupt(): SQLite's own wait does not watch for that.
  static int wait_while_locked(void* self, int attempts) noexcept {
    const auto& connection = *static_cast<const SqliteConnection*>(self);
    if (connection.interrupted_.load(std::memory_order_relaxed) || attempts * kBusyStepMs >= kBusyTimeoutMs) return 0;
    sqlite3_sleep(kBusyStepMs);
    return 1;
  }

  std::string path_;
  sqlite3* db_ = nullptr;
  std::atomic<bool> interrupted_{false};
  std::unordered_map<std::string, sqlite3_stmt*> statements_;
};

}  // namespace

std::unique_ptr<Connection> open_sqlite(const std::string& path) {
  return std::make_unique<SqliteConnection>(path);
}

}  // namespace respira::session::sql
