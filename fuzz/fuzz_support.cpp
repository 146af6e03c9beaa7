#include "fuzz_support.hpp"

#include <unistd.h>

#include <fstream>
#include <string>

namespace respira::fuzz {

ScratchFile::ScratchFile(const char* file_name) {
  std::string pattern = (std::filesystem::temp_directory_path() / "respira-fuzz-XXXXXX").string();
  if (!::mkdtemp(pattern.data())) violated("cannot create a temporary directory for fuzz inputs");
  directory_ = pattern;
  path_ = directory_ / file_name;
  std::filesystem::create_directories(path_.parent_path());
}

ScratchFile::~ScratchFile() {
  std::error_code ignored;
  std::filesystem::remove_all(directory_, ignored);
}

const std::filesystem::path& ScratchFile::write(const std::uint8_t* data, std::size_t size) {
  std::ofstream out(path_, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  out.close();
  if (!out) violated("cannot write the fuzz input file");
  return path_;
}

}  // namespace respira::fuzz
