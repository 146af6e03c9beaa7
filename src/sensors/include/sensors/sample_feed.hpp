#pragma once
// SampleFeed: the hand-over between a device's producer (audio callback, serial reader,
// BLE notification handler) and the one consumer that calls Source::read().
//
// Samples travel through a wait-free SpscRing, so the audio callback may push. Gaps
// (disconnections, dropouts) are rare and come from non-real-time threads; they are
// recorded with the sample count at which they happened, so the consumer reports each
// gap exactly between the last sample before it and the first one after it.

#include <atomic>
#include <cstdint>
#include <deque>
#include <mutex>
#include <span>

#include "sensors/source.hpp"
#include "sensors/spsc_ring.hpp"

namespace respira::sensors {

class SampleFeed {
 public:
  explicit SampleFeed(std::size_t capacity) : ring_(capacity) {}

  // Producer, real-time safe. Values that do not fit are dropped and counted.
  std::size_t push(std::span<const float> values) noexcept {
    const std::size_t accepted = ring_.push(values);
    pushed_.fetch_add(accepted, std::memory_order_release);
    return accepted;
  }

  // Producer side, NOT real-time: input was missing for `seconds` before the next push.
  void mark_gap(double seconds) {
    if (!(seconds > 0.0)) return;
    const std::lock_guard lock(gaps_mutex_);
    gaps_.push_back({pushed_.load(std::memory_order_acquire), seconds});
  }

  // Consumer. Never returns samples from both sides of a gap in one call.
  ReadResult read(std::span<float> out) {
    ReadResult result;
    std::size_t limit = out.size();
    {
      const std::lock_guard lock(gaps_mutex_);
      while (!gaps_.empty() && gaps_.front().at_sample <= consumed_) {
        result.gap_before_s += gaps_.front().seconds;
        gaps_.pop_front();
      }
      if (!gaps_.empty()) {
        const std::uint64_t until_gap = gaps_.front().at_sample - consumed_;
        if (until_gap < limit) limit = static_cast<std::size_t>(until_gap);
      }
    }
    result.count = ring_.pop(out.first(limit));
    consumed_ += result.count;
    return result;
  }

  std::uint64_t dropped() const noexcept { return ring_.dropped(); }
  std::uint64_t pushed() const noexcept { return pushed_.load(std::memory_order_acquire); }
  std::size_t buffered() const noexcept { return ring_.size(); }
  std::uint64_t consumed() const noexcept { return consumed_; }  // consumer only

 private:
  struct Gap {
    std::uint64_t at_sample;
    double seconds;
  };
  SpscRing<float> ring_;
  std::atomic<std::uint64_t> pushed_{0};
  std::uint64_t consumed_ = 0;  // consumer only
  std::mutex gaps_mutex_;
  std::deque<Gap> gaps_;
};

}  // namespace respira::sensors
