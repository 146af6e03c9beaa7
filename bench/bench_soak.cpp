// bench_soak: does a long session stay healthy? Two runs through sensors::LivePipeline with
// a consumer that behaves like the window and the session recorder (a snapshot at ~60 Hz,
// every drain_*() emptied ten times a second):
//
//  1. Accelerated soak: HOURS (default 8) of input from the synthetic breather — rate
//     jitter, noise, drift, sighs, coughs, speech bursts and a 2 s dropout every 30 min,
//     so gaps are exercised too — paced by a clock running SPEED times faster than the
//     wall. Resident memory (and glibc heap in use) is sampled at every input hour; the
//     growth is the least-squares slope over hours 1..HOURS (hour 0 is warm-up: buffers
//     filling to their 60 s history). Passes below 1 MB per hour.
//  2. Real time: REALTIME seconds (default 120) of a belt streaming "T_MS,VALUE" lines at
//     RATE Hz (default 250) into a pseudo-terminal, read by the real SerialSource. Passes
//     when no sample is dropped: every line written is delivered, the ring reports zero
//     overflows, and the pipeline produced one status row per second of input.
//
//   bench_soak [--hours H] [--speed X] [--realtime-seconds S] [--serial-rate HZ] [--loop FILE]
// --loop FILE replaces the synthetic breather in part 1 by a real recording (CSV, WAV, EDF)
// played over and over, e.g. a stethoscope WAV for the microphone's breath-sound path.
// Prints the figures and exits non-zero if a pass condition fails.

#include <fcntl.h>
#include <malloc.h>
#include <termios.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <stop_token>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "sensors/clock.hpp"
#include "sensors/live_pipeline.hpp"
#include "sensors/recording.hpp"
#include "sensors/source.hpp"
#include "sensors/synthetic_source.hpp"

namespace {

using namespace respira::sensors;
using WallClock = std::chrono::steady_clock;

constexpr double kMaxGrowthMbPerHour = 1.0;

struct Options {
  double hours = 8.0;
  double speed = 5000.0;
  double realtime_s = 120.0;
  double serial_rate_hz = 250.0;
  std::string loop_file;  // empty: the synthetic breather
};

Options parse_options(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string_view flag = argv[i];
    const double value = std::atof(argv[i + 1]);
    if (flag == "--loop") o.loop_file = argv[i + 1];
    else if (flag == "--hours") o.hours = value;
    else if (flag == "--speed") o.speed = value;
    else if (flag == "--realtime-seconds") o.realtime_s = value;
    else if (flag == "--serial-rate") o.serial_rate_hz = value;
    else {
      std::fprintf(stderr, "bench_soak: unknown option %s\n", argv[i]);
      std::exit(2);
    }
  }
  if (argc % 2 == 0 || !(o.hours >= 2 && o.speed > 0 && o.realtime_s > 0 && o.serial_rate_hz > 0)) {
    std::fprintf(stderr, "usage: bench_soak [--hours H>=2] [--speed X] [--realtime-seconds S] [--serial-rate HZ] "
                         "[--loop FILE]\n");
    std::exit(2);
  }
  return o;
}

// Wall time scaled by a factor, so a paced source delivers hours of input in minutes.
class FastClock final : public Clock {
 public:
  explicit FastClock(double speed) : speed_(speed), origin_(WallClock::now()) {}
  double now_s() const override {
    return speed_ * std::chrono::duration<double>(WallClock::now() - origin_).count();
  }

 private:
  double speed_;
  WallClock::time_point origin_;
};

// A recording played in a loop, paced by `clock`: hours of real signal from minutes of file.
class LoopedRecording final : public Source {
 public:
  LoopedRecording(Recording recording, double duration_s, std::shared_ptr<const Clock> clock)
      : recording_(std::move(recording)),
        total_(static_cast<std::uint64_t>(std::llround(duration_s * recording_.sample_rate_hz))),
        pacer_(std::move(clock), recording_.sample_rate_hz) {}

