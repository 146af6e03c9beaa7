#include <charconv>
#include <stdexcept>

#include "sql_connection.hpp"

namespace respira::session::sql {

std::string Row::text(std::size_t i) const {
  const Value& v = cells_.at(i);
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  if (std::holds_alternative<std::monostate>(v)) return {};
  if (const auto* n = std::get_if<std::int64_t>(&v)) return std::to_string(*n);
  throw std::logic_error("column is not text");
}

std::int64_t Row::integer(std::size_t i) const {
  const Value& v = cells_.at(i);
  if (const auto* n = std::get_if<std::int64_t>(&v)) return *n;
  if (const auto* d = std::get_if<double>(&v)) return static_cast<std::int64_t>(*d);
  if (const auto* s = std::get_if<std::string>(&v)) {
    std::int64_t out = 0;
    auto [ptr, ec] = std::from_chars(s->data(), s->data() + s->size(), out);
    if (ec == std::errc{} && ptr == s->data() + s->size()) return out;
  }
  throw std::logic_error("column is not an integer");
}

double Row::real(std::size_t i) const {
  const Value& v = cells_.at(i);
  if (const auto* d = std::get_if<double>(&v)) return *d;
  if (const auto* n = std::get_if<std::int64_t>(&v)) return static_cast<double>(*n);
  throw std::logic_error("column is not a number");
}

std::optional<double> Row::opt_real(std::size_t i) const {
  if (is_null(i)) return std::nullopt;
  return real(i);
}

std::optional<int> Row::opt_int(std::size_t i) const {
  if (is_null(i)) return std::nullopt;
  return static_cast<int>(integer(i));
}

const Blob& Row::blob(std::size_t i) const {
  static const Blob kEmpty;
  const Value& v = cells_.at(i);
  if (const auto* b = std::get_if<Blob>(&v)) return *b;
  if (std::holds_alternative<std::monostate>(v)) return kEmpty;
  throw std::logic_error("column is not a blob");
}

}  // namespace respira::session::sql
