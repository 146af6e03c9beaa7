// `respira analyze`: runs the DSP core over recordings, exactly as it runs live (fed one
// second at a time, causally), and writes the events, per-second rates and a summary.
//
//   respira analyze INPUT --events-csv E --rates-csv R [--summary-json S] [--column NAME]
//                   [--sample-rate HZ] [--kind belt|audio]
//   respira analyze INPUT... --out-dir DIR [...]   (batch; a progress bar on a terminal)
//
// Outputs are written to temporary files and renamed into place only when complete,
// so a failure never leaves a partial file that looks finished.

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "command_registry.hpp"
#include "dsp/breath_analyzer.hpp"
#include "sensors/recording.hpp"

namespace fs = std::filesystem;

namespace respira::cli {
namespace {

struct AnalyzeOptions {
  std::vector<std::string> inputs;
  std::string events_csv, rates_csv, summary_json, out_dir, column, kind;
  double sample_rate_hz = 0.0;
};

struct Analysis {
  std::vector<dsp::BreathEvent> events;
  std::vector<double> rates;    // one per whole second, NaN when unknown
  std::vector<double> quality;  // one per whole second
  std::vector<double> ie_ratios;  // per breath, from the analyzer's inhale/exhale timing
  dsp::BreathState final_state;
  double processing_s = 0.0;
};

Analysis run_analyzer(const sensors::Recording& rec, dsp::SignalKind kind) {
  dsp::AnalyzerConfig config;
  config.sample_rate_hz = rec.sample_rate_hz;
  config.kind = kind;
  config.max_block_samples = static_cast<std::size_t>(std::ceil(rec.sample_rate_hz)) + 2;
  dsp::BreathAnalyzer analyzer(config);
  Analysis out;
  const std::size_t n = rec.samples.size();
  const auto seconds = static_cast<std::size_t>(std::floor((n - 1) / rec.sample_rate_hz + 1e-6)) + 1;
  out.rates.reserve(seconds);
  out.quality.reserve(seconds);
  const auto start = std::chrono::steady_clock::now();
  std::size_t done = 0;
  std::uint64_t breaths = 0;
  for (std::size_t t = 0; t < seconds; ++t) {
    // The row for second t sees every sample whose time is <= t.
    const std::size_t end =
        std::min(n, static_cast<std::size_t>(std::floor(t * rec.sample_rate_hz + 1e-6)) + 1);
    const auto result =
        analyzer.process(std::span<const float>(rec.samples).subspan(done, end - done));
    done = end;
    out.events.insert(out.events.end(), result.events.begin(), result.events.end());
    out.rates.push_back(analyzer.state().rate_bpm);
    out.quality.push_back(analyzer.state().signal_quality);
    if (analyzer.state().breath_count > breaths) {
      breaths = analyzer.state().breath_count;
      out.ie_ratios.push_back(analyzer.state().ie_ratio);
    }
  }
  if (done < n) {
    const auto result = analyzer.process(std::span<const float>(rec.samples).subspan(done));
    out.events.insert(out.events.end(), result.events.begin(), result.events.end());
  }
  out.processing_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  out.final_state = analyzer.state();
  return out;
}

double median_of(std::vector<double> v) {
  std::erase_if(v, [](double x) { return !std::isfinite(x); });
  if (v.empty()) return dsp::kNoValue;
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]);
}

double mean_of(const std::vector<double>& v) {
  double sum = 0.0;
  std::size_t count = 0;
  for (double x : v)
    if (std::isfinite(x)) {
      sum += x;
      ++count;
    }
  return count ? sum / count : dsp::kNoValue;
}

double sd_of(const std::vector<double>& v) {
  const double m = mean_of(v);
  double sum = 0.0;
  std::size_t count = 0;
  for (double x : v)
    if (std::isfinite(x)) {
      sum += (x - m) * (x - m);
      ++count;
    }
  return count > 1 ? std::sqrt(sum / (count - 1)) : dsp::kNoValue;
}

nlohmann::json number_or_null(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(); }

