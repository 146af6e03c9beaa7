#include <catch2/catch.hpp>
#include <atomic>
#include <chrono>
#include <future>
#include <optional>
#include <stdexcept>
#include <stop_token>
#include <string>
#include <thread>
#include "../../src/app/background_read.hpp"

using respira::app::BackgroundRead;
using respira::app::ReadResult;

namespace {

constexpr auto kPatience = std::chrono::seconds{10};  // a read here takes microseconds; ASan, a busy machine

// What the frame loop does: ask every "frame" until the read has been handed over.
template <class T>
std::optional<ReadResult<T>> poll_until_finished(BackgroundRead<T>& reader) {
  const auto deadline = std::chrono::steady_clock::now() + kPatience;
  while (std::chrono::steady_clock::now() < deadline) {
    if (auto finished = reader.take_finished()) return finished;
    std::this_thread::yield();
  }
  return std::nullopt;
}

}  // namespace

TEST_CASE("a background read hands its value over once, from another thread, without the caller waiting") {
  BackgroundRead<std::string> reader;
  CHECK_FALSE(reader.busy());
  CHECK_FALSE(reader.take_finished());

  std::promise<void> gate;  // holds the read until the test has looked at it mid-way
  std::shared_future<void> opened = gate.get_future().share();
  std::promise<std::thread::id> ran_on;
  auto ran_on_answer = ran_on.get_future();
  reader.start([opened, &ran_on](std::stop_token) {
    ran_on.set_value(std::this_thread::get_id());
    opened.wait();
    return std::string("3 sessions");
  });
  REQUIRE(ran_on_answer.wait_for(kPatience) == std::future_status::ready);
  CHECK(ran_on_answer.get() != std::this_thread::get_id());
  CHECK(reader.busy());
  CHECK_FALSE(reader.take_finished());  // still reading: nothing yet, and no wait
  CHECK(reader.busy());

  gate.set_value();
  const auto finished = poll_until_finished(reader);
  REQUIRE(finished);
  REQUIRE(finished->value);
  CHECK(*finished->value == "3 sessions");
  CHECK(finished->error.empty());
  CHECK_FALSE(reader.busy());
  CHECK_FALSE(reader.take_finished());  // handed over once

  reader.start([](std::stop_token) { return std::string("4 sessions"); });  // the next reload
  const auto again = poll_until_finished(reader);
  REQUIRE(again);
  REQUIRE(again->value);
  CHECK(*again->value == "4 sessions");
}

TEST_CASE("a failed background read hands over the failure's message and no value") {
  BackgroundRead<int> reader;
  reader.start([](std::stop_token) -> int {
    throw std::runtime_error("cannot open the SQLite database /nowhere/respira.db: unable to open database file");
  });
  const auto finished = poll_until_finished(reader);
  REQUIRE(finished);
  CHECK_FALSE(finished->value);
  CHECK(finished->error == "cannot open the SQLite database /nowhere/respira.db: unable to open database file");
  CHECK_FALSE(reader.busy());
}

TEST_CASE("a background read asked to stop gives up and its partial answer is never handed over") {
  BackgroundRead<int> reader;
  std::atomic<bool> started{false};
  reader.start([&started](std::stop_token stop) {
    started = true;
    int patients_read = 0;
    while (!stop.stop_requested()) patients_read = 1;  // a long read, checking between patients
    return patients_read;
  });
  const auto deadline = std::chrono::steady_clock::now() + kPatience;
  while (!started && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
  REQUIRE(started);
  reader.request_stop();
  bool handed_over = false;
  while (reader.busy() && std::chrono::steady_clock::now() < deadline) handed_over |= reader.take_finished().has_value();
  CHECK_FALSE(handed_over);
  CHECK_FALSE(reader.busy());  // dropped: a new read may start

  reader.start([](std::stop_token stop) { return stop.stop_requested() ? -1 : 7; });  // a fresh token
  const auto next = poll_until_finished(reader);
  REQUIRE(next);
  REQUIRE(next->value);
  CHECK(*next->value == 7);
}

TEST_CASE("leaving the window stops a running background read and waits for it") {
  std::atomic<bool> saw_stop{false};
  {
    BackgroundRead<int> reader;
    std::promise<void> running;
    auto is_running = running.get_future();
    reader.start([&saw_stop, &running](std::stop_token stop) {
      running.set_value();
      while (!stop.stop_requested()) std::this_thread::yield();
      saw_stop = true;
      return 0;
    });
    REQUIRE(is_running.wait_for(kPatience) == std::future_status::ready);
  }  // the reader goes here: it must ask the read to stop and join it, or this would hang or race
  CHECK(saw_stop);
}
