// The two configuration files: the window's gui.conf (app::load_settings) and
// respira.conf's database_url (session::resolve_store_location). The input is written
// as both. Loaded settings must be in their documented ranges whatever the file says,
// survive save -> load, and the store location must be a postgresql:// URL from the file
// or the default SQLite path, or a StoreError.

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "fuzz_support.hpp"
#include "session/repository.hpp"
#include "settings.hpp"

namespace {

using respira::fuzz::require;
namespace app = respira::app;

bool nearly_equal(float a, float b) { return std::fabs(a - b) <= 1e-4f * std::max(1.0f, std::fabs(a)); }

void check_settings(const app::Settings& s) {
  require(s.volume >= 0.0f && s.volume <= 1.0f, "volume is within 0..1");
  require(s.font_size >= 12.0f && s.font_size <= 32.0f, "font size is within 12..32 px");
  require(s.session_minutes >= 1.0f && s.session_minutes <= 60.0f, "session length is within 1..60 min");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static respira::fuzz::ScratchFile gui("gui.conf");
  static respira::fuzz::ScratchFile saved("saved.conf");
  static respira::fuzz::ScratchFile store("config/respira/respira.conf");

  const app::Settings s = app::load_settings(gui.write(data, size));
  check_settings(s);
  require(app::save_settings(s, saved.path()), "settings can be saved");
  const app::Settings back = app::load_settings(saved.path());
  require(back.source_spec == s.source_spec && back.preset == s.preset && back.patient_id == s.patient_id &&
              back.audio_cues == s.audio_cues && back.eyes_closed == s.eyes_closed &&
              back.reduced_motion == s.reduced_motion && back.palette == s.palette && nearly_equal(back.volume, s.volume) &&
              nearly_equal(back.font_size, s.font_size) && nearly_equal(back.session_minutes, s.session_minutes),
          "settings survive save -> load");

  // resolve_store_location reads $XDG_CONFIG_HOME/respira/respira.conf.
  const auto& conf = store.write(data, size);
  ::setenv("XDG_CONFIG_HOME", conf.parent_path().parent_path().c_str(), 1);
  ::setenv("XDG_DATA_HOME", "/nonexistent-data-home", 1);
  ::unsetenv("RESPIRA_DATABASE_URL");
  try {
    const auto where = respira::session::resolve_store_location(std::nullopt);
    using Kind = respira::session::StoreLocation::Kind;
    if (where.kind == Kind::postgresql)
      require(where.target.starts_with("postgresql://") || where.target.starts_with("postgres://"),
              "a configured store is a postgresql:// URL");
    else
      require(where.target == "/nonexistent-data-home/respira/respira.db", "otherwise the default SQLite path");
  } catch (const respira::session::StoreError&) {
  }
  return 0;
}
