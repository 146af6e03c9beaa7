// `respira import PATH`: reads a JSON export back in, all or nothing. Records already in
// the database (same id) are left as they are, so importing twice changes nothing.

#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "command_registry.hpp"
#include "session/exports.hpp"
#include "session_store_option.hpp"

namespace respira::cli {
namespace {

struct ImportOptions {
  std::string db;
  std::string path;
};

void run_import(const ImportOptions& o) {
  std::ifstream in(o.path, std::ios::binary);
  if (!in) throw CommandFailure{"cannot read " + o.path, 2};
  std::ostringstream text;
  text << in.rdbuf();
  session::ExportBundle bundle;
  try {
    bundle = session::parse_json(text.str(), o.path);
  } catch (const session::ExportError& e) {
    throw CommandFailure{std::string(e.what()) + "; nothing was imported", 2};
  }
  auto store = open_store(o.db);
  const auto summary = with_store_errors([&] { return store->import_records(bundle.patients, bundle.sessions); });
  std::printf("imported %d patients (%d already present), %d sessions (%d already present) into %s\n",
              summary.patients_added, summary.patients_present, summary.sessions_added, summary.sessions_present,
              store->describe().c_str());
}

void add_import_command(CLI::App& app) {
  auto o = std::make_shared<ImportOptions>();
  auto* cmd = app.add_subcommand("import", "Import a JSON export (from `respira export --format json`)");
  cmd->add_option("PATH", o->path, "JSON export file")->required();
  add_db_option(cmd, o->db);
  cmd->callback([o] { run_import(*o); });
}

const CommandRegistration kImport{53, &add_import_command};

}  // namespace
}  // namespace respira::cli
