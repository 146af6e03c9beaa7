#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <charconv>
#include <cstring>

#include "session/exports.hpp"

namespace respira::session {

std::string format_number(double value) {
  std::array<char, 64> buffer{};
  const auto [end, ec] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  return ec == std::errc{} ? std::string(buffer.data(), end) : std::string("nan");
}

void write_file_atomically(const std::filesystem::path& path, std::string_view content) {
  const std::filesystem::path dir = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  std::string temp = (dir / ("." + path.filename().string() + ".tmp-XXXXXX")).string();
  auto fail = [&](const std::string& what, int error) {
    throw ExportError("cannot write " + path.string() + ": " + what + " (" + std::strerror(error) + ")" +
                      (error == ENOSPC || error == EFBIG || error == EDQUOT ? "; the disk is full" : "") +
                      "; nothing was changed");
  };
  if (std::filesystem::is_directory(path)) throw ExportError("cannot write " + path.string() + ": it is a directory");
  const int fd = ::mkstemp(temp.data());  // created 0600: exports hold health data
  if (fd < 0) fail("cannot create a file in " + dir.string(), errno);
  std::size_t written = 0;
  while (written < content.size()) {
    const ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int error = n < 0 ? errno : ENOSPC;
      ::close(fd);
      ::unlink(temp.c_str());
      fail("write failed", error);
    }
    written += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    const int error = errno;
    ::unlink(temp.c_str());
    fail("flush failed", error);
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    const int error = errno;
    ::unlink(temp.c_str());
    fail("rename failed", error);
  }
}

}  // namespace respira::session
