#pragma once
// Reading the store without stalling the window. The screens that show what the store holds
// (the clinician's patient list, one patient's Progress) read it again every so often, and on a
// clinic's PostgreSQL server or a large SQLite file that read can take longer than a frame. So
// the read runs on its own std::jthread and the frame loop only asks, without waiting, whether
// it has finished; the screen keeps drawing what it last had meanwhile.
//
// One read at a time, handed over once. The read gets the thread's stop token: a screen asks it
// to give up early when its answer is no longer wanted (and never sees that partial answer),
// and leaving the window stops and joins it. The read opens its own connection: the window's Repository belongs to the frame loop.

#include <chrono>
#include <exception>
#include <future>
#include <optional>
#include <stop_token>
#include <string>
#include <thread>
#include <utility>

namespace respira::app {

// What a finished read produced: its value, or the message of what it threw.
template <class T>
struct ReadResult {
  std::optional<T> value;
  std::string error;
};

template <class T>
class BackgroundRead {
 public:
  // A read is running, or finished and not yet taken.
  bool busy() const { return arriving_.valid(); }

  // Runs read(std::stop_token) -> T on its own thread. Only when not busy().
  template <class Read>
  void start(Read read) {
    std::promise<ReadResult<T>> promise;
    arriving_ = promise.get_future();
    // The previous thread, if any, has handed its result over already: joining it is immediate.
    worker_ = std::jthread([read = std::move(read), promise = std::move(promise)](std::stop_token stop) mutable {
      ReadResult<T> result;
      try {
        result.value = read(stop);
      } catch (const std::exception& e) {
        result.error = e.what();
      }
      promise.set_value(std::move(result));
    });
  }

  // The finished read's result, once; nothing while it runs or when none was started, and
  // nothing for a read asked to stop (what it has is partial).
  std::optional<ReadResult<T>> take_finished() {
    if (!busy() || arriving_.wait_for(std::chrono::seconds{0}) != std::future_status::ready) return std::nullopt;
    ReadResult<T> result = arriving_.get();
    if (worker_.get_stop_token().stop_requested()) return std::nullopt;
    return result;
  }

  // Asks the running read to give up early; once it has, take_finished drops it.
  void request_stop() { worker_.request_stop(); }

 private:
  std::future<ReadResult<T>> arriving_;
  std::jthread worker_;  // last: stopped and joined before the rest goes
};

}  // namespace respira::app
