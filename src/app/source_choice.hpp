#pragma once
// Which sensor the window starts with: the one asked for on the command line (and only
// that, so a typo fails loudly), else the one chosen last time in Settings, else a
// microphone if one is present, else the bundled belt recording in a loop, so the
// trainer is alive the moment it opens. Candidates are tried in order.

#include <string>
#include <vector>

namespace respira::app {

struct SourceChoice {
  std::string spec;
  bool loop = false;  // replay again when it ends
  std::string note;   // shown in Settings: why this source
};

std::vector<SourceChoice> source_candidates(const std::string& requested, const std::string& saved,
                                            bool microphone_present);

}  // namespace respira::app
