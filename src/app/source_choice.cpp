#include "source_choice.hpp"

#include "data_files.hpp"

namespace respira::app {

std::vector<SourceChoice> source_candidates(const std::string& requested, const std::string& saved,
                                            bool microphone_present) {
  if (!requested.empty()) return {{requested, false, "Given on the command line."}};
  std::vector<SourceChoice> candidates;
  if (!saved.empty()) candidates.push_back({saved, saved.starts_with("replay:"), "Chosen in Settings."});
  if (saved.empty() && microphone_present) {
    candidates.push_back({"mic", false, "The default microphone (found at start)."});
  }
  if (auto recording = find_data_file(kBundledRecording)) {
    candidates.push_back({"replay:" + recording->string(), true,
                          "No sensor given and no microphone found: replaying a bundled belt "
                          "recording (NeuroKit2, MIT) in a loop."});
  }
  return candidates;
}

}  // namespace respira::app