  void open() override {}
  void start() override { pacer_.start(); }
  void stop() override {}
  void close() override {}
  SourceInfo info() const override {
    return {.spec = "loop:" + recording_.path.string(),
            .kind = "replay",
            .device_name = recording_.path.filename().string() + " (looped)",
            .sample_rate_hz = recording_.sample_rate_hz,
            .signal_kind = recording_.default_kind};
  }
  SourceHealth health() const override {
    SourceHealth h;
    h.connected = true;
    h.finished = delivered_ >= total_;
    h.samples_delivered = delivered_;
    return h;
  }
  ReadResult read(std::span<float> out) override {
    const std::uint64_t due = std::min(pacer_.due(), total_);
    const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(out.size(), due - std::min(due, delivered_)));
    const std::size_t length = recording_.samples.size();
    for (std::size_t i = 0; i < n; ++i) out[i] = recording_.samples[(delivered_ + i) % length];
    delivered_ += n;
    return {.count = n, .gap_before_s = 0.0};
  }
  double stream_time_s() const override { return static_cast<double>(delivered_) / recording_.sample_rate_hz; }

 private:
  Recording recording_;
  std::uint64_t total_;
  SamplePacer pacer_;
  std::uint64_t delivered_ = 0;
};

struct Memory {
  double rss_mb = 0.0;
  double heap_mb = 0.0;  // bytes handed out by malloc and not freed
};

Memory memory_now() {
  Memory m;
  std::ifstream statm("/proc/self/statm");
  long pages_total = 0, pages_resident = 0;
  statm >> pages_total >> pages_resident;
  m.rss_mb = static_cast<double>(pages_resident) * static_cast<double>(sysconf(_SC_PAGESIZE)) / 1048576.0;
  m.heap_mb = static_cast<double>(mallinfo2().uordblks) / 1048576.0;
  return m;
}

// What the window and the session recorder do with a running pipeline.
struct Consumer {
  std::uint64_t snapshots = 0, breaths = 0, waveform = 0, gaps = 0, seconds = 0;
  std::shared_ptr<const LiveSnapshot> last;
  WallClock::time_point next_drain = WallClock::now();

  void poll(LivePipeline& pipeline) {
    last = pipeline.snapshot();
    ++snapshots;
    if (WallClock::now() < next_drain) return;
    next_drain += std::chrono::milliseconds(100);
    drain(pipeline);
  }
  void drain(LivePipeline& pipeline) {
    for (const auto& e : pipeline.drain_events()) breaths += e.type == respira::dsp::BreathEventType::inhale;
    waveform += pipeline.drain_waveform().size();
    gaps += pipeline.drain_gaps().size();
    seconds += pipeline.drain_seconds().size();
  }
};

double slope(const std::vector<double>& x, const std::vector<double>& y) {
  const double n = static_cast<double>(x.size());
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    sx += x[i];
    sy += y[i];
    sxx += x[i] * x[i];
    sxy += x[i] * y[i];
  }
  return (n * sxy - sx * sy) / (n * sxx - sx * sx);
}

