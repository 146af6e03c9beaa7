#include "dsp/fft.hpp"

#include <kissfft/kiss_fftr.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>
#include <vector>

namespace respira::dsp {

struct RealFft::Impl {
  kiss_fftr_cfg plan = nullptr;
  std::vector<float> input;
  std::vector<kiss_fft_cpx> output;
  ~Impl() { kiss_fftr_free(plan); }
};

RealFft::RealFft(std::size_t size) : size_(size), impl_(std::make_unique<Impl>()) {
  if (size < 2 || size % 2) throw std::invalid_argument("RealFft size must be even and >= 2");
  impl_->plan = kiss_fftr_alloc(static_cast<int>(size), 0, nullptr, nullptr);
  if (!impl_->plan) throw std::bad_alloc();
  impl_->input.resize(size);
  impl_->output.resize(size / 2 + 1);
}

RealFft::~RealFft() = default;
RealFft::RealFft(RealFft&&) noexcept = default;
RealFft& RealFft::operator=(RealFft&&) noexcept = default;

void RealFft::power_spectrum(std::span<const float> input, std::span<float> power) noexcept {
  const std::size_t n = std::min(input.size(), size_);
  std::copy_n(input.begin(), n, impl_->input.begin());
  std::fill(impl_->input.begin() + n, impl_->input.end(), 0.0f);
  kiss_fftr(impl_->plan, impl_->input.data(), impl_->output.data());
  const std::size_t bins = std::min(power.size(), size_ / 2 + 1);
  for (std::size_t k = 0; k < bins; ++k)
    power[k] = impl_->output[k].r * impl_->output[k].r + impl_->output[k].i * impl_->output[k].i;
}

std::size_t fft_size_at_least(std::size_t n) noexcept {
  std::size_t size = 2;
  while (size < n) size *= 2;
  return size;
}

void fill_hann(std::span<float> window) noexcept {
  const std::size_t n = window.size();
  for (std::size_t i = 0; i < n; ++i)
    window[i] = static_cast<float>(0.5 - 0.5 * std::cos(2.0 * std::numbers::pi * i / (n - 1)));
}

double peak_offset_bins(std::span<const float> power, std::size_t peak) noexcept {
  const double a = std::log(power[peak - 1] + 1e-30f), b = std::log(power[peak] + 1e-30f),
               c = std::log(power[peak + 1] + 1e-30f);
  const double curvature = a - 2 * b + c;
  return curvature < 0 ? std::clamp(0.5 * (a - c) / curvature, -0.5, 0.5) : 0.0;
}

}  // namespace respira::dsp
