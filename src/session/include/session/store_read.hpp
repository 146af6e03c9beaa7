#pragma once
// The stores opened for one read on a background thread, each on a connection of its own.
// When `stop` is requested the statement under way is interrupted
// (Repository::interrupt, ProgrammeStore::interrupt), so an answer no longer wanted (another
// patient chosen, the window closing) does not wait out a lock another workstation holds.

#include <functional>
#include <memory>
#include <optional>
#include <stop_token>

#include "session/programme_store.hpp"
#include "session/repository.hpp"

namespace respira::session {

class StoreRead {
 public:
  StoreRead(const StoreLocation& location, std::stop_token stop);

  Repository& repository() { return *repository_; }
  ProgrammeStore& programmes();  // opened on first use

 private:
  using Interrupt = std::stop_callback<std::function<void()>>;

  StoreLocation location_;
  std::stop_token stop_;
  // Each callback is declared after its store, so it is unregistered before the store closes.
  std::unique_ptr<Repository> repository_;
  std::optional<Interrupt> interrupt_repository_;
  std::unique_ptr<ProgrammeStore> programmes_;
  std::optional<Interrupt> interrupt_programmes_;
};

}  // namespace respira::session
