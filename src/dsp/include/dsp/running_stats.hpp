#pragma once
// Small fixed-capacity helpers shared by the analysis stages: a ring of the last N
// values and the median of a handful of numbers without allocating.
//
// Why: breath-by-breath statistics only ever need the last few breaths; a fixed ring
// keeps memory constant however long the recording, and a median of <= 32 values by
// insertion sort on a stack copy costs less than the event that triggers it.

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <limits>

namespace respira::dsp {

template <std::size_t N>
class Ring {
 public:
  void push(double v) noexcept {
    values_[head_] = v;
    head_ = (head_ + 1) % N;
    if (size_ < N) ++size_;
  }
  void clear() noexcept { size_ = head_ = 0; }
  std::size_t size() const noexcept { return size_; }
  static constexpr std::size_t capacity() noexcept { return N; }
  // i = 0 is the newest value.
  double newest(std::size_t i = 0) const noexcept { return values_[(head_ + N - 1 - i) % N]; }

  double median() const noexcept {
    if (size_ == 0) return std::numeric_limits<double>::quiet_NaN();
    std::array<double, N> sorted;
    for (std::size_t i = 0; i < size_; ++i) sorted[i] = newest(i);
    std::sort(sorted.begin(), sorted.begin() + size_);
    return size_ % 2 ? sorted[size_ / 2] : 0.5 * (sorted[size_ / 2 - 1] + sorted[size_ / 2]);
  }
  double mean() const noexcept {
    if (size_ == 0) return std::numeric_limits<double>::quiet_NaN();
    double sum = 0.0;
    for (std::size_t i = 0; i < size_; ++i) sum += values_[i];
    return sum / size_;
  }
  double sd() const noexcept {
    if (size_ < 2) return std::numeric_limits<double>::quiet_NaN();
    const double m = mean();
    double sum = 0.0;
    for (std::size_t i = 0; i < size_; ++i) sum += (values_[i] - m) * (values_[i] - m);
    return std::sqrt(sum / (size_ - 1));
  }

 private:
  std::array<double, N> values_{};
  std::size_t head_ = 0;
  std::size_t size_ = 0;
};

}  // namespace respira::dsp
