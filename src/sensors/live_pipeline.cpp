#include "sensors/live_pipeline.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <stop_token>
#include <thread>
#include <utility>

namespace respira::sensors {
namespace {

constexpr double kReadBlockS = 0.02;   // one read per 20 ms of input at most
constexpr std::size_t kMinReadBlock = 16;
constexpr auto kIdleWait = std::chrono::milliseconds(5);
constexpr double kHealthInterval_s = 0.2;

double wall_now_s() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

struct LivePipeline::Impl {
  Impl(std::unique_ptr<Source> s, LivePipelineOptions o) : source(std::move(s)), options(o) {}

  void run(std::stop_token stop);
  void process_block(std::span<const float> block);
  void mark_gap(double gap_s);
  void record_seconds_until(double time_s, bool in_gap);
  void publish();

  std::unique_ptr<Source> source;
  LivePipelineOptions options;
  SourceInfo info;
  std::optional<dsp::BreathAnalyzer> analyzer;
  std::vector<float> read_buffer;
  std::jthread thread;
  bool started = false;

  // Processing thread only.
  double input_time_s = 0.0;  // end of the processed input
  double next_second_s = 0.0;
  double last_publish_wall_s = -1e9;
  bool dirty = false;  // processed input not yet in a snapshot
  std::uint64_t snapshot_index = 0;
  std::deque<float> history_waveform;
  std::deque<dsp::BreathEvent> history_events;

