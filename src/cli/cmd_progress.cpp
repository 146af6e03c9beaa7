// `respira progress --patient ID [--json] [--as-of TIME] [--db PATH]`: the clinician's summary
// of one patient — programme stage and today's session, adherence, tension and breathing
// trends with Theil–Sen slopes and intervals, home vs clinic, plateau and flare-up flags,
// recent notes. Rules: docs/clinical-loop.md.

#include <chrono>
#include <cstdio>
#include <optional>
#include <string>

#include "command_registry.hpp"
#include "session/progress_export.hpp"
#include "session/progress_source.hpp"
#include "session/repository.hpp"
#include "session/time_text.hpp"

namespace respira::cli {
namespace {

struct ProgressOptions {
  std::string patient;
  std::optional<std::string> db;
  std::optional<std::string> as_of;
  bool json = false;
};

std::chrono::sys_seconds parse_as_of(const std::optional<std::string>& text) {
  if (!text) return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  const auto time = session::parse_iso(*text);
  if (!time)
    throw CommandFailure{"--as-of '" + *text + "' is not an ISO 8601 UTC time (e.g. 2026-03-01T12:00:00Z)", 2};
  return std::chrono::floor<std::chrono::seconds>(*time);
}

void run_progress(const ProgressOptions& options) {
  const auto as_of = parse_as_of(options.as_of);
  try {
    const session::PatientProgress progress = session::load_patient_progress(
        session::resolve_store_location(options.db), options.patient, as_of);
    const std::string text = options.json ? session::progress_json(progress).dump(2) + "\n"
                                          : session::progress_text(progress);
    std::fputs(text.c_str(), stdout);
  } catch (const session::StoreError& e) {
    throw CommandFailure{e.what(), 1};
  }
}

void add_progress(CLI::App& app) {
  auto options = std::make_shared<ProgressOptions>();
  auto* cmd = app.add_subcommand("progress", "Show a patient's programme stage, trends and flags");
  cmd->add_option("--patient", options->patient, "Patient id (from `respira patient list`)")->required();
  cmd->add_flag("--json", options->json, "Print the summary as JSON");
  cmd->add_option("--as-of", options->as_of, "Assess as of this UTC time (default: now)");
  cmd->add_option("--db", options->db, "Database file or postgresql:// URL");
  cmd->callback([options] { run_progress(*options); });
}

const CommandRegistration kProgress{60, &add_progress};

}  // namespace
}  // namespace respira::cli
