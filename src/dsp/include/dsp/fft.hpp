#pragma once
// RealFft: the one place that knows the FFT library (KissFFT, float). Callers see a
// real-input power spectrum and nothing of the library, so it can be swapped without
// touching the analysis code. The few helpers every spectral stage needs (FFT size,
// Hann window, peak interpolation) live beside it.

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

// The smallest power-of-two FFT size holding at least n samples.
std::size_t fft_size_at_least(std::size_t n) noexcept;

// Fills `window` with a symmetric Hann window.
void fill_hann(std::span<float> window) noexcept;

// Sub-bin position of the spectral peak at bin `peak` (0 < peak < size - 1): parabolic
// interpolation of log power over the peak and its neighbours, in -0.5..0.5 bins.
double peak_offset_bins(std::span<const float> power, std::size_t peak) noexcept;

}  // namespace respira::dsp
