#pragma once
// Factories for the hardware sources, each defined beside its implementation so the
// registry does not see PortAudio, termios or sd-bus, and the little the device threads
// share. Internal to respira_sensors.

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <stop_token>
#include <string>
#include <string_view>
#include <thread>

#include "sensors/clock.hpp"
#include "sensors/source.hpp"

namespace respira::sensors {

std::unique_ptr<Source> make_mic_source(std::string spec, std::string_view device);
std::unique_ptr<Source> make_serial_source(std::string spec, std::string_view path_and_baud);
std::unique_ptr<Source> make_ble_source(std::string spec, std::string_view address);

// Device threads time faults and retries by the real clock.
inline double wall_now_s() { return SteadyClock{}.now_s(); }

// A device thread's idle tick: returns after `tick`, or at once when stop is requested.
inline void idle_until_stop(std::stop_token stop, std::chrono::milliseconds tick) {
  std::mutex mutex;
  std::condition_variable_any wake;
  std::unique_lock lock(mutex);
  wake.wait_for(lock, stop, tick, [] { return false; });
}

// Ends a device thread through its stop token and waits for it; nothing if none runs.
inline void stop_and_join(std::jthread& thread) {
  if (!thread.joinable()) return;
  thread.request_stop();
  thread.join();
}

}  // namespace respira::sensors
