#pragma once
// ReplaySource: plays a recording (CSV, WAV, EDF/EDF+; see recording.hpp) through the
// Source interface at its real pace, faster (speed > 1), or unpaced (speed = infinity:
// as fast as the consumer reads), so every live feature runs without hardware.
// The whole file is read at open(), so a bad file fails before the session starts.

#include <filesystem>
#include <memory>
#include <string>

#include "sensors/clock.hpp"
#include "sensors/level_meter.hpp"
#include "sensors/recording.hpp"
#include "sensors/source.hpp"

namespace respira::sensors {

struct ReplayConfig {
  std::filesystem::path path;
  double speed = 1.0;  // 1 = real time; infinity = unpaced
  RecordingOptions recording;
};

class ReplaySource final : public Source {
 public:
  ReplaySource(ReplayConfig config, std::string spec,
               std::shared_ptr<const Clock> clock = steady_clock());

  void open() override;  // reads the file; throws SourceError naming it
  void start() override;
  void stop() override;
  void close() override;
  SourceInfo info() const override;
  SourceHealth health() const override;
  ReadResult read(std::span<float> out) override;
  double stream_time_s() const override;

 private:
  ReplayConfig config_;
  std::string spec_;
  std::shared_ptr<const Clock> clock_;
  Recording recording_;
  std::unique_ptr<SamplePacer> pacer_;
  std::unique_ptr<LevelMeter> level_;
  bool opened_ = false;
  bool running_ = false;
  std::size_t position_ = 0;
};

}  // namespace respira::sensors
