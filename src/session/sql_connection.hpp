#pragma once
// The small seam between the repository and a database engine. The repository writes its
// SQL once, with `?` placeholders; each connection prepares it (SQLite natively, libpq
// after numbering the placeholders $1, $2, ...) and caches the prepared statement, so
// every query is a prepared statement and no value is ever spliced into SQL text.

#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace respira::session::sql {

using Blob = std::vector<std::uint8_t>;
using Value = std::variant<std::monostate, std::int64_t, double, std::string, Blob>;

inline Value null() { return std::monostate{}; }
inline Value opt(const std::optional<double>& v) { return v ? Value{*v} : null(); }
inline Value finite_or_null(double v) { return std::isfinite(v) ? Value{v} : null(); }
inline Value opt(const std::optional<int>& v) { return v ? Value{std::int64_t{*v}} : null(); }

class Row {
 public:
  explicit Row(std::vector<Value> cells) : cells_(std::move(cells)) {}
  bool is_null(std::size_t i) const { return std::holds_alternative<std::monostate>(cells_.at(i)); }
  std::string text(std::size_t i) const;
  std::int64_t integer(std::size_t i) const;
  double real(std::size_t i) const;
  std::optional<double> opt_real(std::size_t i) const;
  std::optional<int> opt_int(std::size_t i) const;
  const Blob& blob(std::size_t i) const;

 private:
  std::vector<Value> cells_;
};

enum class Dialect { sqlite, postgresql };

class Connection {
 public:
  virtual ~Connection() = default;
  virtual Dialect dialect() const = 0;
  virtual std::string describe() const = 0;
  // Runs a prepared statement; returns its rows (empty for statements without results).
  virtual std::vector<Row> run(std::string_view sql, std::initializer_list<Value> params) = 0;
  virtual std::vector<Row> run(std::string_view sql, const std::vector<Value>& params) = 0;
  // Schema changes only (migrations): plain text, no parameters.
  virtual void run_script(std::string_view sql) = 0;
  virtual void begin_write() = 0;  // SQLite: BEGIN IMMEDIATE; PostgreSQL: BEGIN
  virtual void commit() = 0;
  virtual void rollback() noexcept = 0;
  // Makes the statement running on another thread fail now (it throws StoreError) rather
  // than when the engine gives up waiting on a lock. Safe from any thread.
  virtual void interrupt() noexcept = 0;
};

// Commits on commit(); rolls back if left by an exception.
class Transaction {
 public:
  explicit Transaction(Connection& connection) : connection_(connection) { connection_.begin_write(); }
  ~Transaction() {
    if (!done_) connection_.rollback();
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit() {
    connection_.commit();
    done_ = true;
  }

 private:
  Connection& connection_;
  bool done_ = false;
};

}  // namespace respira::session::sql
