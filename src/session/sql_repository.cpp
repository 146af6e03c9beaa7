// Repository over sql::Connection: the one implementation both backends share.

#include <signal.h>
#include <unistd.h>

#include <bit>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>

#include "migrations.hpp"
#include "postgres_connection.hpp"
#include "session/ids.hpp"
#include "session/metrics.hpp"
#include "session/repository.hpp"
#include "session/time_text.hpp"
#include "sql_connection.hpp"
#include "sqlite_connection.hpp"

namespace respira::session {
namespace {

using sql::Row;
using sql::Value;

// A recorder that has not written for this long is gone (clinic workstations share a server,
// so a process id alone cannot tell).
constexpr double kHeartbeatTimeoutS = 15.0;

constexpr const char* kSessionColumns =
    "SELECT id, patient_id, started_at, ended_at, place, source_kind, source_spec, pacer_rate_bpm, "
    "pacer_ie_ratio, programme_step, planned_duration_s, duration_s, median_rate_bpm, ie_ratio, adherence, "
    "time_in_target, signal_quality, breath_count, status, pre_tension, post_tension, notes, flare_up "
    "FROM sessions ";

sql::Blob encode_samples(const std::vector<float>& values) {
  sql::Blob bytes;
  bytes.reserve(values.size() * 4);
  for (float v : values) {  // little-endian float32 on every host
    const auto bits = std::bit_cast<std::uint32_t>(v);
    for (int shift = 0; shift < 32; shift += 8) bytes.push_back(static_cast<std::uint8_t>(bits >> shift));
  }
  return bytes;
}

std::vector<float> decode_samples(const sql::Blob& bytes) {
  std::vector<float> values(bytes.size() / 4);
  for (std::size_t i = 0; i < values.size(); ++i) {
    std::uint32_t bits = 0;
    for (int b = 0; b < 4; ++b) bits |= static_cast<std::uint32_t>(bytes[i * 4 + static_cast<std::size_t>(b)]) << (8 * b);
    values[i] = std::bit_cast<float>(bits);
  }
  return values;
}

std::string host_name() {
  char buffer[256] = {};
  if (::gethostname(buffer, sizeof buffer - 1) != 0) return "unknown";
  return buffer;
}

bool process_alive(std::int64_t pid) {
  if (pid <= 0) return false;
  return ::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM;
}

double now_unix() { return unix_seconds(std::chrono::system_clock::now()); }

Session session_from_row(const Row& r) {
  Session s;
  s.id = r.text(0);
  s.patient_id = r.text(1);
  s.started_at = r.text(2);
  s.ended_at = r.text(3);
  s.place = parse_place(r.text(4)).value_or(Place::home);
  s.source_kind = r.text(5);
  s.source_spec = r.text(6);
  s.pacer.rate_bpm = r.opt_real(7);
  s.pacer.ie_ratio = r.opt_real(8);
  s.pacer.programme_step = r.text(9);
  s.planned_duration_s = r.real(10);
  s.duration_s = r.real(11);
  s.metrics.median_rate_bpm = r.opt_real(12);
  s.metrics.ie_ratio = r.opt_real(13);
  s.metrics.adherence = r.opt_real(14);
  s.metrics.time_in_target = r.opt_real(15);
  s.metrics.signal_quality = r.opt_real(16);
  s.metrics.breath_count = r.integer(17);
  s.status = parse_status(r.text(18)).value_or(SessionStatus::interrupted);
  s.pre_tension = r.opt_int(19);
  s.post_tension = r.opt_int(20);
  s.notes = r.text(21);
  s.flare_up = r.integer(22) != 0;
  return s;
}

class SqlRepository final : public Repository {
 public:
  explicit SqlRepository(std::unique_ptr<sql::Connection> db) : db_(std::move(db)) {
    sql::migrate(*db_);
    close_abandoned_sessions();
  }

