#include "session/store_read.hpp"

#include <utility>

namespace respira::session {

StoreRead::StoreRead(const StoreLocation& location, std::stop_token stop)
    : location_(location), stop_(std::move(stop)), repository_(open_repository(location_)) {
  interrupt_repository_.emplace(stop_, [this] { repository_->interrupt(); });
}

ProgrammeStore& StoreRead::programmes() {
  if (!programmes_) {
    programmes_ = open_programme_store(location_);
    interrupt_programmes_.emplace(stop_, [this] { programmes_->interrupt(); });
  }
  return *programmes_;
}

}  // namespace respira::session
