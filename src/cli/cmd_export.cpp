// `respira export --patient ID [--session ID] --format csv|json|edf|fhir|html --out PATH`
//
// csv: PATH gets the sessions table, PATH's stem + _breaths.csv / _ratings.csv the others
//      (or, when PATH is a directory, sessions.csv, breaths.csv and ratings.csv inside it).
// edf: one file per session; with several sessions, STEM_<session id>.edf each.
// Every file is written to a temporary name and renamed into place.

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "command_registry.hpp"
#include "session/exports.hpp"
#include "session/progress_source.hpp"
#include "session_store_option.hpp"

namespace respira::cli {
namespace {

namespace fs = std::filesystem;

struct ExportOptions {
  std::string db;
  std::string patient;
  std::string session;
  std::string format;
  std::string out;
  std::string fhir_base;
  bool pseudonymise = false;
};

fs::path sibling(const fs::path& path, const std::string& suffix) {
  return path.parent_path() / (path.stem().string() + suffix + path.extension().string());
}

void write(const fs::path& path, std::string_view content, std::vector<fs::path>& written) {
  session::write_file_atomically(path, content);
  written.push_back(path);
}

void run_export(const ExportOptions& o) {
  if (o.patient.empty() && o.session.empty()) throw CommandFailure{"export needs --patient ID or --session ID", 2};
  auto store = open_store(o.db);
  session::ExportBundle bundle;
  with_store_errors([&] {
    if (!o.session.empty()) {
      auto data = store->load_session(o.session);
      if (!data) throw CommandFailure{"unknown session '" + o.session + "' in " + store->describe(), 2};
      if (!o.patient.empty() && data->session.patient_id != o.patient)
        throw CommandFailure{"session " + o.session + " belongs to patient " + data->session.patient_id + ", not " + o.patient, 2};
      bundle.patients.push_back(require_patient(*store, data->session.patient_id));
      bundle.sessions.push_back(std::move(*data));
    } else {
      bundle.patients.push_back(require_patient(*store, o.patient));
      for (const auto& s : store->list_sessions(o.patient))
        if (auto data = store->load_session(s.id)) bundle.sessions.push_back(std::move(*data));
    }
  });
  if (o.pseudonymise)
    for (auto& p : bundle.patients) {
      p.display_name = p.id;
      p.notes.clear();
    }

  // The report and the FHIR bundle carry the programme, trends and flags (issue 7).
  std::optional<session::PatientProgress> progress;
  if (o.format == "html" || o.format == "fhir") {
    progress = with_store_errors([&] {
      return session::load_patient_progress(
          session::resolve_store_location(o.db.empty() ? std::nullopt : std::optional(o.db)),
          bundle.patients.front().id, std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()));
    });
    if (o.pseudonymise) {
      progress->display_name = progress->patient_id;
      progress->recent_notes.clear();
    }
  }

  const fs::path out = o.out;
  std::vector<fs::path> written;
  try {
    if (o.format == "json") {
      write(out, session::to_json(bundle), written);
    } else if (o.format == "csv") {
      const auto tables = session::to_csv(bundle);
      const bool into_dir = fs::is_directory(out);
      write(into_dir ? out / "sessions.csv" : out, tables.sessions, written);
      write(into_dir ? out / "breaths.csv" : sibling(out, "_breaths"), tables.breaths, written);
      write(into_dir ? out / "ratings.csv" : sibling(out, "_ratings"), tables.ratings, written);
    } else if (o.format == "fhir") {
      session::FhirOptions fhir;
      if (!o.fhir_base.empty()) fhir.base_url = o.fhir_base;
      fhir.pseudonymise = o.pseudonymise;
      fhir.progress = &*progress;
      write(out, session::to_fhir(bundle, fhir), written);
    } else if (o.format == "html") {
      write(out, session::to_html(bundle.patients.front(), bundle.sessions, o.pseudonymise, &*progress), written);
    } else if (o.format == "edf") {
      if (bundle.sessions.empty()) throw CommandFailure{"patient " + bundle.patients.front().id + " has no sessions to export", 2};
      for (const auto& data : bundle.sessions) {
        const fs::path path = bundle.sessions.size() == 1 ? out : sibling(out, "_" + data.session.id);
        session::write_edf(bundle.patients.front(), data, path, o.pseudonymise);
        written.push_back(path);
      }
    }
  } catch (const session::ExportError& e) {
    throw CommandFailure{e.what(), 1};
  }
  for (const auto& path : written) std::printf("wrote %s\n", path.c_str());
}

void add_export_command(CLI::App& app) {
  auto o = std::make_shared<ExportOptions>();
  auto* cmd = app.add_subcommand("export", "Export a patient's record (CSV, JSON, EDF+, FHIR R4, HTML report)");
  cmd->add_option("--patient", o->patient, "Patient id");
  cmd->add_option("--session", o->session, "Only this session");
  cmd->add_option("--format", o->format, "csv, json, edf, fhir or html")
      ->required()
      ->check(CLI::IsMember({"csv", "json", "edf", "fhir", "html"}));
  cmd->add_option("--out", o->out, "Output file (csv: the sessions table, or a directory)")->required();
  cmd->add_flag("--pseudonymise", o->pseudonymise, "Leave names and patient notes out");
  cmd->add_option("--fhir-base", o->fhir_base, "Base URL for FHIR fullUrl values");
  add_db_option(cmd, o->db);
  cmd->callback([o] { run_export(*o); });
}

const CommandRegistration kExport{52, &add_export_command};

}  // namespace
}  // namespace respira::cli
