// `respira live`: a headless live session. Opens a source, runs the live pipeline and
// prints one status line per second of input; optionally writes the breath events and
// per-second rates in exactly the formats of `respira analyze`.
//
//   respira live --source SPEC [--duration SECONDS] [--events-csv E] [--rates-csv R]
//
// The files are written as the session goes (flushed every second), so a session cut
// short by a crash still keeps what was measured. SIGINT/SIGTERM are taken with
// sigtimedwait() on this thread (blocked everywhere else), so Ctrl-C ends the session
// through the normal path: pipeline stopped, last rows written, files closed.

#include <signal.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <memory>
#include <optional>
#include <string>

#include "command_registry.hpp"
#include "sensors/live_pipeline.hpp"
#include "sensors/source.hpp"

namespace respira::cli {
namespace {

struct LiveOptions {
  std::string source;
  double duration_s = 0.0;  // 0 = until Ctrl-C or the end of a finite source
  std::string events_csv, rates_csv;
};

const char* phase_name(dsp::BreathPhase phase) {
  switch (phase) {
    case dsp::BreathPhase::inhale: return "inhale";
    case dsp::BreathPhase::exhale: return "exhale";
    case dsp::BreathPhase::pause: return "pause";
    case dsp::BreathPhase::unknown: break;
  }
  return "-";
}

std::ofstream open_output(const std::string& path, const char* header) {
  std::ofstream out(path, std::ios::trunc);
  if (!out) throw CommandFailure{path + ": cannot open for writing", 1};
  out << header << '\n';
  return out;
}

// SIGINT/SIGTERM blocked for this thread and every thread it starts; restored on exit.
class TerminationSignals {
 public:
  TerminationSignals() {
    sigemptyset(&set_);
    sigaddset(&set_, SIGINT);
    sigaddset(&set_, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set_, &previous_);
  }
  ~TerminationSignals() { pthread_sigmask(SIG_SETMASK, &previous_, nullptr); }
  TerminationSignals(const TerminationSignals&) = delete;
  TerminationSignals& operator=(const TerminationSignals&) = delete;

  // Waits up to `timeout`; returns the signal number or 0.
  int wait(std::chrono::milliseconds timeout) const {
    timespec ts{};
    ts.tv_sec = static_cast<time_t>(timeout.count() / 1000);
    ts.tv_nsec = static_cast<long>((timeout.count() % 1000) * 1000000);
    const int sig = sigtimedwait(&set_, nullptr, &ts);
    return sig > 0 ? sig : 0;
  }

 private:
  sigset_t set_{};
  sigset_t previous_{};
};

class LiveSession {
 public:
  explicit LiveSession(const LiveOptions& o) : options_(o) {
    if (!o.events_csv.empty()) events_ = open_output(o.events_csv, "time_s,type,emitted_s");
    if (!o.rates_csv.empty()) rates_ = open_output(o.rates_csv, "time_s,rate_bpm");
  }

  int run() {
    const TerminationSignals signals;
    std::unique_ptr<sensors::Source> source;
    try {
      source = sensors::make_source(options_.source);
    } catch (const sensors::SourceError& e) {
      throw CommandFailure{e.what(), 2};
    }
    sensors::LivePipeline pipeline(std::move(source));
    try {
      pipeline.start();
    } catch (const sensors::SourceError& e) {
      throw CommandFailure{e.what(), 1};
    }
    const auto first = pipeline.snapshot();
    std::printf("live: %s (%s, %.6g Hz)\n", first->source.spec.c_str(),
                first->source.device_name.c_str(), first->source.sample_rate_hz);
    std::fflush(stdout);

    const auto started = std::chrono::steady_clock::now();
    const char* reason = "source finished";
    while (true) {
      if (const int sig = signals.wait(std::chrono::milliseconds(100))) {
        reason = sig == SIGINT ? "interrupted" : "terminated";
        break;
      }
      const bool exhausted = pipeline.finished();
      drain(pipeline);
      if (exhausted) break;
      const double elapsed =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      if (options_.duration_s > 0.0 && elapsed >= options_.duration_s) {
        reason = "duration reached";
        break;
      }
    }
    pipeline.stop();
    drain(pipeline);
    const auto last = pipeline.snapshot();
    std::printf("live: stopped (%s) after %.1f s of input: %llu breaths, %llu gaps, "
                "%llu reconnects, %llu samples dropped\n",
                reason, last->breath.time_s,
                static_cast<unsigned long long>(last->breath.breath_count),
                static_cast<unsigned long long>(last->health.gaps),
                static_cast<unsigned long long>(last->health.reconnects),
                static_cast<unsigned long long>(last->health.samples_dropped));
    std::fflush(stdout);
    if (events_ && !events_->good()) throw CommandFailure{options_.events_csv + ": write failed", 1};
    if (rates_ && !rates_->good()) throw CommandFailure{options_.rates_csv + ": write failed", 1};
    return 0;
  }

