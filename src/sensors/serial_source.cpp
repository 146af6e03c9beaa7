#include "sensors/serial_source.hpp"

#include <fcntl.h>
#include <poll.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>

#include "device_sources.hpp"
#include "spec_parsing.hpp"

namespace respira::sensors {
namespace {

constexpr int kPollMs = 100;
constexpr std::size_t kReadChunk = 4096;
constexpr std::size_t kMaxLineLength = 256;
constexpr double kFirstRetryDelayS = 0.25;

std::optional<speed_t> baud_constant(int baud) {
  switch (baud) {
    case 9600: return B9600;
    case 19200: return B19200;
    case 38400: return B38400;
    case 57600: return B57600;
    case 115200: return B115200;
    case 230400: return B230400;
    case 460800: return B460800;
    case 500000: return B500000;
    case 921600: return B921600;
    case 1000000: return B1000000;
    case 2000000: return B2000000;
    default: return std::nullopt;
  }
}

}  // namespace

SerialSource::SerialSource(SerialConfig config, std::string spec)
    : config_(std::move(config)),
      spec_(std::move(spec)),
      backoff_(kFirstRetryDelayS, config_.max_backoff_s) {
  if (!baud_constant(config_.baud))
    throw SourceError("serial: unsupported baud rate " + std::to_string(config_.baud) +
                      " in '" + spec_ + "' (9600 ... 2000000)");
}

SerialSource::~SerialSource() { close(); }

int SerialSource::open_port(std::string& error) const {
  const int fd = ::open(config_.path.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    error = "serial: cannot open " + config_.path.string() + ": " + std::strerror(errno);
    return -1;
  }
  termios tio{};
  if (tcgetattr(fd, &tio) == 0) {
    cfmakeraw(&tio);
    tio.c_cflag |= CLOCAL | CREAD;
    tio.c_cc[VMIN] = 0;
    tio.c_cc[VTIME] = 0;
    const speed_t speed = *baud_constant(config_.baud);
    cfsetispeed(&tio, speed);
    cfsetospeed(&tio, speed);
    if (tcsetattr(fd, TCSANOW, &tio) != 0) {
      error = "serial: cannot configure " + config_.path.string() + ": " + std::strerror(errno);
      ::close(fd);
      return -1;
    }
  } else if (errno != ENOTTY) {
    error = "serial: " + config_.path.string() + ": " + std::strerror(errno);
    ::close(fd);
    return -1;
  }
  return fd;  // not a terminal (a FIFO, a file): read as is
}

void SerialSource::open() {
  if (fd_ >= 0) return;
  std::string error;
  fd_ = open_port(error);
  if (fd_ < 0) throw SourceError(error);

  // Listen until the rate is known, keeping every sample.
  SerialRateEstimator estimator;
  const double deadline = wall_now_s() + config_.rate_timeout_s;
  char buffer[kReadChunk];
  std::optional<double> rate;
  while (!rate) {
    const double now = wall_now_s();
    if (now >= deadline) break;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, kPollMs) < 0 && errno != EINTR) break;
    if (!(p.revents & POLLIN)) {
      if (p.revents & (POLLHUP | POLLERR)) {
        ::usleep(kPollMs * 1000);  // a pty without a writer yet
      }
      continue;
    }
    const ssize_t n = ::read(fd_, buffer, sizeof buffer);
    if (n <= 0) continue;
    const double arrival = wall_now_s();
    for (ssize_t i = 0; i < n; ++i) {
      if (buffer[i] != '\n') {
        if (partial_line_.size() < kMaxLineLength) partial_line_ += buffer[i];
        continue;
      }
      const SerialLine line = parse_serial_line(partial_line_);
      partial_line_.clear();
      if (line.kind == SerialLine::Kind::sample) {
        startup_samples_.push_back(static_cast<float>(line.value));
        last_t_ms_ = line.t_ms;
      }
      if (!rate) rate = estimator.add(line, arrival);
    }
  }
  if (!rate) {
    ::close(fd_);
    fd_ = -1;
    throw SourceError("serial: no sample rate from " + config_.path.string() + " within " +
                      std::to_string(static_cast<int>(config_.rate_timeout_s)) +
                      " s (no data, or send a '#rate=HZ' line or 'T_MS,VALUE' lines)");
  }
  sample_rate_hz_ = *rate;
  rate_method_ = estimator.method();
  // A belt's level is relative: no clipping, no silence, only the size of the variation.
  begin_stream({.sample_rate_hz = sample_rate_hz_,
                .capacity = static_cast<std::size_t>(config_.ring_seconds * sample_rate_hz_) +
                            startup_samples_.size(),
                .level = {.window_s = 2.0,
                          .clip_threshold = 1e30,
                          .silence_db = -300.0,
                          .remove_mean = true}})
      .push(startup_samples_);
  startup_samples_.clear();
  last_data_s_ = wall_now_s();
  status_.set_connected(true);
}

void SerialSource::start() {
  if (fd_ < 0 && !has_stream()) open();
  reader_ = std::jthread([this](std::stop_token stop) { reader(stop); });
}

void SerialSource::disconnect(const std::string& why, double now_s) {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  partial_line_.clear();
  status_.set(false, "serial: " + config_.path.string() + " " + why + "; reconnecting");
  after_reconnect_ = true;
  backoff_.lost(now_s);
}

