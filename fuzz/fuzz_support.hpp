#pragma once
// Shared pieces of the fuzz harnesses. Each harness defines LLVMFuzzerTestOneInput and is
// built twice: with clang's libFuzzer (scripts/fuzz.sh, coverage-guided search) and, by the
// normal build, with regression_main.cpp, which replays the kept corpus and every crash
// found so far as a ctest test. A harness checks properties, not just "no crash": when a
// parser accepts an input, what it returns must be usable downstream (finite numbers,
// positive rates). A broken property aborts with a message, which libFuzzer records as a
// crash exactly like a sanitizer report.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string_view>

namespace respira::fuzz {

[[noreturn]] inline void violated(const char* property) {
  std::fprintf(stderr, "fuzz property violated: %s\n", property);
  std::abort();
}

inline void require(bool holds, const char* property) {
  if (!holds) violated(property);
}

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// Parsers that take a path (read_recording picks the format by extension) get the input
// written to one file (FILE_NAME may name a subdirectory) in a private temporary directory,
// removed when the process exits.
class ScratchFile {
 public:
  explicit ScratchFile(const char* file_name);
  ~ScratchFile();
  ScratchFile(const ScratchFile&) = delete;
  ScratchFile& operator=(const ScratchFile&) = delete;

  // Replaces the file's content with the input and returns its path.
  const std::filesystem::path& write(const std::uint8_t* data, std::size_t size);
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path directory_;
  std::filesystem::path path_;
};

}  // namespace respira::fuzz
