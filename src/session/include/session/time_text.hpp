#pragma once
// Wall-clock times as ISO 8601 UTC text with milliseconds, the one format used in the
// store and every export (sorts as text, identical across backends).

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace respira::session {

std::string to_iso(std::chrono::system_clock::time_point time);
std::string utc_now_iso();
// Parses what to_iso writes (also accepts no fraction); nullopt if malformed.
std::optional<std::chrono::system_clock::time_point> parse_iso(std::string_view text);
double unix_seconds(std::chrono::system_clock::time_point time);
// The instant on the user's local clock, formatted by strftime (e.g. "%Y-%m-%d %H:%M"): the
// window shows times as the patient lived them, while the store and exports stay in UTC.
std::string local_time_text(std::chrono::system_clock::time_point time, const char* format);

}  // namespace respira::session
