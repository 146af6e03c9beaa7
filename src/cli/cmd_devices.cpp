// `respira devices`: what can be given to `respira live --source` on this machine:
// audio inputs (PortAudio; select with mic:INDEX or mic:NAME-SUBSTRING) and serial
// ports that look like a USB respiration belt.

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "command_registry.hpp"
#include "sensors/source.hpp"

namespace respira::cli {
namespace {

std::vector<std::string> serial_candidates() {
  std::vector<std::string> ports;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/dev", ec)) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with("ttyACM") || name.starts_with("ttyUSB")) ports.push_back(entry.path());
  }
  std::sort(ports.begin(), ports.end());
  return ports;
}

void list_devices() {
  std::vector<sensors::InputDevice> inputs;
  try {
    inputs = sensors::list_input_devices();
  } catch (const sensors::SourceError& e) {
    throw CommandFailure{e.what(), 1};
  }
  std::printf("Audio inputs (--source mic:INDEX or mic:NAME):\n");
  if (inputs.empty()) std::printf("  (none)\n");
  for (const auto& d : inputs) {
    std::printf("  %3d  %-40s  %2d ch  %6.0f Hz%s\n", d.index, d.name.c_str(),
                d.max_input_channels, d.default_sample_rate_hz, d.is_default ? "  (default)" : "");
  }
  std::printf("Serial ports (--source serial:PATH[@BAUD]):\n");
  const auto ports = serial_candidates();
  if (ports.empty()) std::printf("  (none)\n");
  for (const auto& p : ports) std::printf("  %s\n", p.c_str());
  std::printf("Bluetooth heart-rate straps: --source ble:ADDRESS (pair with bluetoothctl first)\n");
}

void add_devices(CLI::App& app) {
  auto* cmd = app.add_subcommand("devices", "List audio inputs and serial ports for `live`");
  cmd->callback([] { list_devices(); });
}

const CommandRegistration kDevices{45, &add_devices};

}  // namespace
}  // namespace respira::cli
