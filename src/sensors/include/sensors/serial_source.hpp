#pragma once
// SerialSource: a respiration belt streaming ASCII lines over a (USB) serial port; see
// serial_line.hpp for the format and how the rate is found.
//
// open() configures the port raw (termios) and listens until the rate is known (up to
// rate_timeout_s), keeping those first samples. A reader std::jthread then parses lines
// and pushes values into a SampleFeed. Faults are reported, never fatal:
//   - silence longer than stall_timeout_s (feeder stopped) -> reported; when data comes
//     back the gap is marked (from the T_MS jump when the device kept its clock, else
//     from the silence seen);
//   - the port closing or failing (unplugged, pty closed) -> reported, gap, reopened
//     with back-off while the session goes on.

#include <filesystem>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "sensors/device_source.hpp"
#include "sensors/serial_line.hpp"

namespace respira::sensors {

struct SerialConfig {
  std::filesystem::path path;
  int baud = 115200;
  double rate_timeout_s = 5.0;
  double stall_timeout_s = 1.0;
  double max_backoff_s = 1.0;
  double ring_seconds = 30.0;
};

class SerialSource final : public DeviceSource {
 public:
  SerialSource(SerialConfig config, std::string spec);
  ~SerialSource() override;

  void open() override;
  void start() override;
  void stop() override;
  void close() override;
  SourceInfo info() const override;

 private:
  int open_port(std::string& error) const;  // fd or -1 with error set
  void reader(std::stop_token stop);
  // Reader thread: one complete line.
  void take_line(std::string_view text, double now_s);
  void disconnect(const std::string& why, double now_s);

  SerialConfig config_;
  std::string spec_;
  int fd_ = -1;
  double sample_rate_hz_ = 0.0;
  std::string rate_method_;
  std::jthread reader_;

  // Reader thread state (open() before the thread starts).
  std::string partial_line_;
  std::vector<float> startup_samples_;
  std::optional<double> last_t_ms_;
  double last_data_s_ = 0.0;
  bool stalled_ = false;
  bool after_reconnect_ = false;
  ReconnectBackoff backoff_;
  std::uint64_t malformed_ = 0;
};

}  // namespace respira::sensors