  std::string describe() const override { return db_->describe(); }
  void interrupt() noexcept override { db_->interrupt(); }
  int schema_version() override { return sql::current_schema_version(*db_); }

  Patient add_patient(const std::string& display_name, const std::string& notes) override {
    Patient p{new_patient_id(), display_name, notes, utc_now_iso()};
    insert_patient(p);
    return p;
  }

  std::vector<Patient> list_patients() override {
    std::vector<Patient> out;
    for (const Row& r : db_->run("SELECT id, display_name, notes, created_at FROM patients ORDER BY created_at, id", {}))
      out.push_back({r.text(0), r.text(1), r.text(2), r.text(3)});
    return out;
  }

  std::optional<Patient> find_patient(const std::string& id) override {
    const auto rows = db_->run("SELECT id, display_name, notes, created_at FROM patients WHERE id = ?", {id});
    if (rows.empty()) return std::nullopt;
    const Row& r = rows.front();
    return Patient{r.text(0), r.text(1), r.text(2), r.text(3)};
  }

  void begin_session(const Session& session) override {
    sql::Transaction transaction(*db_);
    insert_session_row(session, SessionStatus::recording, host_name(), static_cast<std::int64_t>(::getpid()));
    insert_regions(session);
    transaction.commit();
  }

  void append_batch(const std::string& session_id, const SampleBatch& batch) override {
    sql::Transaction transaction(*db_);
    const auto next = db_->run(
        "SELECT (SELECT COALESCE(MAX(idx) + 1, 0) FROM breaths WHERE session_id = ?), "
        "(SELECT COALESCE(MAX(seq) + 1, 0) FROM waveform_chunks WHERE session_id = ?)",
        {session_id, session_id});
    insert_breaths(session_id, batch.breaths, next.front().integer(0));
    insert_chunks(session_id, batch.waveform, next.front().integer(1));
    insert_gaps(session_id, batch.gaps);
    db_->run(
        "UPDATE sessions SET duration_s = ?, heartbeat_unix = ?, breath_count = breath_count + ?, "
        "signal_quality = ? WHERE id = ?",
        {batch.duration_s, now_unix(), static_cast<std::int64_t>(batch.breaths.size()),
         sql::opt(batch.signal_quality), session_id});
    transaction.commit();
  }

  void finish_session(const Session& s) override {
    sql::Transaction transaction(*db_);
    db_->run(
        "UPDATE sessions SET ended_at = ?, duration_s = ?, median_rate_bpm = ?, ie_ratio = ?, adherence = ?, "
        "time_in_target = ?, signal_quality = ?, breath_count = ?, status = ?, pre_tension = ?, "
        "post_tension = ?, notes = ?, flare_up = ?, programme_step = ? WHERE id = ?",
        {s.ended_at, s.duration_s, sql::opt(s.metrics.median_rate_bpm), sql::opt(s.metrics.ie_ratio),
         sql::opt(s.metrics.adherence), sql::opt(s.metrics.time_in_target), sql::opt(s.metrics.signal_quality),
         s.metrics.breath_count, std::string(to_string(s.status)), sql::opt(s.pre_tension),
         sql::opt(s.post_tension), s.notes, std::int64_t{s.flare_up}, s.pacer.programme_step, s.id});
    db_->run("DELETE FROM region_ratings WHERE session_id = ?", {s.id});
    insert_regions(s);
    transaction.commit();
  }

  std::vector<Session> list_sessions(const std::optional<std::string>& patient_id) override {
    const auto rows = patient_id
        ? db_->run(std::string(kSessionColumns) + "WHERE patient_id = ? ORDER BY started_at, id", {*patient_id})
        : db_->run(std::string(kSessionColumns) + "ORDER BY started_at, id", {});
    std::vector<Session> out;
    for (const Row& r : rows) {
      out.push_back(session_from_row(r));
      out.back().regions = load_regions(out.back().id);
    }
    return out;
  }

