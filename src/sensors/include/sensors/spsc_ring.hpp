#pragma once
// Wait-free single-producer / single-consumer ring of trivially copyable values.
// The producer (an audio or device callback) never blocks, allocates or locks: when
// the ring is full the excess is dropped and counted, so the consumer can show it.
// Capacity is rounded up to a power of two; indices are free-running and padded to
// their own cache lines so producer and consumer do not false-share.

#include <atomic>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <type_traits>

namespace respira::sensors {

template <typename T>
class SpscRing {
  static_assert(std::is_trivially_copyable_v<T>);

 public:
  explicit SpscRing(std::size_t min_capacity)
      : capacity_(std::bit_ceil(min_capacity < 2 ? std::size_t{2} : min_capacity)),
        mask_(capacity_ - 1),
        buffer_(std::make_unique<T[]>(capacity_)) {}

  std::size_t capacity() const noexcept { return capacity_; }

  // Producer side. Returns how many values were written; the rest count as dropped.
  std::size_t push(std::span<const T> values) noexcept {
    const std::size_t head = head_.load(std::memory_order_relaxed);
    const std::size_t tail = tail_.load(std::memory_order_acquire);
    const std::size_t space = capacity_ - (head - tail);
    const std::size_t n = values.size() < space ? values.size() : space;
    for (std::size_t i = 0; i < n; ++i) buffer_[(head + i) & mask_] = values[i];
    head_.store(head + n, std::memory_order_release);
    if (n < values.size()) dropped_.fetch_add(values.size() - n, std::memory_order_relaxed);
    return n;
  }

  // Consumer side. Returns how many values were read into out.
  std::size_t pop(std::span<T> out) noexcept {
    const std::size_t tail = tail_.load(std::memory_order_relaxed);
    const std::size_t head = head_.load(std::memory_order_acquire);
    const std::size_t available = head - tail;
    const std::size_t n = out.size() < available ? out.size() : available;
    for (std::size_t i = 0; i < n; ++i) out[i] = buffer_[(tail + i) & mask_];
    tail_.store(tail + n, std::memory_order_release);
    return n;
  }

  std::size_t size() const noexcept {
    return head_.load(std::memory_order_acquire) - tail_.load(std::memory_order_acquire);
  }
  std::uint64_t dropped() const noexcept { return dropped_.load(std::memory_order_relaxed); }

 private:
  static constexpr std::size_t kCacheLine = 64;
  const std::size_t capacity_;
  const std::size_t mask_;
  std::unique_ptr<T[]> buffer_;
  alignas(kCacheLine) std::atomic<std::size_t> head_{0};
  alignas(kCacheLine) std::atomic<std::size_t> tail_{0};
  alignas(kCacheLine) std::atomic<std::uint64_t> dropped_{0};
};

}  // namespace respira::sensors
