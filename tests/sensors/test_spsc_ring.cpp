#include <catch2/catch.hpp>

#include <array>
#include <cstdint>
#include <random>
#include <thread>
#include <vector>

#include "sensors/sample_feed.hpp"
#include "sensors/spsc_ring.hpp"

using respira::sensors::SampleFeed;
using respira::sensors::SpscRing;

TEST_CASE("SpscRing rounds capacity up to a power of two and keeps order", "[sensors][ring]") {
  SpscRing<int> ring(5);
  CHECK(ring.capacity() == 8);
  const std::array<int, 6> in{1, 2, 3, 4, 5, 6};
  CHECK(ring.push(in) == 6);
  std::array<int, 4> out{};
  CHECK(ring.pop(out) == 4);
  CHECK(out == std::array<int, 4>{1, 2, 3, 4});
  CHECK(ring.size() == 2);
  // Wraps around the end of the buffer.
  CHECK(ring.push(in) == 6);
  std::array<int, 8> rest{};
  CHECK(ring.pop(rest) == 8);
  CHECK(rest == std::array<int, 8>{5, 6, 1, 2, 3, 4, 5, 6});
  CHECK(ring.dropped() == 0);
}

TEST_CASE("SpscRing drops and counts what does not fit", "[sensors][ring]") {
  SpscRing<float> ring(4);
  const std::array<float, 7> in{0, 1, 2, 3, 4, 5, 6};
  CHECK(ring.push(in) == 4);
  CHECK(ring.dropped() == 3);
  std::array<float, 7> out{};
  CHECK(ring.pop(out) == 4);
  CHECK(out[3] == 3.0f);
  CHECK(ring.pop(out) == 0);
}

// One producer thread, one consumer thread, uneven chunk sizes on both sides.
TEST_CASE("SpscRing under a threaded producer and consumer: nothing lost, order kept",
          "[sensors][ring][stress]") {
  constexpr std::uint64_t kTotal = 2'000'000;
  SpscRing<std::uint64_t> ring(1024);
  std::thread producer([&] {
    std::mt19937 rng(1);
    std::vector<std::uint64_t> chunk;
    std::uint64_t next = 0;
    while (next < kTotal) {
      chunk.clear();
      const std::uint64_t n = std::min<std::uint64_t>(1 + rng() % 300, kTotal - next);
      for (std::uint64_t i = 0; i < n; ++i) chunk.push_back(next + i);
      std::size_t sent = 0;
      while (sent < chunk.size()) {  // retry only what did not fit: no value counted twice
        const std::size_t space = ring.capacity() - ring.size();
        const std::size_t m = std::min(space, chunk.size() - sent);
        sent += ring.push(std::span<const std::uint64_t>(chunk).subspan(sent, m));
      }
      next += n;
    }
  });
  std::uint64_t expected = 0;
  bool in_order = true;
  std::mt19937 rng(2);
  std::vector<std::uint64_t> out(512);
  while (expected < kTotal) {
    const std::size_t want = 1 + rng() % out.size();
    const std::size_t got = ring.pop(std::span<std::uint64_t>(out).first(want));
    for (std::size_t i = 0; i < got; ++i) in_order = in_order && out[i] == expected++;
  }
  producer.join();
  CHECK(in_order);
  CHECK(expected == kTotal);
  CHECK(ring.dropped() == 0);
  CHECK(ring.size() == 0);
}

TEST_CASE("SpscRing with a producer that never waits: received + dropped = sent",
          "[sensors][ring][stress]") {
  constexpr std::uint64_t kTotal = 1'000'000;
  SpscRing<std::uint64_t> ring(256);
  std::atomic<bool> producer_done{false};
  std::thread producer([&] {
    std::array<std::uint64_t, 64> chunk{};
    for (std::uint64_t next = 0; next < kTotal; next += chunk.size()) {
      for (std::size_t i = 0; i < chunk.size(); ++i) chunk[i] = next + i;
      ring.push(chunk);
    }
    producer_done.store(true);
  });
  std::uint64_t received = 0;
  std::uint64_t last = 0;
  bool increasing = true;
  std::array<std::uint64_t, 100> out{};
  while (true) {
    const bool done = producer_done.load();
    const std::size_t got = ring.pop(out);
    for (std::size_t i = 0; i < got; ++i) {
      if (received > 0) increasing = increasing && out[i] > last;
      last = out[i];
      ++received;
    }
    if (done && got == 0 && ring.size() == 0) break;
  }
  producer.join();
  CHECK(increasing);
  CHECK(received + ring.dropped() == kTotal);
  CHECK(received > 0);
}

TEST_CASE("SampleFeed reports each gap between the samples around it", "[sensors][ring]") {
  SampleFeed feed(64);
  const std::array<float, 3> before{1, 2, 3};
  const std::array<float, 2> after{4, 5};
  feed.push(before);
  feed.mark_gap(1.5);
  feed.push(after);
  std::array<float, 10> out{};
  auto r = feed.read(out);
  CHECK(r.count == 3);
  CHECK(r.gap_before_s == 0.0);
  CHECK(out[2] == 3.0f);
  r = feed.read(out);
  CHECK(r.gap_before_s == 1.5);
  CHECK(r.count == 2);
  CHECK(out[0] == 4.0f);
  r = feed.read(out);
  CHECK(r.count == 0);
  CHECK(r.gap_before_s == 0.0);
}

TEST_CASE("SampleFeed reports a gap even before any new sample arrives", "[sensors][ring]") {
  SampleFeed feed(8);
  feed.mark_gap(2.0);
  feed.mark_gap(0.5);  // two faults in a row add up
  std::array<float, 4> out{};
  const auto r = feed.read(out);
  CHECK(r.count == 0);
  CHECK(r.gap_before_s == Approx(2.5));
  feed.mark_gap(0.0);  // nothing missing: no gap
  CHECK(feed.read(out).gap_before_s == 0.0);
}