  std::optional<Session> find_session(const std::string& id) override {
    const auto rows = db_->run(std::string(kSessionColumns) + "WHERE id = ?", {id});
    if (rows.empty()) return std::nullopt;
    Session s = session_from_row(rows.front());
    s.regions = load_regions(s.id);
    return s;
  }

  std::optional<SessionData> load_session(const std::string& id) override {
    auto session = find_session(id);
    if (!session) return std::nullopt;
    SessionData data;
    data.session = std::move(*session);
    data.breaths = load_breaths(id);
    for (const Row& r : db_->run(
             "SELECT start_s, rate_hz, samples FROM waveform_chunks WHERE session_id = ? ORDER BY seq", {id}))
    {
      // Batches of one continuous run are stored as separate rows; read back as one run.
      WaveformChunk chunk{r.real(0), r.real(1), decode_samples(r.blob(2))};
      if (!data.waveform.empty() && data.waveform.back().rate_hz == chunk.rate_hz &&
          std::abs(chunk.start_s - data.waveform.back().end_s()) < kContinuityTolerance / chunk.rate_hz) {
        auto& run = data.waveform.back().values;
        run.insert(run.end(), chunk.values.begin(), chunk.values.end());
      } else {
        data.waveform.push_back(std::move(chunk));
      }
    }
    for (const Row& r : db_->run("SELECT start_s, duration_s FROM gaps WHERE session_id = ? ORDER BY start_s", {id}))
      data.gaps.push_back({r.real(0), r.real(1)});
    return data;
  }

  int close_abandoned_sessions() override {
    const std::string me = host_name();
    const double now = now_unix();
    int closed = 0;
    for (const Row& r : db_->run(
             "SELECT id, recorder_host, recorder_pid, heartbeat_unix FROM sessions WHERE status = 'recording'", {})) {
      const bool same_host = r.text(1) == me;
      const bool stale = now - r.real(3) > kHeartbeatTimeoutS;
      if (!stale && !(same_host && !process_alive(r.integer(2)))) continue;
      auto session = find_session(r.text(0));
      if (!session) continue;
      const auto started = parse_iso(session->started_at);
      session->metrics = compute_metrics(load_breaths(session->id), session->pacer, session->metrics.signal_quality,
                                         session->metrics.adherence);
      session->ended_at = started ? to_iso(*started + std::chrono::milliseconds(static_cast<long long>(
                                                          std::llround(session->duration_s * 1000.0))))
                                  : session->started_at;
      sql::Transaction transaction(*db_);
      const auto still = db_->run("SELECT status FROM sessions WHERE id = ?", {session->id});
      if (still.empty() || still.front().text(0) != "recording") continue;
      db_->run(
          "UPDATE sessions SET status = 'interrupted', ended_at = ?, median_rate_bpm = ?, ie_ratio = ?, "
          "time_in_target = ?, breath_count = ? WHERE id = ?",
          {session->ended_at, sql::opt(session->metrics.median_rate_bpm), sql::opt(session->metrics.ie_ratio),
           sql::opt(session->metrics.time_in_target), session->metrics.breath_count, session->id});
      transaction.commit();
      ++closed;
    }
    return closed;
  }

  ImportSummary import_records(const std::vector<Patient>& patients,
                               const std::vector<SessionData>& sessions) override {
    ImportSummary summary;
    sql::Transaction transaction(*db_);
    for (const Patient& p : patients) {
      if (find_patient(p.id)) {
        ++summary.patients_present;
      } else {
        insert_patient(p);
        ++summary.patients_added;
      }
    }
    for (const SessionData& data : sessions) {
      const Session& s = data.session;
      if (!db_->run("SELECT 1 FROM sessions WHERE id = ?", {s.id}).empty()) {
        ++summary.sessions_present;
        continue;
      }
      if (!find_patient(s.patient_id))
        throw StoreError("session " + s.id + " refers to patient " + s.patient_id + ", who is not in the import or the database");
      // A session imported while 'recording' has no recorder here: it is interrupted.
      const SessionStatus status = s.status == SessionStatus::recording ? SessionStatus::interrupted : s.status;
      insert_session_row(s, status, "", 0);
      insert_regions(s);
      insert_breaths(s.id, data.breaths, 0);
      insert_chunks(s.id, data.waveform, 0);
      insert_gaps(s.id, data.gaps);
      ++summary.sessions_added;
    }
    transaction.commit();
    return summary;
  }

