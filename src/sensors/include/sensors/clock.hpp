#pragma once
// A clock that sources pace themselves by. Real sessions use the steady clock; tests
// inject a ManualClock and advance it, so pacing is checked without sleeping.

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <utility>

namespace respira::sensors {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual double now_s() const = 0;  // monotonic seconds, arbitrary origin
};

class SteadyClock final : public Clock {
 public:
  double now_s() const override {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }
};

// Time moves only when the test says so. Safe to advance from another thread.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(double start_s = 0.0) : now_(start_s) {}
  double now_s() const override { return now_.load(std::memory_order_acquire); }
  void advance(double seconds) {
    double current = now_.load(std::memory_order_relaxed);
    while (!now_.compare_exchange_weak(current, current + seconds, std::memory_order_acq_rel)) {
    }
  }

 private:
  std::atomic<double> now_;
};

inline std::shared_ptr<const Clock> steady_clock() {
  static const auto clock = std::make_shared<const SteadyClock>();
  return clock;
}

// How many samples a paced source owes its consumer: elapsed time x rate x speed.
// A non-finite or non-positive rate means "unpaced": everything is due at once.
class SamplePacer {
 public:
  SamplePacer(std::shared_ptr<const Clock> clock, double samples_per_second)
      : clock_(std::move(clock)), samples_per_second_(samples_per_second) {}

  void start() { start_s_ = clock_->now_s(); }
  bool paced() const { return std::isfinite(samples_per_second_) && samples_per_second_ > 0.0; }
  std::uint64_t due() const {
    if (!paced()) return std::numeric_limits<std::uint64_t>::max();
    const double elapsed = clock_->now_s() - start_s_;
    return elapsed <= 0.0 ? 0 : static_cast<std::uint64_t>(elapsed * samples_per_second_);
  }

 private:
  std::shared_ptr<const Clock> clock_;
  double samples_per_second_;
  double start_s_ = 0.0;
};

}  // namespace respira::sensors
