#pragma once
// Recording a session: what the live pipeline hands over (breath events, the 25 Hz
// waveform, gap marks) is collected and written to the repository in small batches, one
// transaction each, at most batch_interval_s apart. A crash therefore loses at most one
// batch and the rows already written are a consistent prefix of the session.
//
// SessionRecorder is driven with plain data (tests feed it directly); record_live() is the
// loop the command line and the window share: it drains a sensors::LivePipeline.

#include <deque>
#include <functional>
#include <optional>
#include <span>
#include <stop_token>
#include <string>
#include <vector>

#include "dsp/types.hpp"
#include "session/breath_assembler.hpp"
#include "session/domain.hpp"
#include "session/repository.hpp"
#include "sensors/live_pipeline.hpp"

namespace respira::session {

struct RecordOptions {
  std::string patient_id;
  std::string source_spec;
  double duration_s = 300.0;  // of input time
  Place place = Place::home;
  PacerSettings pacer;
  std::optional<int> pre_tension;
  std::optional<int> post_tension;
  std::vector<RegionRating> regions;
  std::string notes;
  bool flare_up = false;
  double batch_interval_s = 0.5;  // wall clock between durable writes (must stay < 1 s)
  double poll_interval_s = 0.1;
};

class SessionRecorder {
 public:
  // Inserts the session (status 'recording'). Throws StoreError.
  SessionRecorder(Repository& repository, Session session);

  void add_events(std::span<const dsp::BreathEvent> events);
  void add_waveform(std::span<const sensors::TimedSample> samples, double rate_hz);
  void add_gaps(std::span<const sensors::GapMark> gaps);
  void add_signal_quality(double quality);  // one reading per poll, averaged

  // What the guide turned out to be, for guides that change during the session ("adaptive
  // 12 -> 6.1/min"); stored by finish().
  void set_programme_step(std::string step) { session_.pacer.programme_step = std::move(step); }
  // The guide shows rate_bpm from session time from_s on (calls in time order; a guide that
  // changes its rate calls it as it does). Each breath stores the rate shown when it began,
  // and its time in target is judged against that. Without calls the session's pacer rate
  // holds from the start.
  void set_guide_rate(double from_s, double rate_bpm);
  // Writes everything pending as one batch; stream_time_s is the signal time covered.
  void flush(double stream_time_s);
  // Final flush, metrics, status and the ratings given after the session. Adherence is
  // `scored_adherence` when the caller scored the guide it actually showed (adaptive or
  // resonance pacing, holds); otherwise the session's events are scored against a fixed
  // guide at pacer.rate_bpm and pacer.ie_ratio, when a rate was set.
  Session finish(SessionStatus status, double stream_time_s, std::optional<int> post_tension,
                 const std::vector<RegionRating>& regions, std::optional<double> scored_adherence = std::nullopt);

  const Session& session() const { return session_; }
  std::size_t waveform_samples() const { return waveform_samples_; }
  const std::vector<double>& batch_write_ms() const { return batch_write_ms_; }

 private:
  struct GuideRate {
    double from_s;
    double rate_bpm;
  };
  double guide_rate_at(double time_s);

  Repository& repository_;
  Session session_;
  BreathAssembler assembler_;
  std::deque<GuideRate> guide_rates_;  // from the one in force at the last breath on
  std::vector<dsp::BreathEvent> events_;  // whole session, for adherence
  std::vector<Breath> breaths_;           // whole session, for metrics
  SampleBatch pending_;
  double quality_sum_ = 0.0;
  std::size_t quality_count_ = 0;
  std::size_t waveform_samples_ = 0;
  std::vector<double> batch_write_ms_;
};

struct RecordResult {
  Session session;
  std::size_t waveform_samples = 0;
  std::vector<double> batch_write_ms;
};

// Starts the pipeline, records until duration_s of input time, the end of a finite source,
// or a stop request (then the session is 'interrupted'). on_started runs once the session
// row exists. Throws sensors::SourceError / StoreError.
RecordResult record_live(Repository& repository, sensors::LivePipeline& pipeline, const RecordOptions& options,
                         std::stop_token stop, const std::function<void(const Session&)>& on_started = {});

// Adherence (0..1) of measured events to a fixed-rate pacer from time 0 to end_s: the mean
// breath score of pacer::AdherenceTracker. Empty without a target rate or before one breath.
std::optional<double> session_adherence(const PacerSettings& pacer, std::span<const dsp::BreathEvent> events,
                                        double end_s);

}  // namespace respira::session
