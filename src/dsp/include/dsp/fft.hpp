#pragma once
// RealFft: the one place that knows the FFT library (KissFFT, float). Callers see a
// real-input power spectrum and nothing of the library, so it can be swapped without
// touching the analysis code.

#include <cstddef>
#include <memory>
#include <span>

namespace respira::dsp {

class RealFft {
 public:
  explicit RealFft(std::size_t size);  // size: even; allocates the plan and buffers
  ~RealFft();
  RealFft(RealFft&&) noexcept;
  RealFft& operator=(RealFft&&) noexcept;

  std::size_t size() const noexcept { return size_; }
  std::size_t bins() const noexcept { return size_ / 2 + 1; }

  // |X[k]|^2 for k = 0..size/2 of the real input (zero-padded to size()).
  // power.size() must be >= bins(). Never allocates.
  void power_spectrum(std::span<const float> input, std::span<float> power) noexcept;

 private:
  struct Impl;
  std::size_t size_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace respira::dsp
