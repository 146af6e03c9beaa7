// `respira patient add NAME` (prints the new pseudonymous id) and `respira patient list`.

#include <cstdio>
#include <memory>
#include <string>

#include "command_registry.hpp"
#include "session_store_option.hpp"

namespace respira::cli {
namespace {

struct PatientOptions {
  std::string db;
  std::string name;
  std::string notes;
};

void add_patient_command(CLI::App& app) {
  auto options = std::make_shared<PatientOptions>();
  auto* patient = app.add_subcommand("patient", "Add and list patients (pseudonymous ids)");
  patient->require_subcommand(1);

  auto* add = patient->add_subcommand("add", "Add a patient and print the new id");
  add->add_option("NAME", options->name, "Display name the clinician uses")->required();
  add->add_option("--notes", options->notes, "Free-text notes");
  add_db_option(add, options->db);
  add->callback([options] {
    if (options->name.find_first_not_of(" \t") == std::string::npos) throw CommandFailure{"patient name must not be empty", 2};
    auto store = open_store(options->db);
    const auto p = with_store_errors([&] { return store->add_patient(options->name, options->notes); });
    std::printf("%s\n", p.id.c_str());
  });

  auto* list = patient->add_subcommand("list", "List patients");
  add_db_option(list, options->db);
  list->callback([options] {
    auto store = open_store(options->db);
    const auto patients = with_store_errors([&] { return store->list_patients(); });
    const auto sessions = with_store_errors([&] { return store->list_sessions(std::nullopt); });
    if (patients.empty()) {
      std::printf("no patients in %s (add one with `respira patient add NAME`)\n", store->describe().c_str());
      return;
    }
    std::printf("%-12s %-8s %-10s %s\n", "ID", "SESSIONS", "LAST", "NAME");
    for (const auto& p : patients) {
      int count = 0;
      std::string last = "-";
      for (const auto& s : sessions) {
        if (s.patient_id != p.id) continue;
        ++count;
        last = s.started_at.substr(0, 10);
      }
      std::printf("%-12s %-8d %-10s %s\n", p.id.c_str(), count, last.c_str(), p.display_name.c_str());
    }
  });
}

const CommandRegistration kPatient{50, &add_patient_command};

}  // namespace
}  // namespace respira::cli
