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

#include <atomic>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "sensors/level_meter.hpp"
#include "sensors/sample_feed.hpp"
#include "sensors/serial_line.hpp"
#include "sensors/source.hpp"

namespace respira::sensors {

struct SerialConfig {
  std::filesystem::path path;
  int baud = 115200;
  double rate_timeout_s = 5.0;
  double stall_timeout_s = 1.0;
  double max_backoff_s = 1.0;
  double ring_seconds = 30.0;
};

class SerialSource final : public Source {
 public:
  SerialSource(SerialConfig config, std::string spec);
  ~SerialSource() override;

  void open() override;
  void start() override;
  void stop() override;
  void close() override;
  SourceInfo info() const override;
  SourceHealth health() const override;
  ReadResult read(std::span<float> out) override;
  double stream_time_s() const override;

 private:
  int open_port(std::string& error) const;  // fd or -1 with error set
  void reader(std::stop_token stop);
  // Reader thread: one complete line.
  void take_line(std::string_view text, double now_s);
  void disconnect(const std::string& why, double now_s);
  void report(std::string error);

  SerialConfig config_;
  std::string spec_;
  int fd_ = -1;
  double sample_rate_hz_ = 0.0;
  std::string rate_method_;
  std::unique_ptr<SampleFeed> feed_;
  std::unique_ptr<LevelMeter> level_;
  std::jthread reader_;

  // Reader thread state (open() before the thread starts).
  std::string partial_line_;
  std::vector<float> startup_samples_;
  std::optional<double> last_t_ms_;
  double last_data_s_ = 0.0;
  bool stalled_ = false;
  bool after_reconnect_ = false;
  double backoff_s_ = 0.25;
  double next_attempt_s_ = 0.0;
  std::uint64_t malformed_ = 0;

  mutable std::mutex status_mutex_;
  bool connected_ = false;
  std::uint64_t gaps_ = 0;
  std::uint64_t reconnects_ = 0;
  std::string last_error_;

  std::uint64_t delivered_ = 0;  // consumer thread
  double gap_time_s_ = 0.0;      // consumer thread
};

}  // namespace respira::sensors