 private:
  void insert_patient(const Patient& p) {
    db_->run("INSERT INTO patients (id, display_name, notes, created_at) VALUES (?, ?, ?, ?)",
             {p.id, p.display_name, p.notes, p.created_at});
  }

  void insert_session_row(const Session& s, SessionStatus status, const std::string& host, std::int64_t pid) {
    db_->run(
        "INSERT INTO sessions (id, patient_id, started_at, ended_at, place, source_kind, source_spec, "
        "pacer_rate_bpm, pacer_ie_ratio, programme_step, planned_duration_s, duration_s, median_rate_bpm, "
        "ie_ratio, adherence, time_in_target, signal_quality, breath_count, status, pre_tension, post_tension, "
        "notes, flare_up, recorder_host, recorder_pid, heartbeat_unix) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        {s.id, s.patient_id, s.started_at, s.ended_at, std::string(to_string(s.place)), s.source_kind,
         s.source_spec, sql::opt(s.pacer.rate_bpm), sql::opt(s.pacer.ie_ratio), s.pacer.programme_step,
         s.planned_duration_s, s.duration_s, sql::opt(s.metrics.median_rate_bpm), sql::opt(s.metrics.ie_ratio),
         sql::opt(s.metrics.adherence), sql::opt(s.metrics.time_in_target), sql::opt(s.metrics.signal_quality),
         s.metrics.breath_count, std::string(to_string(status)), sql::opt(s.pre_tension), sql::opt(s.post_tension),
         s.notes, std::int64_t{s.flare_up}, host, pid, now_unix()});
  }

  void insert_regions(const Session& s) {
    for (const RegionRating& r : s.regions)
      db_->run("INSERT INTO region_ratings (session_id, region, before_value, after_value) VALUES (?, ?, ?, ?)",
               {s.id, r.region, sql::opt(r.before), sql::opt(r.after)});
  }

  void insert_breaths(const std::string& id, const std::vector<Breath>& breaths, std::int64_t first_index) {
    std::int64_t index = first_index;
    for (const Breath& b : breaths)
      db_->run(
          "INSERT INTO breaths (session_id, idx, start_s, exhale_start_s, end_s, inhale_s, exhale_s, depth, "
          "guide_rate_bpm) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
          {id, index++, b.start_s, b.exhale_start_s, b.end_s, b.inhale_s(), b.exhale_s(), sql::finite_or_null(b.depth),
           sql::finite_or_null(b.guide_rate_bpm)});
  }

  void insert_chunks(const std::string& id, const std::vector<WaveformChunk>& chunks, std::int64_t first_seq) {
    std::int64_t seq = first_seq;
    for (const WaveformChunk& c : chunks) {
      if (c.values.empty()) continue;
      db_->run(
          "INSERT INTO waveform_chunks (session_id, seq, start_s, rate_hz, sample_count, samples) "
          "VALUES (?, ?, ?, ?, ?, ?)",
          {id, seq++, c.start_s, c.rate_hz, static_cast<std::int64_t>(c.values.size()), encode_samples(c.values)});
    }
  }

  void insert_gaps(const std::string& id, const std::vector<Gap>& gaps) {
    for (const Gap& g : gaps)
      db_->run("INSERT INTO gaps (session_id, start_s, duration_s) VALUES (?, ?, ?)", {id, g.start_s, g.duration_s});
  }

