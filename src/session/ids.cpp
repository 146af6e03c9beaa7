#include "session/ids.hpp"

#include <random>

namespace respira::session {
namespace {

std::string random_code(std::size_t length) {
  static constexpr char kAlphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  std::random_device device;  // the kernel's CSPRNG on Linux
  std::uniform_int_distribution<int> pick(0, 31);
  std::string code;
  code.reserve(length);
  for (std::size_t i = 0; i < length; ++i) code += kAlphabet[pick(device)];
  return code;
}

}  // namespace

std::string new_patient_id() { return "P-" + random_code(8); }
std::string new_session_id() { return "S-" + random_code(12); }

}  // namespace respira::session