 private:
  void drain(sensors::LivePipeline& pipeline) {
    auto events = pipeline.drain_events();
    std::sort(events.begin(), events.end(),
              [](const auto& a, const auto& b) { return a.time_s < b.time_s; });
    if (events_) {
      for (const auto& e : events) {
        char row[96];
        std::snprintf(row, sizeof row, "%.3f,%s,%.3f\n", e.time_s,
                      e.type == dsp::BreathEventType::exhale ? "exhale" : "inhale", e.emitted_s);
        *events_ << row;
      }
      events_->flush();
    }
    for (const auto& gap : pipeline.drain_gaps()) {
      std::fprintf(stderr, "live: gap of %.2f s in the input at %.2f s\n", gap.duration_s,
                   gap.start_s);
    }
    const auto snap = pipeline.snapshot();
    report_health(snap->health);
    if (snap->source.kind == "mic" && !noise_floor_reported_ && snap->breath.time_s >= 1.5) {
      std::fprintf(stderr, "live: microphone noise floor %.1f dBFS (first second)\n",
                   snap->health.noise_floor_db);
      noise_floor_reported_ = true;
    }
    for (const auto& second : pipeline.drain_seconds()) {
      const long t = std::lround(second.time_s);
      if (rates_) {
        *rates_ << t << ',';
        if (std::isfinite(second.rate_bpm)) {
          char value[32];
          std::snprintf(value, sizeof value, "%.3f", second.rate_bpm);
          *rates_ << value;
        }
        *rates_ << '\n';
      }
      print_status(second, snap->heart);
    }
    if (rates_) rates_->flush();
    std::fflush(stdout);
  }

  void print_status(const sensors::SecondStatus& s, const std::optional<sensors::HeartMetrics>& heart) {
    char rate[16] = "--.-";
    if (std::isfinite(s.rate_bpm)) std::snprintf(rate, sizeof rate, "%4.1f", s.rate_bpm);
    char extra[96] = "";
    if (heart && std::isfinite(heart->heart_rate_bpm)) {
      std::snprintf(extra, sizeof extra, "  hr %5.1f bpm  rmssd %5.1f ms  rsa %4.1f bpm",
                    heart->heart_rate_bpm, heart->rmssd_ms, heart->rsa_amplitude_bpm);
    }
    const char* flag = s.in_gap ? "  [no input]" : s.clipping ? "  [clipping]" : s.silent ? "  [silent]" : "";
    std::printf("t=%5ld s  rate %s /min  phase %-6s  quality %.2f  level %6.1f dB%s%s\n",
                std::lround(s.time_s), rate, s.in_gap ? "gap" : phase_name(s.phase),
                s.signal_quality, s.level_db, extra, flag);
  }

  // Device trouble goes to stderr once per change, not every second.
  void report_health(const sensors::SourceHealth& h) {
    if (h.last_error != last_error_) {
      if (!h.last_error.empty()) std::fprintf(stderr, "live: %s\n", h.last_error.c_str());
      last_error_ = h.last_error;
    }
    if (h.connected != connected_) {
      if (h.connected && seen_connected_) std::fprintf(stderr, "live: source reconnected\n");
      if (!h.connected && seen_connected_) std::fprintf(stderr, "live: source disconnected\n");
      connected_ = h.connected;
      seen_connected_ = seen_connected_ || h.connected;
    }
    if (h.samples_dropped > dropped_) {
      std::fprintf(stderr, "live: %llu samples dropped (processing fell behind)\n",
                   static_cast<unsigned long long>(h.samples_dropped - dropped_));
      dropped_ = h.samples_dropped;
    }
  }

  LiveOptions options_;
  std::optional<std::ofstream> events_;
  std::optional<std::ofstream> rates_;
  std::string last_error_;
  bool connected_ = false;
  bool seen_connected_ = false;
  bool noise_floor_reported_ = false;
  std::uint64_t dropped_ = 0;
};

void add_live(CLI::App& app) {
  auto options = std::make_shared<LiveOptions>();
  auto* cmd = app.add_subcommand("live", "Headless live session from a sensor (status each second)");
  cmd->add_option("--source", options->source,
                  "mic[:DEVICE] | serial:/dev/PATH[@BAUD] | ble:ADDRESS | replay:FILE[@SPEED] | "
                  "synthetic[:RATE[,key=value...]]")
      ->required();
  cmd->add_option("--duration", options->duration_s,
                  "Stop after this many seconds (wall clock); default: until Ctrl-C")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--events-csv", options->events_csv, "Breath events: time_s,type,emitted_s");
  cmd->add_option("--rates-csv", options->rates_csv, "Causal rate each second: time_s,rate_bpm");
  cmd->callback([options] {
    LiveSession session(*options);
    session.run();
  });
}

const CommandRegistration kLive{40, &add_live};

}  // namespace
}  // namespace respira::cli
