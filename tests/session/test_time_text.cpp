// ISO 8601 UTC text (store and exports) and the local wall-clock text the window shows.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <ctime>
#include <optional>
#include <string>

#include "session/time_text.hpp"

using namespace respira::session;

namespace {

// Sets TZ for the scope of one test and restores what was there.
class ScopedTimeZone {
 public:
  explicit ScopedTimeZone(const char* zone) {
    if (const char* old = std::getenv("TZ")) previous_ = old;
    setenv("TZ", zone, 1);
    tzset();
  }
  ~ScopedTimeZone() {
    if (previous_) setenv("TZ", previous_->c_str(), 1); else unsetenv("TZ");
    tzset();
  }
  ScopedTimeZone(const ScopedTimeZone&) = delete;
  ScopedTimeZone& operator=(const ScopedTimeZone&) = delete;

 private:
  std::optional<std::string> previous_;
};

}  // namespace

TEST_CASE("ISO text round-trips to the millisecond", "[session][time]") {
  const auto t = parse_iso("2026-11-25T23:30:05.250Z");
  REQUIRE(t);
  CHECK(to_iso(*t) == "2026-11-25T23:30:05.250Z");
  CHECK(unix_seconds(*t) == Approx(1795649405.25).margin(1e-6));
  CHECK_FALSE(parse_iso("2026-11-25 23:30:05"));
  CHECK_FALSE(parse_iso("2026-13-25T23:30:05Z"));
}

TEST_CASE("the window's times are the local clock's, dates included", "[session][time]") {
  // A session started at 23:30 UTC was, for a patient in Madrid (UTC+1 in November), on the
  // next day at 00:30; in New York (UTC-5) at 18:30 the same day.
  const auto t = parse_iso("2026-11-25T23:30:05.250Z");
  REQUIRE(t);
  {
    const ScopedTimeZone madrid("CET-1");
    CHECK(local_time_text(*t, "%Y-%m-%d %H:%M") == "2026-11-26 00:30");
    CHECK(local_time_text(*t, "%Y-%m-%d") == "2026-11-26");
  }
  {
    const ScopedTimeZone new_york("EST5");
    CHECK(local_time_text(*t, "%Y-%m-%d %H:%M") == "2026-11-25 18:30");
  }
}
