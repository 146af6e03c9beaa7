#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

#include "../../src/app/data_files.hpp"
#include "../../src/app/settings.hpp"
#include "../../src/app/source_choice.hpp"
#include "app/app.hpp"

using namespace respira::app;

namespace {

std::filesystem::path temp_dir(const char* name) {
  auto dir = std::filesystem::temp_directory_path() / (std::string("respira-app-") + name + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace

TEST_CASE("settings survive a round trip", "[app]") {
  const auto dir = temp_dir("settings");
  Settings s;
  s.source_spec = "replay:/data/belt.csv@2";
  s.audio_cues = true;
  s.volume = 0.25f;
  s.eyes_closed = true;
  s.palette = PaletteChoice::high_contrast;
  s.font_size = 22.0f;
  s.reduced_motion = true;
  s.preset = "4-7-8";
  s.session_minutes = 15.0f;
  s.patient_id = "P-ABCDEFGH";
  REQUIRE(save_settings(s, dir / "sub" / "gui.conf"));
  const Settings back = load_settings(dir / "sub" / "gui.conf");
  CHECK(back.source_spec == s.source_spec);
  CHECK(back.audio_cues);
  CHECK(back.volume == 0.25f);
  CHECK(back.eyes_closed);
  CHECK(back.palette == PaletteChoice::high_contrast);
  CHECK(back.font_size == 22.0f);
  CHECK(back.reduced_motion);
  CHECK(back.preset == "4-7-8");
  CHECK(back.session_minutes == 15.0f);
  CHECK(back.patient_id == "P-ABCDEFGH");
  std::filesystem::remove_all(dir);
}

TEST_CASE("bad or unknown settings keep the defaults", "[app]") {
  const auto dir = temp_dir("bad-settings");
  std::ofstream(dir / "gui.conf") << "volume = loud\nfont_size = 400\nmystery = 1\nno equals sign\n"
                                     "minutes = 0.2\n";
  const Settings s = load_settings(dir / "gui.conf");
  CHECK(s.volume == 0.5f);        // not a number: default
  CHECK(s.font_size == 32.0f);    // clamped to the largest offered
  CHECK(s.session_minutes == 1.0f);
  CHECK(load_settings(dir / "missing.conf").preset == "coherent");
  std::filesystem::remove_all(dir);
}

TEST_CASE("the source is the one asked for, else the saved one, else mic, else the recording", "[app]") {
  const auto given = source_candidates("synthetic:6", "mic", true);
  REQUIRE(given.size() == 1);  // a typo on the command line must fail, not fall back
  CHECK(given[0].spec == "synthetic:6");

  const auto defaults = source_candidates("", "", true);
  REQUIRE(defaults.size() == 2);
  CHECK(defaults[0].spec == "mic");
  CHECK(defaults[1].spec.starts_with("replay:"));
  CHECK(defaults[1].spec.ends_with("assets/recordings/neurokit_resting_rsp_150s.csv"));
  CHECK(defaults[1].loop);

  const auto no_mic = source_candidates("", "", false);
  REQUIRE(no_mic.size() == 1);
  CHECK(no_mic[0].loop);

  const auto saved = source_candidates("", "serial:/dev/ttyUSB0", true);
  REQUIRE(saved.size() == 2);
  CHECK(saved[0].spec == "serial:/dev/ttyUSB0");
  CHECK(saved[1].spec.starts_with("replay:"));
}

TEST_CASE("shaders and assets are found, and a missing file names where it was looked for", "[app]") {
  for (const char* shader : {"fullscreen.vert", "orb.vert", "orb.frag", "card.frag", "wave.vert", "wave_line.frag", "flat.frag"}) {
    CHECK(find_data_file(std::filesystem::path("shaders") / shader));
  }
  CHECK(find_data_file(kBundledRecording));
  CHECK(find_data_file("assets/recordings/LICENSE.neurokit2"));
  CHECK_FALSE(find_data_file("shaders/none.frag"));
  try {
    require_data_file("shaders/none.frag");
    FAIL("expected AppError");
  } catch (const AppError& e) {
    const std::string message = e.what();
    CHECK(message.find("missing data file shaders/none.frag") != std::string::npos);
    CHECK(message.find(RESPIRA_SOURCE_DIR) != std::string::npos);
    CHECK(message.find("RESPIRA_DATA_DIR") != std::string::npos);
    CHECK(e.exit_code() == 1);
  }
  CHECK(read_text_file(*find_data_file("shaders/orb.frag")).starts_with("#version 330 core"));
}

TEST_CASE("screen names parse exactly", "[app]") {
  CHECK(parse_screen("live") == Screen::live);
  CHECK(parse_screen("review") == Screen::review);
  CHECK(parse_screen("progress") == Screen::progress);
  CHECK(parse_screen("start") == Screen::start);
  CHECK(parse_screen("settings") == Screen::settings);
  CHECK_FALSE(parse_screen("Live"));
}