nlohmann::json summarise(const sensors::Recording& rec, dsp::SignalKind kind, const Analysis& a) {
  std::vector<double> intervals, depth;
  const dsp::BreathEvent* last_peak = nullptr;
  for (const auto& e : a.events) {
    if (e.type != dsp::BreathEventType::exhale) continue;
    if (last_peak) intervals.push_back(e.time_s - last_peak->time_s);
    depth.push_back(e.amplitude);
    last_peak = &e;
  }
  const double duration = rec.duration_s();
  const double interval_sd = sd_of(intervals);
  const double interval_mean = mean_of(intervals);
  return {
      {"file", rec.path.string()},
      {"channel", rec.channel},
      {"kind", kind == dsp::SignalKind::audio ? "audio" : "belt"},
      {"sample_rate_hz", rec.sample_rate_hz},
      {"duration_s", duration},
      {"breaths", a.final_state.breath_count},
      {"median_rate_bpm", number_or_null(median_of(a.rates))},
      {"mean_rate_bpm", number_or_null(mean_of(a.rates))},
      {"mean_ie_ratio", number_or_null(mean_of(a.ie_ratios))},
      {"mean_depth", number_or_null(mean_of(depth))},
      {"depth_cv", number_or_null(sd_of(depth) / mean_of(depth))},
      {"interval_sd_s", number_or_null(interval_sd)},
      {"interval_cv", number_or_null(interval_sd / interval_mean)},
      {"sighs", a.final_state.sigh_count},
      {"apneas", a.final_state.apnea_count},
      {"mean_signal_quality", number_or_null(mean_of(a.quality))},
      {"processing_time_s", a.processing_s},
      {"x_real_time", a.processing_s > 0 ? nlohmann::json(duration / a.processing_s) : nlohmann::json()},
  };
}

// Collects outputs in temporary files beside their targets; commit() renames them all,
// the destructor removes whatever was not committed.
class AtomicOutputs {
 public:
  AtomicOutputs() = default;
  AtomicOutputs(const AtomicOutputs&) = delete;
  AtomicOutputs& operator=(const AtomicOutputs&) = delete;
  ~AtomicOutputs() {
    std::error_code ec;
    for (const auto& [tmp, target] : files_) fs::remove(tmp, ec);
  }

  void write(const fs::path& target, const std::string& content) {
    fs::path tmp = target;
    tmp += ".tmp-" + std::to_string(::getpid());
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw CommandFailure{target.string() + ": cannot write (" + std::strerror(errno) + ")"};
    files_.emplace_back(tmp, target);
    out << content;
    out.close();
    if (!out) throw CommandFailure{target.string() + ": write failed (disk full?)"};
  }

  void commit() {
    for (const auto& [tmp, target] : files_) {
      std::error_code ec;
      fs::rename(tmp, target, ec);
      if (ec) throw CommandFailure{target.string() + ": cannot move into place (" + ec.message() + ")"};
    }
    files_.clear();
  }

 private:
  std::vector<std::pair<fs::path, fs::path>> files_;
};

std::string format(const char* pattern, double a, double b = 0.0) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, pattern, a, b);
  return buffer;
}

std::string events_csv(const Analysis& a) {
  std::string out = "time_s,type,emitted_s\n";
  for (const auto& e : a.events) {
    out += format("%.3f", e.time_s);
    out += e.type == dsp::BreathEventType::exhale ? ",exhale," : ",inhale,";
    out += format("%.3f\n", e.emitted_s);
  }
  return out;
}

std::string rates_csv(const Analysis& a) {
  std::string out = "time_s,rate_bpm\n";
  for (std::size_t t = 0; t < a.rates.size(); ++t) {
    out += std::to_string(t) + ",";
    if (std::isfinite(a.rates[t])) out += format("%.3f", a.rates[t]);
    out += "\n";
  }
  return out;
}

struct Targets {
  fs::path events, rates, summary;  // summary empty = not wanted
};

