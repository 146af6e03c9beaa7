// `respira session record|list|show`: recording a session headless through the same
// live pipeline as the window, and reading sessions back.
//
//   respira session record --patient ID --source SPEC --duration SECONDS
//       [--pre-tension N] [--post-tension N] [--place home|clinic] [--pacer-rate BPM]
//       [--pacer-ie IN:OUT] [--region NAME=BEFORE:AFTER]... [--notes TEXT] [--flare-up]
//   respira session list [--patient ID]
//   respira session show ID
//
// Samples reach the database in batches at most 0.5 s apart, so SIGKILL loses under a
// second; Ctrl-C/SIGTERM end the session through the normal path as 'interrupted'.

#include <signal.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "command_registry.hpp"
#include "sensors/live_pipeline.hpp"
#include "sensors/source.hpp"
#include "session/metrics.hpp"
#include "session/recorder.hpp"
#include "session_store_option.hpp"

namespace respira::cli {
namespace {

struct SessionOptions {
  std::string db;
  std::string patient;
  std::string source;
  double duration_s = 0.0;
  std::optional<int> pre_tension, post_tension;
  std::string place = "home";
  std::optional<double> pacer_rate;
  std::string pacer_ie;
  std::vector<std::string> regions;
  std::string notes;
  std::string programme_step;
  bool flare_up = false;
  std::string session_id;
};

std::string value_or_dash(const std::optional<double>& v, int decimals, const char* suffix = "") {
  if (!v) return "-";
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f%s", decimals, *v, suffix);
  return buffer;
}
std::string value_or_dash(const std::optional<int>& v) { return v ? std::to_string(*v) : "-"; }

std::optional<int> parse_rating(const std::string& text, const std::string& what) {
  if (text.empty()) return std::nullopt;
  std::size_t used = 0;
  int value = -1;
  try {
    value = std::stoi(text, &used);
  } catch (const std::exception&) {
  }
  if (used != text.size() || !session::is_valid_rating(value))
    throw CommandFailure{what + ": '" + text + "' is not a rating from 0 to 10", 2};
  return value;
}

// "neck=6:4", "jaw=5" (before only), "lower_back=:3" (after only).
session::RegionRating parse_region(const std::string& text) {
  const auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0)
    throw CommandFailure{"--region '" + text + "': expected NAME=BEFORE:AFTER, e.g. upper_trapezius=6:3", 2};
  session::RegionRating r;
  r.region = text.substr(0, eq);
  const std::string values = text.substr(eq + 1);
  const auto colon = values.find(':');
  r.before = parse_rating(values.substr(0, colon), "--region " + r.region);
  if (colon != std::string::npos) r.after = parse_rating(values.substr(colon + 1), "--region " + r.region);
  if (!r.before && !r.after) throw CommandFailure{"--region '" + text + "': no rating given", 2};
  return r;
}

// "4:6" -> 0.667 (inhale / exhale), or a plain ratio.
double parse_ie(const std::string& text) {
  try {
    const auto colon = text.find(':');
    std::size_t used = 0;
    if (colon == std::string::npos) {
      const double v = std::stod(text, &used);
      if (used == text.size() && v > 0 && v <= 4) return v;
    } else {
      const double in = std::stod(text.substr(0, colon));
      const double out = std::stod(text.substr(colon + 1), &used);
      if (used == text.size() - colon - 1 && in > 0 && out > 0 && in / out <= 4) return in / out;
    }
  } catch (const std::exception&) {
  }
  throw CommandFailure{"--pacer-ie '" + text + "': expected IN:OUT such as 4:6, or a ratio such as 0.67", 2};
}

// SIGINT/SIGTERM are blocked in this thread and every thread started after it, and a
// watcher thread takes them with sigtimedwait() to request a clean stop.
class StopOnSignal {
 public:
  StopOnSignal() {
    sigemptyset(&set_);
    sigaddset(&set_, SIGINT);
    sigaddset(&set_, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set_, &previous_);
    watcher_ = std::jthread([this](std::stop_token token) {
      while (!token.stop_requested()) {
        const timespec timeout{0, 100'000'000};
        if (sigtimedwait(&set_, nullptr, &timeout) > 0) {
          stop_.request_stop();
          return;
        }
      }
    });
  }
  ~StopOnSignal() {
    watcher_.request_stop();
    watcher_.join();
    pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
  }
  StopOnSignal(const StopOnSignal&) = delete;
  StopOnSignal& operator=(const StopOnSignal&) = delete;
  std::stop_token token() const { return stop_.get_token(); }

