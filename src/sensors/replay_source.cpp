#include "sensors/replay_source.hpp"

#include <algorithm>
#include <cmath>

namespace respira::sensors {

ReplaySource::ReplaySource(ReplayConfig config, std::string spec,
                           std::shared_ptr<const Clock> clock)
    : config_(std::move(config)), spec_(std::move(spec)), clock_(std::move(clock)) {
  if (!(config_.speed > 0.0))
    throw SourceError("replay: speed must be positive in '" + spec_ + "'");
}

void ReplaySource::open() {
  try {
    recording_ = read_recording(config_.path, config_.recording);
  } catch (const RecordingError& e) {
    throw SourceError(e.what());
  }
  if (recording_.samples.empty() || !(recording_.sample_rate_hz > 0.0))
    throw SourceError(config_.path.string() + ": recording has no samples");
  const bool audio = recording_.default_kind == dsp::SignalKind::audio;
  pacer_ = std::make_unique<SamplePacer>(clock_, recording_.sample_rate_hz * config_.speed);
  level_ = std::make_unique<LevelMeter>(
      LevelMeterConfig{.sample_rate_hz = recording_.sample_rate_hz,
                       .window_s = audio ? 0.1 : 2.0,
                       .clip_threshold = audio ? 0.99 : 1e30,
                       .silence_db = audio ? -60.0 : -200.0,
                       .remove_mean = !audio});
  position_ = 0;
  opened_ = true;
}

void ReplaySource::start() {
  if (!opened_) throw SourceError("replay: " + config_.path.string() + " was not opened");
  pacer_->start();
  running_ = true;
}

void ReplaySource::stop() { running_ = false; }

void ReplaySource::close() {
  running_ = false;
  opened_ = false;
}

SourceInfo ReplaySource::info() const {
  return SourceInfo{.spec = spec_,
                    .kind = "replay",
                    .device_name = config_.path.filename().string(),
                    .sample_rate_hz = recording_.sample_rate_hz,
                    .signal_kind = recording_.default_kind};
}

SourceHealth ReplaySource::health() const {
  SourceHealth h;
  h.connected = running_;
  h.finished = opened_ && position_ >= recording_.samples.size();
  if (level_) {
    h.level_db = level_->level_db();
    h.clipping = level_->clipping();
    h.silent = level_->silent();
    h.noise_floor_db = level_->noise_floor_db();
  }
  h.samples_delivered = position_;
  return h;
}

ReadResult ReplaySource::read(std::span<float> out) {
  ReadResult result;
  if (!running_) return result;
  const std::size_t total = recording_.samples.size();
  const std::size_t due = static_cast<std::size_t>(
      std::min<std::uint64_t>(pacer_->due(), static_cast<std::uint64_t>(total)));
  if (due <= position_) return result;
  result.count = std::min(out.size(), due - position_);
  std::copy_n(recording_.samples.begin() + static_cast<std::ptrdiff_t>(position_), result.count,
              out.begin());
  position_ += result.count;
  level_->process(out.first(result.count));
  return result;
}

double ReplaySource::stream_time_s() const {
  return recording_.sample_rate_hz > 0.0
             ? static_cast<double>(position_) / recording_.sample_rate_hz
             : 0.0;
}

}  // namespace respira::sensors
