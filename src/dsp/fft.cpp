#include "dsp/fft.hpp"

#include <kissfft/kiss_fftr.h>

#include <algorithm>
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

}  // namespace respira::dsp