 private:
  sigset_t set_{}, previous_{};
  std::stop_source stop_;
  std::jthread watcher_;
};

void record(const SessionOptions& o) {
  if (!(o.duration_s > 0.0) || o.duration_s > 24 * 3600) throw CommandFailure{"--duration must be between 0 and 86400 seconds", 2};
  const auto place = session::parse_place(o.place);
  if (!place) throw CommandFailure{"--place must be home or clinic (got '" + o.place + "')", 2};
  for (const auto& [rating, name] : {std::pair{o.pre_tension, "--pre-tension"}, std::pair{o.post_tension, "--post-tension"}})
    if (rating && !session::is_valid_rating(*rating)) throw CommandFailure{std::string(name) + " must be from 0 to 10", 2};
  if (o.pacer_rate && !(*o.pacer_rate >= 1.0 && *o.pacer_rate <= 40.0))
    throw CommandFailure{"--pacer-rate must be between 1 and 40 breaths/min", 2};

  session::RecordOptions options;
  options.patient_id = o.patient;
  options.source_spec = o.source;
  options.duration_s = o.duration_s;
  options.place = *place;
  options.pre_tension = o.pre_tension;
  options.post_tension = o.post_tension;
  options.pacer.rate_bpm = o.pacer_rate;
  if (!o.pacer_ie.empty()) options.pacer.ie_ratio = parse_ie(o.pacer_ie);
  if (options.pacer.ie_ratio && !options.pacer.rate_bpm) throw CommandFailure{"--pacer-ie needs --pacer-rate", 2};
  options.pacer.programme_step = o.programme_step;
  for (const auto& r : o.regions) options.regions.push_back(parse_region(r));
  options.notes = o.notes;
  options.flare_up = o.flare_up;

  auto store = open_store(o.db);
  require_patient(*store, o.patient);

  StopOnSignal signals;  // before any thread starts, so all inherit the blocked mask
  std::unique_ptr<sensors::Source> source;
  try {
    source = sensors::make_source(o.source);
  } catch (const std::exception& e) {
    throw CommandFailure{std::string("--source ") + o.source + ": " + e.what(), 2};
  }
  sensors::LivePipeline pipeline(std::move(source));
  session::RecordResult result;
  try {
    result = session::record_live(*store, pipeline, options, signals.token(), [&](const session::Session& s) {
      std::printf("recording session %s for patient %s from %s (%g s)\n", s.id.c_str(), s.patient_id.c_str(),
                  o.source.c_str(), o.duration_s);
      std::fflush(stdout);
    });
  } catch (const sensors::SourceError& e) {
    throw CommandFailure{std::string("--source ") + o.source + ": " + e.what(), 1};
  } catch (const session::StoreError& e) {
    throw CommandFailure{e.what(), 1};
  }
  const auto& s = result.session;
  auto writes = result.batch_write_ms;
  std::sort(writes.begin(), writes.end());
  std::printf("session %s %s: %.1f s, %lld breaths, median rate %s /min, adherence %s\n", s.id.c_str(),
              std::string(session::to_string(s.status)).c_str(), s.duration_s,
              static_cast<long long>(s.metrics.breath_count), value_or_dash(s.metrics.median_rate_bpm, 1).c_str(),
              value_or_dash(s.metrics.adherence ? std::optional(*s.metrics.adherence * 100) : std::nullopt, 0, " %").c_str());
  if (!writes.empty())
    std::printf("stored %zu waveform samples in %zu batches (write median %.2f ms, max %.2f ms)\n",
                result.waveform_samples, writes.size(), writes[writes.size() / 2], writes.back());
  if (s.status != session::SessionStatus::completed) throw CommandFailure{"session " + s.id + " was interrupted", 130};
}

void list(const SessionOptions& o) {
  auto store = open_store(o.db);
  std::optional<std::string> patient;
  if (!o.patient.empty()) patient = require_patient(*store, o.patient).id;
  const auto sessions = with_store_errors([&] { return store->list_sessions(patient); });
  if (sessions.empty()) {
    std::printf("no sessions%s\n", patient ? (" for patient " + *patient).c_str() : "");
    return;
  }
  std::printf("%-15s %-11s %-17s %-6s %7s %6s %7s %s\n", "ID", "PATIENT", "STARTED (UTC)", "PLACE", "MINUTES",
              "RATE", "TENSION", "STATUS");
  for (const auto& s : sessions) {
    const auto rating = [](const std::optional<int>& v) { return v ? std::to_string(*v) : std::string("?"); };
    const std::string tension = rating(s.pre_tension) + "->" + rating(s.post_tension);
    std::printf("%-15s %-11s %-17s %-6s %7.1f %6s %7s %s%s\n", s.id.c_str(), s.patient_id.c_str(),
                s.started_at.substr(0, 16).c_str(), std::string(session::to_string(s.place)).c_str(),
                s.duration_s / 60.0, value_or_dash(s.metrics.median_rate_bpm, 1).c_str(), tension.c_str(),
                std::string(session::to_string(s.status)).c_str(), s.flare_up ? " flare-up" : "");
  }
}

void show(const SessionOptions& o) {
  auto store = open_store(o.db);
  const auto data = with_store_errors([&] { return store->load_session(o.session_id); });
  if (!data) throw CommandFailure{"unknown session '" + o.session_id + "' in " + store->describe(), 2};
  const auto& s = data->session;
  const auto& m = s.metrics;
  std::printf("session         %s\npatient         %s\nstatus          %s\nstarted         %s\nended           %s\n",
              s.id.c_str(), s.patient_id.c_str(), std::string(session::to_string(s.status)).c_str(),
              s.started_at.c_str(), s.ended_at.empty() ? "-" : s.ended_at.c_str());
  std::printf("place           %s\nsource          %s (%s)\nduration        %.1f s of %.1f s planned\n",
              std::string(session::to_string(s.place)).c_str(), s.source_spec.c_str(), s.source_kind.c_str(),
              s.duration_s, s.planned_duration_s);
  std::printf("pacer           %s /min, I:E %s%s%s\n", value_or_dash(s.pacer.rate_bpm, 1).c_str(),
              value_or_dash(s.pacer.ie_ratio, 2).c_str(), s.pacer.programme_step.empty() ? "" : ", ",
              s.pacer.programme_step.c_str());
  std::printf("breaths         %lld\nmedian rate     %s /min\nI:E             %s\nadherence       %s\n"
              "time in target  %s\nsignal quality  %s\n",
              static_cast<long long>(m.breath_count), value_or_dash(m.median_rate_bpm, 2).c_str(),
              value_or_dash(m.ie_ratio, 2).c_str(),
              value_or_dash(m.adherence ? std::optional(*m.adherence * 100) : std::nullopt, 0, " %").c_str(),
              value_or_dash(m.time_in_target ? std::optional(*m.time_in_target * 100) : std::nullopt, 0, " %").c_str(),
              value_or_dash(m.signal_quality, 2).c_str());
  std::printf("tension         %s -> %s\n", value_or_dash(s.pre_tension).c_str(), value_or_dash(s.post_tension).c_str());
  for (const auto& r : s.regions)
    std::printf("  %-13s %s -> %s\n", r.region.c_str(), value_or_dash(r.before).c_str(), value_or_dash(r.after).c_str());
  const std::size_t runs = data->waveform.size(), gaps = data->gaps.size();
  std::printf("flare-up        %s\nwaveform        %zu samples in %zu run%s, %zu gap%s\n", s.flare_up ? "yes" : "no",
              data->waveform_sample_count(), runs, runs == 1 ? "" : "s", gaps, gaps == 1 ? "" : "s");
  if (!s.notes.empty()) std::printf("notes           %s\n", s.notes.c_str());
}

void add_session_command(CLI::App& app) {
  auto o = std::make_shared<SessionOptions>();
  auto* session = app.add_subcommand("session", "Record, list and show sessions");
  session->require_subcommand(1);

  auto* rec = session->add_subcommand("record", "Record a session headless from a source");
  rec->add_option("--patient", o->patient, "Patient id")->required();
  rec->add_option("--source", o->source, "mic[:DEVICE], serial:/dev/PATH[@BAUD], ble:ADDRESS, replay:FILE[@SPEED], synthetic[:RATE]")->required();
  rec->add_option("--duration", o->duration_s, "Seconds of signal to record")->required();
  rec->add_option("--pre-tension", o->pre_tension, "Overall tension before, 0-10");
  rec->add_option("--post-tension", o->post_tension, "Overall tension after, 0-10");
  rec->add_option("--place", o->place, "home or clinic")->check(CLI::IsMember({"home", "clinic"}));
  rec->add_option("--pacer-rate", o->pacer_rate, "Pacer target, breaths/min");
  rec->add_option("--pacer-ie", o->pacer_ie, "Pacer inhale:exhale, e.g. 4:6");
  rec->add_option("--region", o->regions, "Tension by region NAME=BEFORE:AFTER (repeatable), e.g. upper_trapezius=6:3");
  rec->add_option("--notes", o->notes, "Notes");
  rec->add_option("--programme-step", o->programme_step, "Programme stage label");
  rec->add_flag("--flare-up", o->flare_up, "Mark a flare-up");
  add_db_option(rec, o->db);
  rec->callback([o] { record(*o); });

  auto* ls = session->add_subcommand("list", "List sessions");
  ls->add_option("--patient", o->patient, "Only this patient's sessions");
  add_db_option(ls, o->db);
  ls->callback([o] { list(*o); });

  auto* sh = session->add_subcommand("show", "Show one session");
  sh->add_option("ID", o->session_id, "Session id")->required();
  add_db_option(sh, o->db);
  sh->callback([o] { show(*o); });
}

const CommandRegistration kSession{51, &add_session_command};

}  // namespace
}  // namespace respira::cli