  std::vector<RegionRating> load_regions(const std::string& id) {
    std::vector<RegionRating> out;
    for (const Row& r : db_->run(
             "SELECT region, before_value, after_value FROM region_ratings WHERE session_id = ? ORDER BY region",
             {id}))
      out.push_back({r.text(0), r.opt_int(1), r.opt_int(2)});
    return out;
  }

  std::vector<Breath> load_breaths(const std::string& id) {
    std::vector<Breath> out;
    for (const Row& r : db_->run(
             "SELECT start_s, exhale_start_s, end_s, depth, guide_rate_bpm FROM breaths WHERE session_id = ? "
             "ORDER BY idx",
             {id}))
      out.push_back({r.real(0), r.real(1), r.real(2), r.opt_real(3).value_or(std::nan("")),
                     r.opt_real(4).value_or(std::nan(""))});
    return out;
  }

  std::unique_ptr<sql::Connection> db_;
};

std::string env_or_empty(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

bool is_postgres_url(const std::string& text) {
  return text.rfind("postgresql://", 0) == 0 || text.rfind("postgres://", 0) == 0;
}

// `database_url = ...` from the user's config file, if any.
std::string configured_database_url() {
  std::string base = env_or_empty("XDG_CONFIG_HOME");
  if (base.empty()) {
    const std::string home = env_or_empty("HOME");
    if (home.empty()) return {};
    base = home + "/.config";
  }
  std::ifstream in(base + "/respira/respira.conf");
  std::string line;
  while (std::getline(in, line)) {
    const auto eq = line.find('=');
    if (line.empty() || line[0] == '#' || eq == std::string::npos) continue;
    auto trim = [](std::string s) {
      const auto first = s.find_first_not_of(" \t\r");
      const auto last = s.find_last_not_of(" \t\r");
      return first == std::string::npos ? std::string{} : s.substr(first, last - first + 1);
    };
    if (trim(line.substr(0, eq)) == "database_url") return trim(line.substr(eq + 1));
  }
  return {};
}

}  // namespace

int latest_schema_version() { return sql::latest_version(); }

StoreLocation resolve_store_location(const std::optional<std::string>& db_option) {
  using Kind = StoreLocation::Kind;
  if (db_option && !db_option->empty())
    return {is_postgres_url(*db_option) ? Kind::postgresql : Kind::sqlite, *db_option};
  if (const std::string url = env_or_empty("RESPIRA_DATABASE_URL"); !url.empty()) {
    if (!is_postgres_url(url)) throw StoreError("RESPIRA_DATABASE_URL must start with postgresql:// (got '" + url + "')");
    return {Kind::postgresql, url};
  }
  if (const std::string url = configured_database_url(); !url.empty()) {
    if (!is_postgres_url(url)) throw StoreError("database_url in respira.conf must start with postgresql://");
    return {Kind::postgresql, url};
  }
  std::string data_home = env_or_empty("XDG_DATA_HOME");
  if (data_home.empty()) {
    const std::string home = env_or_empty("HOME");
    if (home.empty()) throw StoreError("neither XDG_DATA_HOME nor HOME is set; pass --db PATH");
    data_home = home + "/.local/share";
  }
  return {Kind::sqlite, data_home + "/respira/respira.db"};
}

std::unique_ptr<Repository> open_sqlite_repository(const std::string& path) {
  return std::make_unique<SqlRepository>(sql::open_sqlite(path));
}

std::unique_ptr<Repository> open_postgres_repository(const std::string& url) {
  return std::make_unique<SqlRepository>(sql::open_postgres(url));
}

std::unique_ptr<Repository> open_repository(const StoreLocation& location) {
  return location.kind == StoreLocation::Kind::postgresql ? open_postgres_repository(location.target)
                                                          : open_sqlite_repository(location.target);
}

}  // namespace respira::session
