#pragma once
// Each subcommand lives in its own cmd_*.cpp and registers itself here at start-up,
// so adding a command never touches main.cpp.

#include <CLI/CLI.hpp>

namespace respira::cli {

// Adds a subcommand (with its options and callback) to the application.
using CommandSetup = void (*)(CLI::App& app);

struct CommandRegistration {
  // order: position in `respira --help` (lower first).
  CommandRegistration(int order, CommandSetup setup);
};

// Thrown by command callbacks for user-facing failures: main prints the message
// and exits with the code.
struct CommandFailure {
  std::string message;
  int exit_code = 1;
};

void register_all_commands(CLI::App& app);

}  // namespace respira::cli
