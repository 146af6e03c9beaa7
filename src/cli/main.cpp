// respira: one executable, one subcommand per task. With no subcommand it opens the
// trainer window (the `gui` subcommand with its defaults).

#include <algorithm>
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "command_registry.hpp"

int main(int argc, char** argv) {
  CLI::App app{"Respira: biofeedback breathing and relaxation trainer", "respira"};
  app.set_version_flag("--version", std::string{"respira "} + RESPIRA_VERSION);
  app.require_subcommand(0, 1);
  respira::cli::register_all_commands(app);

  std::vector<std::string> args(argv + 1, argv + argc);
  bool has_gui = true;  // CLI11 2.1 (Debian 12) has no get_subcommand_no_throw
  try {
    app.get_subcommand("gui");
  } catch (const CLI::OptionNotFound&) {
    has_gui = false;
  }
  if (args.empty() && has_gui) args.emplace_back("gui");
  std::reverse(args.begin(), args.end());  // CLI11 parses a reversed vector

  try {
    app.parse(args);
    if (app.get_subcommands().empty()) {
      std::fputs(app.help().c_str(), stdout);
    }
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const respira::cli::CommandFailure& failure) {
    std::fprintf(stderr, "respira: %s\n", failure.message.c_str());
    return failure.exit_code;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "respira: %s\n", e.what());
    return 1;
  }
  return 0;
}
