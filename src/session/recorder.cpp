#include "session/recorder.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <thread>

#include "pacer/adherence.hpp"
#include "pacer/pattern.hpp"
#include "pacer/schedule.hpp"
#include "session/ids.hpp"
#include "session/metrics.hpp"
#include "session/time_text.hpp"

namespace respira::session {

std::optional<double> session_adherence(const PacerSettings& pacer, std::span<const dsp::BreathEvent> events,
                                        double end_s) {
  if (!pacer.rate_bpm) return std::nullopt;
  const double ie = pacer.ie_ratio.value_or(1.0);
  const pacer::PacerSchedule schedule(pacer::pattern_from_rate(*pacer.rate_bpm, ie, 1.0), 0.0);
  pacer::AdherenceTracker tracker;
  for (const auto& event : events) tracker.add_event(event);
  // Score only breaths the session saw whole, with the detector's delay already elapsed.
  tracker.update(schedule, end_s + tracker.config().detection_delay_s);
  // The history is in schedule order: the whole breaths are its first stretch.
  const auto& history = tracker.history();
  const auto whole_end = std::find_if(history.begin(), history.end(), [&](const pacer::BreathAdherence& b) {
    return b.start_s + b.period_s > end_s;
  });
  if (whole_end == history.begin()) return std::nullopt;
  return pacer::mean_score({history.begin(), whole_end});
}

SessionRecorder::SessionRecorder(Repository& repository, Session session)
    : repository_(repository), session_(std::move(session)) {
  session_.status = SessionStatus::recording;
  if (session_.pacer.rate_bpm) guide_rates_.push_back({0.0, *session_.pacer.rate_bpm});
  repository_.begin_session(session_);
}

void SessionRecorder::set_guide_rate(double from_s, double rate_bpm) {
  if (!std::isfinite(rate_bpm) || (!guide_rates_.empty() && guide_rates_.back().rate_bpm == rate_bpm)) return;
  guide_rates_.push_back({from_s, rate_bpm});
}

double SessionRecorder::guide_rate_at(double time_s) {
  // Breaths complete in time order: rates replaced before this one began are done with.
  while (guide_rates_.size() > 1 && guide_rates_[1].from_s <= time_s) guide_rates_.pop_front();
  return !guide_rates_.empty() && guide_rates_.front().from_s <= time_s ? guide_rates_.front().rate_bpm
                                                                        : std::numeric_limits<double>::quiet_NaN();
}

void SessionRecorder::add_events(std::span<const dsp::BreathEvent> events) {
  events_.insert(events_.end(), events.begin(), events.end());
  for (Breath& b : assembler_.process(events)) {
    b.guide_rate_bpm = guide_rate_at(b.start_s);
    breaths_.push_back(b);
    pending_.breaths.push_back(b);
  }
}

void SessionRecorder::add_waveform(std::span<const sensors::TimedSample> samples, double rate_hz) {
  for (const auto& s : samples) {
    auto& chunks = pending_.waveform;
    // The pipeline stamps samples from its block ends, so times jitter by up to a sample;
    // only a larger jump (a real gap) starts a new run.
    const bool continues = !chunks.empty() && chunks.back().rate_hz == rate_hz &&
                           std::abs(s.time_s - chunks.back().end_s()) < kContinuityTolerance / rate_hz;
    if (!continues) chunks.push_back({s.time_s, rate_hz, {}});
    chunks.back().values.push_back(s.value);
    ++waveform_samples_;
  }
}

void SessionRecorder::add_gaps(std::span<const sensors::GapMark> gaps) {
  for (const auto& g : gaps) pending_.gaps.push_back({g.start_s, g.duration_s});
  if (!gaps.empty()) assembler_.mark_gap();
}

void SessionRecorder::add_signal_quality(double quality) {
  if (!std::isfinite(quality)) return;
  quality_sum_ += quality;
  ++quality_count_;
}

void SessionRecorder::flush(double stream_time_s) {
  pending_.duration_s = stream_time_s;
  if (quality_count_ > 0) pending_.signal_quality = quality_sum_ / static_cast<double>(quality_count_);
  const auto begin = std::chrono::steady_clock::now();
  repository_.append_batch(session_.id, pending_);
  batch_write_ms_.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - begin).count());
  session_.duration_s = stream_time_s;
  pending_ = SampleBatch{};
}

