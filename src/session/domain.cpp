#include "session/domain.hpp"

namespace respira::session {

std::string_view to_string(Place place) { return place == Place::clinic ? "clinic" : "home"; }

std::string_view to_string(SessionStatus status) {
  switch (status) {
    case SessionStatus::recording: return "recording";
    case SessionStatus::completed: return "completed";
    case SessionStatus::interrupted: return "interrupted";
  }
  return "interrupted";
}

std::optional<Place> parse_place(std::string_view text) {
  if (text == "home") return Place::home;
  if (text == "clinic") return Place::clinic;
  return std::nullopt;
}

std::optional<SessionStatus> parse_status(std::string_view text) {
  if (text == "recording") return SessionStatus::recording;
  if (text == "completed") return SessionStatus::completed;
  if (text == "interrupted") return SessionStatus::interrupted;
  return std::nullopt;
}

const std::vector<std::string>& standard_regions() {
  static const std::vector<std::string> kRegions = {"upper_trapezius", "levator_scapulae", "quadratus_lumborum",
                                                    "neck",            "jaw",              "lower_back"};
  return kRegions;
}

bool is_valid_rating(int value) { return value >= 0 && value <= 10; }

std::size_t SessionData::waveform_sample_count() const {
  std::size_t count = 0;
  for (const auto& chunk : waveform) count += chunk.values.size();
  return count;
}

}  // namespace respira::session
