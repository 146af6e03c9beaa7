// Programme documents round-trip exactly, bad documents are refused with a reason, and the
// store keeps every version beside the patient's sessions in the real SQLite file.
#include <catch2/catch.hpp>

#include <filesystem>
#include <random>
#include <stdexcept>

#include "session/programme_store.hpp"
#include "session/repository.hpp"

namespace fs = std::filesystem;
using namespace respira::session;

namespace {

Programme sample_programme() {
  Programme p = default_programme(13.2);
  p.rule.sessions_to_advance = 4;
  p.rule.min_adherence = 0.65;
  p.rule.step_back_on_flare_up = false;
  p.start_stage = 1;
  p.starts = std::chrono::sys_seconds{std::chrono::sys_days{std::chrono::year{2026} / 2 / 3}} + std::chrono::hours{9};
  return p;
}

std::string message_of(std::string_view text) {
  try {
    programme_from_json(text);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "accepted";
}

}  // namespace

TEST_CASE("a programme survives its JSON form unchanged", "[programme][store]") {
  const Programme p = sample_programme();
  CHECK(programme_from_json(programme_to_json(p)) == p);
  Programme no_baseline = p;
  no_baseline.baseline_rate_bpm.reset();
  CHECK(programme_from_json(programme_to_json(no_baseline)) == no_baseline);
}

TEST_CASE("a damaged programme document is refused with the reason", "[programme][store]") {
  CHECK(message_of("[1,2]") == "programme is not a JSON object");
  CHECK(message_of("{\"stages\": 3}") == "programme: \"stages\" must be an array");
  std::string text = programme_to_json(sample_programme());
  const std::string minutes = "\"minutes\":5.0";
  REQUIRE(text.find(minutes) != std::string::npos);
  CHECK(message_of(std::string(text).replace(text.find(minutes), minutes.size(), "\"minutes\":\"five\"")) ==
        "programme stage 1: \"minutes\" has the wrong type");
  const std::string start = "\"start_stage\":2";
  REQUIRE(text.find(start) != std::string::npos);
  CHECK(message_of(std::string(text).replace(text.find(start), start.size(), "\"start_stage\":9")) ==
        "programme: start stage 9 does not exist");
  CHECK(message_of(std::string(text).replace(text.find(start), start.size(), "\"start_stage\":0")) ==
        "programme: stages are numbered from 1");
}

TEST_CASE("the store keeps every version and serves the newest", "[programme][store]") {
  const fs::path dir = fs::temp_directory_path() / ("respira-programme-" + std::to_string(std::random_device{}()));
  const StoreLocation location{StoreLocation::Kind::sqlite, (dir / "respira.db").string()};
  {
    const auto repo = open_repository(location);
    const Patient patient = repo->add_patient("Programme patient", "");
    const auto store = open_programme_store(location);
    CHECK_FALSE(store->load(patient.id));
    CHECK(store->version_count(patient.id) == 0);

    const Programme first = default_programme(15.0);
    store->save(patient.id, first);
    const Programme second = sample_programme();
    store->save(patient.id, second);
    CHECK(store->version_count(patient.id) == 2);
    CHECK(store->load(patient.id) == second);
    // A second process opening the same file sees the same programme.
    CHECK(open_programme_store(location)->load(patient.id) == second);

    CHECK_THROWS_WITH(store->save("P-NOBODY00", first), Catch::Contains("no patient P-NOBODY00"));
    CHECK(store->version_count("P-NOBODY00") == 0);
  }
  fs::remove_all(dir);
}