Session SessionRecorder::finish(SessionStatus status, double stream_time_s, std::optional<int> post_tension,
                                const std::vector<RegionRating>& regions, std::optional<double> scored_adherence) {
  flush(stream_time_s);
  session_.post_tension = post_tension;
  session_.regions = regions;
  const std::optional<double> quality =
      quality_count_ > 0 ? std::optional<double>(quality_sum_ / static_cast<double>(quality_count_)) : std::nullopt;
  session_.metrics = compute_metrics(breaths_, session_.pacer, quality,
                                     scored_adherence ? scored_adherence
                                                      : session_adherence(session_.pacer, events_, stream_time_s));
  session_.status = status;
  const auto started = parse_iso(session_.started_at);
  session_.ended_at = started ? to_iso(*started + std::chrono::milliseconds(std::llround(stream_time_s * 1000.0)))
                              : utc_now_iso();
  repository_.finish_session(session_);
  return session_;
}

RecordResult record_live(Repository& repository, sensors::LivePipeline& pipeline, const RecordOptions& options,
                         std::stop_token stop, const std::function<void(const Session&)>& on_started) {
  pipeline.start();
  const auto first = pipeline.snapshot();

  Session session;
  session.id = new_session_id();
  session.patient_id = options.patient_id;
  session.started_at = utc_now_iso();
  session.place = options.place;
  session.source_kind = first ? first->source.kind : "";
  session.source_spec = options.source_spec;
  session.pacer = options.pacer;
  session.planned_duration_s = options.duration_s;
  session.pre_tension = options.pre_tension;
  for (const RegionRating& r : options.regions) session.regions.push_back({r.region, r.before, std::nullopt});
  session.notes = options.notes;
  session.flare_up = options.flare_up;
  SessionRecorder recorder(repository, session);
  if (on_started) on_started(recorder.session());

  const double end_s = options.duration_s;
  double stream_time_s = 0.0;
  // Hands over what the pipeline produced, cut at the planned end.
  auto drain = [&] {
    auto events = pipeline.drain_events();
    std::erase_if(events, [&](const dsp::BreathEvent& e) { return e.time_s >= end_s; });
    auto gaps = pipeline.drain_gaps();
    auto samples = pipeline.drain_waveform();
    std::erase_if(samples, [&](const sensors::TimedSample& s) { return s.time_s >= end_s; });
    recorder.add_gaps(gaps);
    recorder.add_events(events);
    const auto snap = pipeline.snapshot();
    recorder.add_waveform(samples, snap ? snap->waveform_rate_hz : 25.0);
    if (snap) {
      stream_time_s = std::min(snap->breath.time_s, end_s);
      recorder.add_signal_quality(snap->breath.signal_quality);
    }
  };

  const auto poll = std::chrono::duration<double>(options.poll_interval_s);
  auto last_flush = std::chrono::steady_clock::now();
  bool reached_end = false;
  while (!stop.stop_requested()) {
    std::this_thread::sleep_for(poll);
    drain();
    if (stream_time_s >= end_s || pipeline.finished()) {
      reached_end = true;
      break;
    }
    if (std::chrono::steady_clock::now() - last_flush >= std::chrono::duration<double>(options.batch_interval_s)) {
      recorder.flush(stream_time_s);
      last_flush = std::chrono::steady_clock::now();
    }
  }
  pipeline.stop();
  drain();
  Session done = recorder.finish(reached_end ? SessionStatus::completed : SessionStatus::interrupted, stream_time_s,
                                 options.post_tension, options.regions);
  return {done, recorder.waveform_samples(), recorder.batch_write_ms()};
}

}  // namespace respira::session
