#pragma once
// Factories for the hardware sources, each defined beside its implementation so the
// registry does not see PortAudio, termios or sd-bus. Internal to respira_sensors.

#include <memory>
#include <string>
#include <string_view>

#include "sensors/source.hpp"

namespace respira::sensors {

std::unique_ptr<Source> make_mic_source(std::string spec, std::string_view device);
std::unique_ptr<Source> make_serial_source(std::string spec, std::string_view path_and_baud);
std::unique_ptr<Source> make_ble_source(std::string spec, std::string_view address);

}  // namespace respira::sensors
