// `respira programme set|show --patient ID`: the patient's graded breathing programme.
//
//   respira programme set --patient ID --default [--baseline-rate BPM] [rule options]
//   respira programme set --patient ID --stage RATE,1:E,MINUTES,PER_WEEK [--stage ...] [rule options]
//       rule options: --advance-after K --min-adherence A --no-step-back
//                     --start-stage N --starts TIME
//   respira programme show --patient ID [--json]
//
// Every `set` stores a new version; the newest is in force. Rules: docs/clinical-loop.md.

#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "command_registry.hpp"
#include "session/programme.hpp"
#include "session/programme_store.hpp"
#include "session/progress_export.hpp"
#include "session/progress_source.hpp"
#include "session/repository.hpp"
#include "session/time_text.hpp"

namespace respira::cli {
namespace {

struct ProgrammeOptions {
  std::string patient;
  std::optional<std::string> db;
  bool use_default = false;
  std::optional<double> baseline_rate;
  std::vector<std::string> stages;
  std::optional<std::size_t> advance_after;
  std::optional<double> min_adherence;
  bool no_step_back = false;
  std::size_t start_stage = 1;
  std::optional<std::string> starts;
  bool json = false;
};

std::chrono::sys_seconds now_seconds() {
  return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
}

// "RATE,1:E,MINUTES,PER_WEEK", e.g. "10,1:1.5,5,5".
session::ProgrammeStage parse_stage(const std::string& text) {
  const std::string usage = "--stage '" + text + "': expected RATE,1:E,MINUTES,PER_WEEK (e.g. 10,1:1.5,5,5)";
  std::vector<std::string> fields;
  std::size_t from = 0;
  for (std::size_t comma; (comma = text.find(',', from)) != std::string::npos; from = comma + 1)
    fields.push_back(text.substr(from, comma - from));
  fields.push_back(text.substr(from));
  if (fields.size() != 4 || fields[1].rfind("1:", 0) != 0) throw CommandFailure{usage, 2};
  const auto number = [&](const std::string& field) {
    std::size_t used = 0;
    double value = 0.0;
    try {
      value = std::stod(field, &used);
    } catch (const std::exception&) {
      throw CommandFailure{usage, 2};
    }
    if (used != field.size()) throw CommandFailure{usage, 2};
    return value;
  };
  session::ProgrammeStage stage;
  stage.rate_bpm = number(fields[0]);
  stage.exhale_ratio = number(fields[1].substr(2));
  stage.minutes = number(fields[2]);
  const double per_week = number(fields[3]);
  if (per_week != static_cast<int>(per_week)) throw CommandFailure{usage, 2};
  stage.sessions_per_week = static_cast<int>(per_week);
  return stage;
}

void run_set(const ProgrammeOptions& o) {
  if (o.use_default == !o.stages.empty())
    throw CommandFailure{"programme set needs either --default or one or more --stage", 2};
  if (o.baseline_rate && !o.use_default)
    throw CommandFailure{"--baseline-rate only applies with --default", 2};
  try {
    const auto location = session::resolve_store_location(o.db);
    const auto repository = session::open_repository(location);
    if (!repository->find_patient(o.patient))
      throw CommandFailure{"no patient " + o.patient + " in " + repository->describe(), 1};

    session::Programme programme;
    if (o.use_default) {
      const auto history = session::load_outcomes(*repository, o.patient);
      const auto baseline = o.baseline_rate ? o.baseline_rate : session::measured_baseline_rate(history);
      if (!baseline)
        throw CommandFailure{"no resting breathing rate measured for " + o.patient +
                                 " yet: record a session first or pass --baseline-rate BPM", 1};
      if (!(*baseline >= 2.0 && *baseline <= 60.0))
        throw CommandFailure{"--baseline-rate must be 2-60 breaths/min", 2};
      programme = session::default_programme(*baseline);
    } else {
      for (const std::string& text : o.stages) programme.stages.push_back(parse_stage(text));
    }
    if (o.advance_after) programme.rule.sessions_to_advance = *o.advance_after;
    if (o.min_adherence) programme.rule.min_adherence = *o.min_adherence;
    programme.rule.step_back_on_flare_up = !o.no_step_back;
    if (o.start_stage < 1) throw CommandFailure{"--start-stage counts from 1", 2};
    programme.start_stage = o.start_stage - 1;
    programme.starts = now_seconds();
    if (o.starts) {
      const auto time = session::parse_iso(*o.starts);
      if (!time) throw CommandFailure{"--starts '" + *o.starts + "' is not an ISO 8601 UTC time", 2};
      programme.starts = std::chrono::floor<std::chrono::seconds>(*time);
    }
    if (const std::string problem = session::validate(programme); !problem.empty())
      throw CommandFailure{"programme not saved: " + problem, 2};

    auto store = session::open_programme_store(location);
    store->save(o.patient, programme);
    std::printf("programme version %d set for %s: %zu stage%s\n", store->version_count(o.patient),
                o.patient.c_str(), programme.stages.size(), programme.stages.size() == 1 ? "" : "s");
  } catch (const session::StoreError& e) {
    throw CommandFailure{e.what(), 1};
  }
}

void run_show(const ProgrammeOptions& o) {
  try {
    const session::PatientProgress progress =
        session::load_patient_progress(session::resolve_store_location(o.db), o.patient, now_seconds());
    if (!progress.programme)
      throw CommandFailure{"no programme set for " + o.patient + " (respira programme set --patient " +
                               o.patient + " --default)", 1};
    if (o.json) {
      nlohmann::json doc = session::progress_json(progress);
      const nlohmann::json out = {{"patient", doc["patient"]}, {"programme", doc["programme"]},
                                  {"stage", doc["stage"]},     {"today", doc["today"]}};
      std::printf("%s\n", out.dump(2).c_str());
      return;
    }
    const session::Programme& p = *progress.programme;
    std::printf("Programme for %s, from %s: stage %zu of %zu\n", o.patient.c_str(),
                session::to_iso(p.starts).c_str(), progress.state->stage + 1, p.stages.size());
    if (p.baseline_rate_bpm) std::printf("  built from a resting rate of %.1f/min\n", *p.baseline_rate_bpm);
    for (std::size_t i = 0; i < p.stages.size(); ++i) {
      const auto& s = p.stages[i];
      std::printf("%s %zu. %g/min, I:E 1:%g, %g min, %d per week\n", i == progress.state->stage ? ">" : " ",
                  i + 1, s.rate_bpm, s.exhale_ratio, s.minutes, s.sessions_per_week);
    }
    std::printf("  advance after %zu sessions in a row with adherence >= %.2f and tension not higher after; %s\n",
                p.rule.sessions_to_advance, p.rule.min_adherence,
                p.rule.step_back_on_flare_up ? "one stage back after a flare-up" : "no step back");
  } catch (const session::StoreError& e) {
    throw CommandFailure{e.what(), 1};
  }
}

void add_programme(CLI::App& app) {
  auto* cmd = app.add_subcommand("programme", "Set or show a patient's graded breathing programme");
  cmd->require_subcommand(1);

  auto set = std::make_shared<ProgrammeOptions>();
  auto* set_cmd = cmd->add_subcommand("set", "Store a new programme version for a patient");
  set_cmd->add_option("--patient", set->patient, "Patient id")->required();
  set_cmd->add_flag("--default", set->use_default,
                    "Build the default ladder from the measured resting rate toward 6/min");
  set_cmd->add_option("--baseline-rate", set->baseline_rate, "Resting rate (breaths/min) for --default");
  set_cmd->add_option("--stage", set->stages, "A stage: RATE,1:E,MINUTES,PER_WEEK (repeat, in order)");
  set_cmd->add_option("--advance-after", set->advance_after, "K: met sessions in a row to advance (default 3)");
  set_cmd->add_option("--min-adherence", set->min_adherence, "A: adherence 0..1 that meets a stage (default 0.7)");
  set_cmd->add_flag("--no-step-back", set->no_step_back, "Do not step back a stage after a flare-up");
  set_cmd->add_option("--start-stage", set->start_stage, "Stage to start at (default 1)");
  set_cmd->add_option("--starts", set->starts, "Count sessions from this UTC time (default: now)");
  set_cmd->add_option("--db", set->db, "Database file or postgresql:// URL");
  set_cmd->callback([set] { run_set(*set); });

  auto show = std::make_shared<ProgrammeOptions>();
  auto* show_cmd = cmd->add_subcommand("show", "Print a patient's programme and current stage");
  show_cmd->add_option("--patient", show->patient, "Patient id")->required();
  show_cmd->add_flag("--json", show->json, "Print as JSON");
  show_cmd->add_option("--db", show->db, "Database file or postgresql:// URL");
  show_cmd->callback([show] { run_show(*show); });
}

const CommandRegistration kProgramme{61, &add_programme};

}  // namespace
}  // namespace respira::cli