bool accelerated_soak(const Options& o) {
  SyntheticConfig config;
  config.sample_rate_hz = 100.0;
  config.rate_bpm = 12.0;
  config.rate_jitter = 0.08;
  config.noise_rms = 0.05;
  config.drift_amplitude = 0.3;
  config.sigh_every_s = 300.0;
  config.cough_every_s = 420.0;
  config.speech_every_s = 900.0;
  config.dropout_every_s = 1800.0;
  config.dropout_s = 2.0;
  config.duration_s = o.hours * 3600.0;
  const auto clock = std::make_shared<FastClock>(o.speed);
  std::unique_ptr<Source> source;
  if (o.loop_file.empty()) {
    source = std::make_unique<SyntheticSource>(config, "synthetic (soak)", clock);
    std::printf("== accelerated soak: %.1f h of 100 Hz synthetic belt at up to %.0fx\n", o.hours, o.speed);
  } else {
    Recording recording = read_recording(o.loop_file);
    std::printf("== accelerated soak: %.1f h of %s (%.0f Hz, %.0f s, looped) at up to %.0fx\n", o.hours,
                o.loop_file.c_str(), recording.sample_rate_hz, recording.duration_s(), o.speed);
    source = std::make_unique<LoopedRecording>(std::move(recording), o.hours * 3600.0, clock);
  }
  LivePipeline pipeline(std::move(source));
  std::printf("%6s %10s %10s %9s %11s %6s\n", "hour", "RSS MB", "heap MB", "breaths", "status rows", "gaps");
  const auto start = WallClock::now();
  Consumer consumer;
  std::vector<double> hours, rss, heap;
  pipeline.start();
  auto report_hour = [&](int hour) {
    const Memory m = memory_now();
    hours.push_back(hour);
    rss.push_back(m.rss_mb);
    heap.push_back(m.heap_mb);
    std::printf("%6d %10.2f %10.3f %9llu %11llu %6llu\n", hour, m.rss_mb, m.heap_mb,
                static_cast<unsigned long long>(consumer.breaths),
                static_cast<unsigned long long>(consumer.seconds),
                static_cast<unsigned long long>(consumer.gaps));
    std::fflush(stdout);
  };
  int next_hour = 0;
  while (!pipeline.finished()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(16));
    consumer.poll(pipeline);
    if (consumer.last && consumer.last->breath.time_s >= next_hour * 3600.0) report_hour(next_hour++);
  }
  pipeline.stop();
  consumer.drain(pipeline);
  if (next_hour <= static_cast<int>(o.hours)) report_hour(next_hour);
  const double wall_s = std::chrono::duration<double>(WallClock::now() - start).count();

  hours.erase(hours.begin());  // hour 0: warm-up
  rss.erase(rss.begin());
  heap.erase(heap.begin());
  const double rss_growth = slope(hours, rss);
  const double heap_growth = slope(hours, heap);
  const auto expected_rows = static_cast<std::uint64_t>(o.hours * 3600.0);
  std::printf("input %.2f h in %.1f s wall (%.0fx real time); %llu snapshots read\n",
              consumer.last ? consumer.last->breath.time_s / 3600.0 : 0.0, wall_s,
              o.hours * 3600.0 / wall_s, static_cast<unsigned long long>(consumer.snapshots));
  std::printf("status rows %llu of %llu expected; breaths %llu; gaps marked %llu\n",
              static_cast<unsigned long long>(consumer.seconds),
              static_cast<unsigned long long>(expected_rows),
              static_cast<unsigned long long>(consumer.breaths),
              static_cast<unsigned long long>(consumer.gaps));
  std::printf("memory growth, hours 1-%.0f: RSS %+.3f MB/h, heap %+.3f MB/h (limit %.1f MB/h)\n", o.hours,
              rss_growth, heap_growth, kMaxGrowthMbPerHour);
  const bool rows_ok = consumer.seconds + 1 >= expected_rows && consumer.seconds <= expected_rows + 1;
  const bool ok = rss_growth < kMaxGrowthMbPerHour && heap_growth < kMaxGrowthMbPerHour && rows_ok;
  std::printf("accelerated soak: %s\n", ok ? "PASS" : "FAIL");
  return ok;
}

// A belt on the far side of a pseudo-terminal, writing lines on a fixed schedule.
class PtyBelt {
 public:
  explicit PtyBelt(double rate_hz) : rate_hz_(rate_hz) {
    master_ = ::posix_openpt(O_RDWR | O_NOCTTY);
    if (master_ < 0 || ::grantpt(master_) != 0 || ::unlockpt(master_) != 0)
      throw SourceError(std::string("cannot create a pseudo-terminal: ") + std::strerror(errno));
    path_ = ::ptsname(master_);
    // Hold the slave open and raw so the line discipline neither echoes nor hangs up.
    slave_ = ::open(path_.c_str(), O_RDWR | O_NOCTTY);
    termios tio{};
    if (slave_ < 0 || ::tcgetattr(slave_, &tio) != 0)
      throw SourceError("cannot open " + path_ + ": " + std::strerror(errno));
    ::cfmakeraw(&tio);
    ::tcsetattr(slave_, TCSANOW, &tio);
  }
  ~PtyBelt() {
    writer_ = {};  // join before closing what it writes to
    ::close(slave_);
    ::close(master_);
  }
  const std::string& path() const { return path_; }

