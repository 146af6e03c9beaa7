#pragma once
// Number and date formatting shared by the progress renderers (text, HTML, FHIR), so the
// same value reads the same in each.

#include <chrono>
#include <cstdio>
#include <string>

#include "session/time_text.hpp"

namespace respira::session::progress_format {

// snprintf into a std::string; every use formats a short line (well under the buffer).
template <typename... Values>
std::string printf_text(const char* pattern, Values... values) {
  char text[256];
  std::snprintf(text, sizeof text, pattern, values...);
  return text;
}

// "1 session", "3 sessions": a count with its noun (nouns here take a plain -s).
inline std::string count_of(long long n, const char* noun) {
  return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
}

// "2026-01-05"
inline std::string day_of(std::chrono::sys_seconds time) { return to_iso(time).substr(0, 10); }

}  // namespace respira::session::progress_format
