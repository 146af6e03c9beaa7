// make_source: turns a spec string into a Source. Each kind parses its own arguments
// here so every spec error names the spec and what was expected.

#include <cmath>
#include <limits>
#include <string>

#include "device_sources.hpp"
#include "sensors/replay_source.hpp"
#include "sensors/synthetic_source.hpp"
#include "spec_parsing.hpp"

namespace respira::sensors {
namespace {

constexpr const char* kSpecHelp =
    "expected mic[:DEVICE], serial:/dev/PATH[@BAUD], ble:ADDRESS, replay:FILE[@SPEED] or "
    "synthetic[:RATE[,key=value...]]";

[[noreturn]] void bad_spec(std::string_view spec, const std::string& why) {
  throw SourceError("source '" + std::string(spec) + "': " + why);
}

double number_for(std::string_view spec, std::string_view key, std::string_view text) {
  const auto value = spec::to_number(text);
  if (!value) bad_spec(spec, "'" + std::string(key) + "' needs a number, got '" + std::string(text) + "'");
  return *value;
}

// "1:2" (inhale:exhale) or a plain ratio "0.5".
double ie_ratio_for(std::string_view spec, std::string_view text) {
  const auto parts = spec::split(text, ':');
  if (parts.size() == 2) {
    const double inhale = number_for(spec, "ie", parts[0]);
    const double exhale = number_for(spec, "ie", parts[1]);
    if (!(exhale > 0.0)) bad_spec(spec, "I:E needs a positive exhale part");
    return inhale / exhale;
  }
  return number_for(spec, "ie", text);
}

// synthetic[:RATE[,key=value...]]; keys: ie, hold, exhale_hold, jitter, noise, drift,
// seed, fs, sigh, cough, speech, dropout, dropout_s, duration.
std::unique_ptr<Source> make_synthetic(std::string_view spec, std::string_view args) {
  SyntheticConfig config;
  if (!args.empty()) {
    const auto items = spec::split(args, ',');
    for (std::size_t i = 0; i < items.size(); ++i) {
      const std::string_view item = spec::trim(items[i]);
      const std::size_t eq = item.find('=');
      if (eq == std::string_view::npos) {
        if (i != 0) bad_spec(spec, "expected key=value, got '" + std::string(item) + "'");
        config.rate_bpm = number_for(spec, "rate", item);
        continue;
      }
      const std::string_view key = item.substr(0, eq);
      const std::string_view value = item.substr(eq + 1);
      if (key == "rate") config.rate_bpm = number_for(spec, key, value);
      else if (key == "ie") config.ie_ratio = ie_ratio_for(spec, value);
      else if (key == "hold") config.inhale_hold_s = number_for(spec, key, value);
      else if (key == "exhale_hold") config.exhale_hold_s = number_for(spec, key, value);
      else if (key == "jitter") config.rate_jitter = number_for(spec, key, value);
      else if (key == "noise") config.noise_rms = number_for(spec, key, value);
      else if (key == "drift") config.drift_amplitude = number_for(spec, key, value);
      else if (key == "seed") config.seed = static_cast<std::uint64_t>(number_for(spec, key, value));
      else if (key == "fs") config.sample_rate_hz = number_for(spec, key, value);
      else if (key == "sigh") config.sigh_every_s = number_for(spec, key, value);
      else if (key == "cough") config.cough_every_s = number_for(spec, key, value);
      else if (key == "speech") config.speech_every_s = number_for(spec, key, value);
      else if (key == "dropout") config.dropout_every_s = number_for(spec, key, value);
      else if (key == "dropout_s") config.dropout_s = number_for(spec, key, value);
      else if (key == "duration") config.duration_s = number_for(spec, key, value);
      else
        bad_spec(spec, "unknown synthetic option '" + std::string(key) +
                           "' (rate, ie, hold, exhale_hold, jitter, noise, drift, seed, fs, "
                           "sigh, cough, speech, dropout, dropout_s, duration)");
    }
  }
  try {
    validate(config);
  } catch (const std::invalid_argument& e) {
    bad_spec(spec, e.what());
  }
  return std::make_unique<SyntheticSource>(config, std::string(spec));
}

// replay:FILE[@SPEED]; SPEED a number or "max" (unpaced).
std::unique_ptr<Source> make_replay(std::string_view spec, std::string_view args) {
  if (args.empty()) bad_spec(spec, "replay needs a file: replay:FILE[@SPEED]");
  ReplayConfig config;
  std::string_view file = args;
  const std::size_t at = args.rfind('@');
  if (at != std::string_view::npos) {
    const std::string_view speed = args.substr(at + 1);
    if (speed == "max") {
      config.speed = std::numeric_limits<double>::infinity();
      file = args.substr(0, at);
    } else if (const auto value = spec::to_number(speed)) {
      if (!(*value > 0.0)) bad_spec(spec, "replay speed must be positive");
      config.speed = *value;
      file = args.substr(0, at);
    }
  }
  config.path = std::string(file);
  return std::make_unique<ReplaySource>(config, std::string(spec));
}

}  // namespace

std::unique_ptr<Source> make_source(std::string_view spec) {
  const std::string_view trimmed = spec::trim(spec);
  const std::size_t colon = trimmed.find(':');
  const std::string_view kind = trimmed.substr(0, colon);
  const std::string_view args =
      colon == std::string_view::npos ? std::string_view{} : trimmed.substr(colon + 1);
  if (kind == "synthetic") return make_synthetic(trimmed, args);
  if (kind == "replay") return make_replay(trimmed, args);
  if (kind == "mic") return make_mic_source(std::string(trimmed), args);
  if (kind == "serial") {
    if (args.empty()) bad_spec(trimmed, "serial needs a device: serial:/dev/PATH[@BAUD]");
    return make_serial_source(std::string(trimmed), args);
  }
  if (kind == "ble") {
    if (args.empty()) bad_spec(trimmed, "ble needs a device address: ble:AA:BB:CC:DD:EE:FF");
    return make_ble_source(std::string(trimmed), args);
  }
  bad_spec(trimmed, std::string("unknown source kind; ") + kSpecHelp);
}

}  // namespace respira::sensors
