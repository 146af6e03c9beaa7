#include "app/app.hpp"

namespace respira::app {

std::optional<Screen> parse_screen(const std::string& name) {
  if (name == "start") return Screen::start;
  if (name == "live") return Screen::live;
  if (name == "review") return Screen::review;
  if (name == "progress") return Screen::progress;
  if (name == "settings") return Screen::settings;
  if (name == "clinic") return Screen::clinic;
  return std::nullopt;
}

}  // namespace respira::app
