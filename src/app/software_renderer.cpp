#include "software_renderer.hpp"

#include <GL/gl.h>
#include <sched.h>
#include <sys/types.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <string_view>
#include <vector>

namespace respira::app {

namespace {

constexpr std::string_view kThreadPrefix = "llvmpipe-";

std::vector<int> allowed_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  std::vector<int> cpus;
  if (sched_getaffinity(0, sizeof set, &set) != 0) return cpus;
  for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu)
    if (CPU_ISSET(cpu, &set)) cpus.push_back(cpu);
  return cpus;
}

}  // namespace

RasteriserSpread spread_software_rasteriser() {
  RasteriserSpread spread;
  const auto* renderer = reinterpret_cast<const char*>(glGetString(GL_RENDERER));
  if (renderer == nullptr || std::strstr(renderer, "llvmpipe") == nullptr) return spread;
  const std::vector<int> cpus = allowed_cpus();
  if (cpus.size() < 2) return spread;  // nothing to spread over
  std::error_code error;
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task", error)) {
    std::string name;
    std::getline(std::ifstream(task.path() / "comm"), name);
    if (name.rfind(kThreadPrefix, 0) != 0) continue;
    std::size_t index = 0;
    try {
      index = std::stoul(name.substr(kThreadPrefix.size()));
    } catch (const std::exception&) {
      continue;
    }
    const int cpu = cpus[index % cpus.size()];
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(cpu, &one);
    const auto tid = static_cast<pid_t>(std::stol(task.path().filename().string()));
    if (sched_setaffinity(tid, sizeof one, &one) != 0) continue;
    ++spread.threads;
    spread.cpus += (spread.cpus.empty() ? "" : ",") + std::to_string(cpu);
  }
  return spread;
}

}  // namespace respira::app
