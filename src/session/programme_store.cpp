#include "session/programme_store.hpp"

#include <chrono>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "migrations.hpp"
#include "postgres_connection.hpp"
#include "session/time_text.hpp"
#include "sql_connection.hpp"
#include "sqlite_connection.hpp"

namespace respira::session {

namespace {

using nlohmann::json;

template <typename T>
T field(const json& object, const char* name, const std::string& where) {
  const auto it = object.find(name);
  if (it == object.end()) throw std::invalid_argument(where + ": missing \"" + name + "\"");
  try {
    return it->get<T>();
  } catch (const json::exception&) {
    throw std::invalid_argument(where + ": \"" + name + "\" has the wrong type");
  }
}

}  // namespace

std::string programme_to_json(const Programme& programme) {
  json stages = json::array();
  for (const ProgrammeStage& s : programme.stages) {
    stages.push_back({{"rate_bpm", s.rate_bpm},
                      {"exhale_ratio", s.exhale_ratio},
                      {"minutes", s.minutes},
                      {"sessions_per_week", s.sessions_per_week}});
  }
  json doc = {
      {"stages", stages},
      {"rule",
       {{"sessions_to_advance", programme.rule.sessions_to_advance},
        {"min_adherence", programme.rule.min_adherence},
        {"step_back_on_flare_up", programme.rule.step_back_on_flare_up}}},
      {"start_stage", programme.start_stage + 1},
      {"starts", to_iso(programme.starts)},
      {"baseline_rate_bpm",
       programme.baseline_rate_bpm ? json(*programme.baseline_rate_bpm) : json(nullptr)}};
  return doc.dump();
}

Programme programme_from_json(std::string_view text) {
  const json doc = json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) throw std::invalid_argument("programme is not a JSON object");
  Programme programme;
  const json stages = field<json>(doc, "stages", "programme");
  if (!stages.is_array()) throw std::invalid_argument("programme: \"stages\" must be an array");
  for (std::size_t i = 0; i < stages.size(); ++i) {
    const std::string where = "programme stage " + std::to_string(i + 1);
    ProgrammeStage s;
    s.rate_bpm = field<double>(stages[i], "rate_bpm", where);
    s.exhale_ratio = field<double>(stages[i], "exhale_ratio", where);
    s.minutes = field<double>(stages[i], "minutes", where);
    s.sessions_per_week = field<int>(stages[i], "sessions_per_week", where);
    programme.stages.push_back(s);
  }
  const json rule = field<json>(doc, "rule", "programme");
  programme.rule.sessions_to_advance = field<std::size_t>(rule, "sessions_to_advance", "programme rule");
  programme.rule.min_adherence = field<double>(rule, "min_adherence", "programme rule");
  programme.rule.step_back_on_flare_up = field<bool>(rule, "step_back_on_flare_up", "programme rule");
  const auto start_stage = field<std::size_t>(doc, "start_stage", "programme");
  if (start_stage < 1) throw std::invalid_argument("programme: stages are numbered from 1");
  programme.start_stage = start_stage - 1;
  const auto starts = parse_iso(field<std::string>(doc, "starts", "programme"));
  if (!starts) throw std::invalid_argument("programme: \"starts\" is not an ISO 8601 UTC time");
  programme.starts = std::chrono::floor<std::chrono::seconds>(*starts);
  if (const auto it = doc.find("baseline_rate_bpm"); it != doc.end() && it->is_number())
    programme.baseline_rate_bpm = it->get<double>();
  if (const std::string problem = validate(programme); !problem.empty())
    throw std::invalid_argument("programme: " + problem);
  return programme;
}

namespace {

class SqlProgrammeStore final : public ProgrammeStore {
 public:
  explicit SqlProgrammeStore(std::unique_ptr<sql::Connection> db) : db_(std::move(db)) {
    sql::migrate(*db_);  // migration 2 creates clinical_programmes
  }

  void interrupt() noexcept override { db_->interrupt(); }

  void save(const std::string& patient_id, const Programme& programme) override {
    sql::Transaction transaction(*db_);
    if (db_->run("SELECT id FROM patients WHERE id = ?", {patient_id}).empty())
      throw StoreError("no patient " + patient_id + " in " + db_->describe());
    const auto next = db_->run(
        "SELECT COALESCE(MAX(version), 0) + 1 FROM clinical_programmes WHERE patient_id = ?",
        {patient_id});
    db_->run("INSERT INTO clinical_programmes (patient_id, version, set_at, programme) VALUES (?, ?, ?, ?)",
             {patient_id, next.front().integer(0), utc_now_iso(), programme_to_json(programme)});
    transaction.commit();
  }

  std::optional<Programme> load(const std::string& patient_id) override {
    const auto rows = db_->run(
        "SELECT programme, version FROM clinical_programmes WHERE patient_id = ? "
        "ORDER BY version DESC LIMIT 1",
        {patient_id});
    if (rows.empty()) return std::nullopt;
    try {
      return programme_from_json(rows.front().text(0));
    } catch (const std::invalid_argument& e) {
      throw StoreError(db_->describe() + ": stored programme version " +
                       std::to_string(rows.front().integer(1)) + " for " + patient_id +
                       " is damaged (" + e.what() + ")");
    }
  }

  int version_count(const std::string& patient_id) override {
    const auto rows =
        db_->run("SELECT COUNT(*) FROM clinical_programmes WHERE patient_id = ?", {patient_id});
    return static_cast<int>(rows.front().integer(0));
  }

 private:
  std::unique_ptr<sql::Connection> db_;
};

}  // namespace

std::unique_ptr<ProgrammeStore> open_programme_store(const StoreLocation& location) {
  return std::make_unique<SqlProgrammeStore>(location.kind == StoreLocation::Kind::postgresql
                                                 ? sql::open_postgres(location.target)
                                                 : sql::open_sqlite(location.target));
}

}  // namespace respira::session