  // Hand-over to consumers.
  // A mutex held for one pointer copy: readers are UI/consumer threads, never real-time
  // ones, and it keeps the hand-off plainly race-free (libstdc++ 12's
  // atomic<shared_ptr> unlocks with relaxed ordering).
  mutable std::mutex latest_mutex;
  std::shared_ptr<const LiveSnapshot> latest;
  std::atomic<bool> exhausted{false};
  std::mutex drain_mutex;
  std::vector<dsp::BreathEvent> pending_events;
  std::vector<TimedSample> pending_waveform;
  std::vector<GapMark> pending_gaps;
  std::vector<SecondStatus> pending_seconds;
};

void LivePipeline::Impl::run(std::stop_token stop) {
  std::mutex idle_mutex;
  std::condition_variable_any idle;
  while (!stop.stop_requested()) {
    const ReadResult r = source->read(read_buffer);
    if (r.gap_before_s > 0.0) mark_gap(r.gap_before_s);
    if (r.count > 0) {
      process_block(std::span<const float>(read_buffer).first(r.count));
    }
    // Publish at most every publish_interval_s while data streams, at once when the
    // input pauses (readers never see a stale breath state), and at least every
    // kHealthInterval_s without input (device faults show while nothing arrives).
    dirty = dirty || r.count > 0 || r.gap_before_s > 0.0;
    const double now = wall_now_s();
    const double since_publish = now - last_publish_wall_s;
    if ((dirty && (r.count == 0 || since_publish >= options.publish_interval_s)) ||
        since_publish >= kHealthInterval_s) {
      publish();
      last_publish_wall_s = now;
      dirty = false;
    }
    if (r.count == 0 && r.gap_before_s == 0.0) {
      if (source->health().finished) {
        exhausted.store(true, std::memory_order_release);
        break;
      }
      std::unique_lock lock(idle_mutex);
      idle.wait_for(lock, stop, kIdleWait, [] { return false; });
    }
  }
  publish();
}

void LivePipeline::Impl::process_block(std::span<const float> block) {
  const double fs = info.sample_rate_hz;
  while (!block.empty()) {
    // Split at whole seconds so each second's row shows the state exactly then: the
    // row for second t has seen every sample whose time is <= t (as `respira analyze`).
    const double to_second = (next_second_s - input_time_s) * fs + 1.0;
    std::size_t n = block.size();
    if (to_second > 0.0 && to_second < static_cast<double>(n))
      n = std::max<std::size_t>(1, static_cast<std::size_t>(std::ceil(to_second - 1e-9)));
    const auto piece = block.first(n);
    block = block.subspan(n);

    const dsp::AnalyzerOutput out = analyzer->process(piece);
    input_time_s = analyzer->state().time_s;

    const double wf_rate = options.waveform_rate_hz;
    const std::size_t history_len = static_cast<std::size_t>(options.history_s * wf_rate);
    {
      const std::lock_guard lock(drain_mutex);
      pending_events.insert(pending_events.end(), out.events.begin(), out.events.end());
      const std::size_t m = out.waveform.size();
      for (std::size_t i = 0; i < m; ++i) {
        const double t = input_time_s - static_cast<double>(m - 1 - i) / wf_rate;
        pending_waveform.push_back({t, out.waveform[i]});
      }
    }
    for (const float v : out.waveform) history_waveform.push_back(v);
    while (history_waveform.size() > history_len) history_waveform.pop_front();
    for (const auto& e : out.events) history_events.push_back(e);
    while (!history_events.empty() &&
           history_events.front().time_s < input_time_s - options.history_s)
      history_events.pop_front();

    record_seconds_until(input_time_s, false);
  }
}

void LivePipeline::Impl::mark_gap(double gap_s) {
  {
    const std::lock_guard lock(drain_mutex);
    pending_gaps.push_back({input_time_s, gap_s});
  }
  analyzer->mark_gap(gap_s);
  input_time_s += gap_s;
  record_seconds_until(input_time_s, true);
}

// Rows for every second t whose samples (time <= t) have all been processed.
void LivePipeline::Impl::record_seconds_until(double time_s, bool in_gap) {
  const double last_sample_s = time_s - 1.0 / info.sample_rate_hz;
  if (next_second_s > last_sample_s + 1e-9) return;
  const dsp::BreathState& s = analyzer->state();
  const SourceHealth health = source->health();
  const std::lock_guard lock(drain_mutex);
  while (next_second_s <= last_sample_s + 1e-9) {
    SecondStatus row;
    row.time_s = next_second_s;
    row.in_gap = in_gap;
    row.level_db = health.level_db;
    row.clipping = health.clipping;
    row.silent = health.silent;
    if (!in_gap) {
      row.rate_bpm = s.rate_bpm;
      row.phase = s.phase;
      row.signal_quality = s.signal_quality;
    }
    pending_seconds.push_back(row);
    next_second_s += 1.0;
  }
}

void LivePipeline::Impl::publish() {
  auto snap = std::make_shared<LiveSnapshot>();
  snap->source = info;
  snap->health = source->health();
  snap->breath = analyzer->state();
  snap->recent_waveform.assign(history_waveform.begin(), history_waveform.end());
  snap->waveform_rate_hz = options.waveform_rate_hz;
  snap->recent_events.assign(history_events.begin(), history_events.end());
  snap->heart = source->heart();
  snap->snapshot_index = ++snapshot_index;
  std::shared_ptr<const LiveSnapshot> published = std::move(snap);
  const std::lock_guard lock(latest_mutex);
  latest.swap(published);  // the previous one is freed after the lock is released
}

LivePipeline::LivePipeline(std::unique_ptr<Source> source, LivePipelineOptions options)
    : impl_(std::make_unique<Impl>(std::move(source), options)) {
  if (!impl_->source) throw SourceError("live pipeline needs a source");
}

LivePipeline::~LivePipeline() { stop(); }

void LivePipeline::start() {
  Impl& m = *impl_;
  if (m.started) return;
  m.source->open();
  m.info = m.source->info();
  if (!(m.info.sample_rate_hz > 0.0))
    throw SourceError(m.info.spec + ": source reported no sample rate");
  const std::size_t block = std::max(
      kMinReadBlock, static_cast<std::size_t>(std::ceil(m.info.sample_rate_hz * kReadBlockS)));
  m.read_buffer.assign(block, 0.0f);
  dsp::AnalyzerConfig config;
  config.sample_rate_hz = m.info.sample_rate_hz;
  config.kind = m.info.signal_kind;
  config.min_rate_bpm = m.options.min_rate_bpm;
  config.max_rate_bpm = m.options.max_rate_bpm;
  config.waveform_rate_hz = m.options.waveform_rate_hz;
  config.max_block_samples = block;
  m.analyzer.emplace(config);
  m.publish();
  m.source->start();
  m.started = true;
  m.thread = std::jthread([&m](std::stop_token stop) { m.run(stop); });
}

void LivePipeline::stop() {
  Impl& m = *impl_;
  if (!m.started) return;
  m.started = false;
  if (m.thread.joinable()) {
    m.thread.request_stop();
    m.thread.join();
  }
  m.source->stop();
  m.source->close();
}

std::shared_ptr<const LiveSnapshot> LivePipeline::snapshot() const {
  const std::lock_guard lock(impl_->latest_mutex);
  return impl_->latest;
}

std::vector<dsp::BreathEvent> LivePipeline::drain_events() {
  const std::lock_guard lock(impl_->drain_mutex);
  return std::exchange(impl_->pending_events, {});
}

std::vector<TimedSample> LivePipeline::drain_waveform() {
  const std::lock_guard lock(impl_->drain_mutex);
  return std::exchange(impl_->pending_waveform, {});
}

std::vector<GapMark> LivePipeline::drain_gaps() {
  const std::lock_guard lock(impl_->drain_mutex);
  return std::exchange(impl_->pending_gaps, {});
}

std::vector<SecondStatus> LivePipeline::drain_seconds() {
  const std::lock_guard lock(impl_->drain_mutex);
  return std::exchange(impl_->pending_seconds, {});
}

bool LivePipeline::finished() const { return impl_->exhausted.load(std::memory_order_acquire); }

}  // namespace respira::sensors