void analyse_one(const AnalyzeOptions& o, const fs::path& input, const Targets& targets) {
  sensors::RecordingOptions ro;
  if (!o.column.empty()) ro.column = o.column;
  if (o.sample_rate_hz > 0) ro.sample_rate_hz = o.sample_rate_hz;
  sensors::Recording rec;
  try {
    rec = sensors::read_recording(input, ro);
  } catch (const sensors::RecordingError& e) {
    throw CommandFailure{e.what()};
  }
  const dsp::SignalKind kind = o.kind.empty()   ? rec.default_kind
                               : o.kind == "audio" ? dsp::SignalKind::audio
                                                   : dsp::SignalKind::belt;
  const Analysis analysis = run_analyzer(rec, kind);
  AtomicOutputs outputs;
  outputs.write(targets.events, events_csv(analysis));
  outputs.write(targets.rates, rates_csv(analysis));
  if (!targets.summary.empty()) outputs.write(targets.summary, summarise(rec, kind, analysis).dump(2) + "\n");
  outputs.commit();
}

void draw_progress(std::size_t done, std::size_t total, const std::string& name) {
  constexpr int kWidth = 30;
  const int filled = static_cast<int>(kWidth * done / std::max<std::size_t>(total, 1));
  std::string bar(filled, '=');
  bar.resize(kWidth, ' ');
  std::fprintf(stderr, "\r[%s] %zu/%zu %-40.40s", bar.c_str(), done, total, name.c_str());
  if (done == total) std::fputc('\n', stderr);
  std::fflush(stderr);
}

void run(const AnalyzeOptions& o) {
  if (o.out_dir.empty()) {
    if (o.inputs.size() != 1)
      throw CommandFailure{"several inputs need --out-dir DIR (or give one INPUT with --events-csv and --rates-csv)"};
    if (o.events_csv.empty() || o.rates_csv.empty())
      throw CommandFailure{"--events-csv and --rates-csv are required (or use --out-dir DIR)"};
    analyse_one(o, o.inputs.front(),
                {o.events_csv, o.rates_csv, o.summary_json.empty() ? fs::path() : fs::path(o.summary_json)});
    return;
  }
  std::error_code ec;
  fs::create_directories(o.out_dir, ec);
  if (ec) throw CommandFailure{o.out_dir + ": cannot create output directory (" + ec.message() + ")"};
  const bool tty = ::isatty(STDERR_FILENO) == 1;
  std::size_t failures = 0;
  for (std::size_t i = 0; i < o.inputs.size(); ++i) {
    const fs::path input = o.inputs[i];
    if (tty) draw_progress(i, o.inputs.size(), input.filename().string());
    const fs::path base = fs::path(o.out_dir) / input.stem();
    try {
      analyse_one(o, input, {base.string() + "_events.csv", base.string() + "_rates.csv",
                             base.string() + "_summary.json"});
    } catch (const CommandFailure& failure) {
      if (tty) std::fputc('\n', stderr);
      std::fprintf(stderr, "respira: %s\n", failure.message.c_str());
      ++failures;
    }
  }
  if (tty) draw_progress(o.inputs.size(), o.inputs.size(), "done");
  if (failures)
    throw CommandFailure{std::to_string(failures) + " of " + std::to_string(o.inputs.size()) +
                         " recordings failed"};
}

void add_analyze(CLI::App& app) {
  auto options = std::make_shared<AnalyzeOptions>();
  auto* cmd = app.add_subcommand("analyze", "Detect breaths, rate and rhythm in a recording (CSV, WAV, EDF)");
  cmd->add_option("INPUT", options->inputs, "Recording(s): CSV with a header, WAV, EDF/EDF+")->required();
  cmd->add_option("--events-csv", options->events_csv, "Breath events: time_s,type,emitted_s");
  cmd->add_option("--rates-csv", options->rates_csv, "Causal rate each second: time_s,rate_bpm");
  cmd->add_option("--summary-json", options->summary_json, "Summary figures as JSON");
  cmd->add_option("--column", options->column, "CSV column / EDF signal holding respiration");
  cmd->add_option("--sample-rate", options->sample_rate_hz, "Sample rate in Hz (CSV without a time column)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--kind", options->kind, "Signal kind (default: audio for WAV, belt otherwise)")
      ->check(CLI::IsMember({"belt", "audio"}));
  cmd->add_option("--out-dir", options->out_dir, "Batch mode: write NAME_events.csv, NAME_rates.csv, NAME_summary.json here");
  cmd->callback([options] { run(*options); });
}

const CommandRegistration kAnalyze{30, &add_analyze};

}  // namespace
}  // namespace respira::cli