void SerialSource::take_line(std::string_view text, double now_s) {
  const SerialLine line = parse_serial_line(text);
  if (line.kind == SerialLine::Kind::malformed) {
    if (malformed_++ == 0) status_.report("serial: ignoring malformed line '" + std::string(text) + "'");
    return;
  }
  if (line.kind == SerialLine::Kind::rate) {
    if (std::fabs(line.rate_hz - sample_rate_hz_) > 1e-6 * sample_rate_hz_)
      status_.report("serial: device now declares " + std::to_string(line.rate_hz) + " Hz; the session stays at " +
             std::to_string(sample_rate_hz_) + " Hz");
    return;
  }
  if (line.kind != SerialLine::Kind::sample) return;

  // A gap: the T_MS step when the device's clock ran on (also across a reopen, where
  // lines buffered while nobody listened arrive late and arrival time would mislead),
  // else the silence we saw.
  const double period_s = 1.0 / sample_rate_hz_;
  const bool resumed = stalled_ || after_reconnect_;
  const double silence_s = now_s - last_data_s_;
  double gap_s = 0.0;
  const bool clock_runs_on = line.t_ms && last_t_ms_ && *line.t_ms >= *last_t_ms_ &&
                             (*line.t_ms - *last_t_ms_) / 1000.0 <= silence_s + 2.0;
  if (clock_runs_on) {
    const double step_s = (*line.t_ms - *last_t_ms_) / 1000.0;
    if (step_s > 2.5 * period_s) gap_s = step_s - period_s;
  } else if (resumed) {
    gap_s = silence_s - period_s;
  }
  if (gap_s > 0.0) {
    feed().mark_gap(gap_s);
    status_.count_gap();
  }
  if (after_reconnect_) {
    status_.reconnected();
  } else if (stalled_) {
    status_.set(true, "");
  }
  stalled_ = false;
  after_reconnect_ = false;
  last_t_ms_ = line.t_ms;
  last_data_s_ = now_s;
  const float value = static_cast<float>(line.value);
  feed().push(std::span<const float>(&value, 1));
}

void SerialSource::reader(std::stop_token stop) {
  char buffer[kReadChunk];
  while (!stop.stop_requested()) {
    const double now = wall_now_s();
    if (fd_ < 0) {
      if (backoff_.due(now)) {
        std::string error;
        fd_ = open_port(error);
        if (fd_ < 0) backoff_.failed(now);
      }
      if (fd_ < 0) {
        idle_until_stop(stop, std::chrono::milliseconds(kPollMs));
        continue;
      }
    }
    pollfd p{fd_, POLLIN, 0};
    const int ready = ::poll(&p, 1, kPollMs);
    if (ready < 0 && errno != EINTR) {
      disconnect(std::string("failed: ") + std::strerror(errno), wall_now_s());
      continue;
    }
    const double arrival = wall_now_s();
    if (p.revents & POLLIN) {
      const ssize_t n = ::read(fd_, buffer, sizeof buffer);
      if (n > 0) {
        for (ssize_t i = 0; i < n; ++i) {
          if (buffer[i] == '\n') {
            take_line(partial_line_, arrival);
            partial_line_.clear();
          } else if (partial_line_.size() < kMaxLineLength) {
            partial_line_ += buffer[i];
          }
        }
      } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
        disconnect(n == 0 ? "closed" : std::string("failed: ") + std::strerror(errno), arrival);
        continue;
      }
    } else if (p.revents & (POLLHUP | POLLERR | POLLNVAL)) {
      disconnect("closed", arrival);
      continue;
    }
    if (!stalled_ && arrival - last_data_s_ > config_.stall_timeout_s) {
      stalled_ = true;
      char why[160];
      std::snprintf(why, sizeof why, "serial: no data from %s for %.1f s",
                    config_.path.c_str(), arrival - last_data_s_);
      status_.set(false, why);
    }
  }
}

void SerialSource::stop() { stop_and_join(reader_); }

void SerialSource::close() {
  stop();
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  status_.set_connected(false);
}

SourceInfo SerialSource::info() const {
  return SourceInfo{.spec = spec_,
                    .kind = "serial",
                    .device_name = config_.path.string() + " (" + std::to_string(config_.baud) +
                                   " baud, rate " + rate_method_ + ")",
                    .sample_rate_hz = sample_rate_hz_,
                    .signal_kind = dsp::SignalKind::belt};
}

// serial:/dev/PATH[@BAUD]
std::unique_ptr<Source> make_serial_source(std::string spec, std::string_view path_and_baud) {
  SerialConfig config;
  std::string_view path = path_and_baud;
  const std::size_t at = path_and_baud.rfind('@');
  if (at != std::string_view::npos) {
    const auto baud = spec::to_number(path_and_baud.substr(at + 1));
    if (!baud || *baud != std::floor(*baud))
      throw SourceError("source '" + spec + "': baud rate must be a whole number");
    config.baud = static_cast<int>(*baud);
    path = path_and_baud.substr(0, at);
  }
  config.path = std::string(path);
  return std::make_unique<SerialSource>(config, std::move(spec));
}

}  // namespace respira::sensors