  void start(double duration_s) {
    const auto lines = static_cast<std::uint64_t>(std::llround(duration_s * rate_hz_));
    writer_ = std::jthread([this, lines](std::stop_token stop) { write_lines(stop, lines); });
  }
  bool done() const { return done_.load(); }
  std::uint64_t written() const { return written_.load(); }

 private:
  void write_lines(std::stop_token stop, std::uint64_t lines) {
    SyntheticConfig shape;
    shape.sample_rate_hz = rate_hz_;
    SyntheticBreather breather(shape);
    char line[64];
    write_all(line, std::snprintf(line, sizeof line, "#rate=%g\n", rate_hz_));
    const auto start = WallClock::now();
    for (std::uint64_t n = 0; n < lines && !stop.stop_requested(); ++n) {
      std::this_thread::sleep_until(start + std::chrono::duration<double>(n / rate_hz_));
      const int len = std::snprintf(line, sizeof line, "%.3f,%.5f\n", 1000.0 * n / rate_hz_, breather.next());
      if (!write_all(line, len)) break;
      written_.store(n + 1);
    }
    done_.store(true);
  }
  bool write_all(const char* text, int len) {
    while (len > 0) {
      const ssize_t n = ::write(master_, text, static_cast<std::size_t>(len));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      text += n;
      len -= static_cast<int>(n);
    }
    return true;
  }

  double rate_hz_;
  int master_ = -1, slave_ = -1;
  std::string path_;
  std::atomic<std::uint64_t> written_{0};
  std::atomic<bool> done_{false};
  std::jthread writer_;
};

bool realtime_run(const Options& o) {
  std::printf("== real time: %.0f s of a %.0f Hz serial belt over a pseudo-terminal\n", o.realtime_s,
              o.serial_rate_hz);
  PtyBelt belt(o.serial_rate_hz);
  belt.start(o.realtime_s);
  LivePipeline pipeline(make_source("serial:" + belt.path()));
  const Memory before = memory_now();
  pipeline.start();
  Consumer consumer;
  while (!belt.done()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(16));
    consumer.poll(pipeline);
  }
  // Let the last lines through the pty and the ring.
  const auto deadline = WallClock::now() + std::chrono::seconds(3);
  while (WallClock::now() < deadline && pipeline.snapshot()->health.samples_delivered < belt.written()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(16));
    consumer.poll(pipeline);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // one more publication
  const SourceHealth health = pipeline.snapshot()->health;
  pipeline.stop();
  consumer.drain(pipeline);
  const Memory after = memory_now();

  const std::uint64_t written = belt.written();
  const auto expected_rows = static_cast<std::uint64_t>(std::floor((written - 1) / o.serial_rate_hz)) + 1;
  std::printf("lines written %llu, samples delivered %llu, ring overflows %llu, gaps %llu, reconnects %llu\n",
              static_cast<unsigned long long>(written),
              static_cast<unsigned long long>(health.samples_delivered),
              static_cast<unsigned long long>(health.samples_dropped),
              static_cast<unsigned long long>(health.gaps), static_cast<unsigned long long>(health.reconnects));
  std::printf("status rows %llu (expected %llu); breaths %llu; RSS %.2f -> %.2f MB\n",
              static_cast<unsigned long long>(consumer.seconds), static_cast<unsigned long long>(expected_rows),
              static_cast<unsigned long long>(consumer.breaths), before.rss_mb, after.rss_mb);
  const std::uint64_t dropped = written - std::min(written, health.samples_delivered) + health.samples_dropped;
  const bool ok = dropped == 0 && health.gaps == 0 && consumer.seconds == expected_rows;
  std::printf("dropped samples at 1x: %llu -> %s\n", static_cast<unsigned long long>(dropped),
              ok ? "PASS" : "FAIL");
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  const Options options = parse_options(argc, argv);
  try {
    const bool soak_ok = accelerated_soak(options);
    const bool realtime_ok = realtime_run(options);
    return soak_ok && realtime_ok ? 0 : 1;
  } catch (const std::exception& e) {
    std::printf("bench_soak: %s\n", e.what());
    return 1;
  }
}
