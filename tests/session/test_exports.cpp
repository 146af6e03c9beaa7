// Exports: CSV formula injection, byte-identical JSON round trips (also through a real
// SQLite store), FHIR required fields, EDF+ read back with EDFlib, HTML escaping and charts,
// and atomic writes that leave existing files alone on failure.

#include <edflib.h>
#include <sys/resource.h>

#include <catch2/catch.hpp>
#include <csignal>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <regex>

#include "session/exports.hpp"
#include "session/repository.hpp"
#include "session_test_support.hpp"

using namespace respira::session;
using namespace respira::session::testing;

namespace {

ExportBundle sample_bundle() {
  ExportBundle b;
  b.patients.push_back({"P-ABCDEFGH", hostile_strings()[0], hostile_strings()[3], "2026-03-01T08:00:00.000Z"});
  b.sessions.push_back(make_session("S-AAAAAAAAAAAA", "P-ABCDEFGH", 12));
  SessionData second = make_session("S-BBBBBBBBBBBB", "P-ABCDEFGH", 6);
  second.session.started_at = "2026-03-04T09:00:00.000Z";
  second.session.pre_tension = 5;
  second.session.post_tension = std::nullopt;
  second.session.metrics.adherence.reset();
  second.session.notes = "-2+3";
  second.session.status = SessionStatus::interrupted;
  second.breaths.back().depth = std::nan("");
  b.sessions.push_back(second);
  return b;
}

std::string file_bytes(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

std::vector<std::vector<std::string>> parse_csv(const std::string& text) {  // RFC 4180 reader for checking
  std::vector<std::vector<std::string>> rows(1);
  std::string cell;
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        cell += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        cell += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      rows.back().push_back(cell);
      cell.clear();
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      rows.back().push_back(cell);
      cell.clear();
      rows.emplace_back();
      ++i;
    } else {
      cell += c;
    }
  }
  rows.pop_back();  // after the final CRLF
  return rows;
}

}  // namespace

TEST_CASE("CSV cells that a spreadsheet would run are neutralised", "[session][export]") {
  CHECK(csv_cell("=1+1") == "'=1+1");
  CHECK(csv_cell("+1") == "'+1");
  CHECK(csv_cell("-1") == "'-1");
  CHECK(csv_cell("@SUM(A1)") == "'@SUM(A1)");
  CHECK(csv_cell("\tx") == "'\tx");
  CHECK(csv_cell("\rx") == "\"'\rx\"");
  CHECK(csv_cell("plain") == "plain");
  CHECK(csv_cell("a,b") == "\"a,b\"");
  CHECK(csv_cell("say \"hi\"") == "\"say \"\"hi\"\"\"");
  CHECK(csv_cell("") == "");

  const auto tables = to_csv(sample_bundle());
  const auto sessions = parse_csv(tables.sessions);
  REQUIRE(sessions.size() == 3);
  const auto& header = sessions[0];
  const auto column = [&](const std::string& name) {
    return static_cast<std::size_t>(std::find(header.begin(), header.end(), name) - header.begin());
  };
  for (const auto& row : sessions) REQUIRE(row.size() == header.size());
  CHECK(sessions[1][column("notes")] == "felt calmer; =SUM(A1:A9)");
  CHECK(sessions[2][column("notes")] == "'-2+3");
  CHECK(sessions[1][column("median_rate_bpm")] == "6");
  CHECK(sessions[1][column("tension_change")] == "-3");  // numbers stay numbers
  CHECK(sessions[2][column("post_tension")].empty());
  CHECK(sessions[1][column("adherence")] == "0.875");

  const auto breaths = parse_csv(tables.breaths);
  REQUIRE(breaths.size() == 1 + 12 + 6);
  CHECK(breaths[0][7] == "rate_bpm");
  CHECK(std::stod(breaths[1][7]) == Approx(6.0));  // rate_bpm of a 10 s breath
  CHECK(std::stod(breaths[1][5]) == Approx(4.0));  // inhale_s
  CHECK(std::stod(breaths[1][6]) == Approx(6.0));  // exhale_s
  CHECK(breaths[0][8] == "guide_rate_bpm");
  CHECK(breaths[1][8].empty());  // before the guide was logged
  CHECK(breaths[3][8] == "6");
  CHECK(breaths[0].back() == "depth");
  CHECK(breaths.back().back().empty());  // unknown depth stays empty

  const auto ratings = parse_csv(tables.ratings);
  REQUIRE(ratings.size() == 1 + 3 + 3);
  CHECK(ratings[1][3] == "overall");
  CHECK(ratings[1][6] == "-3");
  CHECK(ratings[3][3] == "upper_trapezius");
  CHECK(ratings[3][6] == "-3");
}

TEST_CASE("JSON export -> import -> export is byte-identical", "[session][export]") {
  const ExportBundle bundle = sample_bundle();
  const std::string first = to_json(bundle);
  const ExportBundle parsed = parse_json(first, "first.json");
  CHECK(to_json(parsed) == first);

  // Through a real store: import, load, export again.
  TempDir dir;
  auto repo = open_sqlite_repository((dir.path() / "rt.db").string());
  repo->import_records(parsed.patients, parsed.sessions);
  ExportBundle reloaded;
  reloaded.patients.push_back(*repo->find_patient("P-ABCDEFGH"));
  for (const auto& s : repo->list_sessions("P-ABCDEFGH")) reloaded.sessions.push_back(*repo->load_session(s.id));
  CHECK(to_json(reloaded) == first);

  // Deterministic: keys sorted, shortest round-trip numbers.
  const auto doc = nlohmann::json::parse(first);
  CHECK(doc["format"] == "respira-export");
  CHECK(doc["sessions"][0]["pacer"]["ie_ratio"].get<double>() == 4.0 / 6.0);
  CHECK(first.find("\"ie_ratio\": 0.6666666666666666") != std::string::npos);
  CHECK(first.find("\"adherence\"") < first.find("\"breath_count\""));
}

TEST_CASE("malformed imports are rejected with the field named", "[session][export]") {
  const std::string good = to_json(sample_bundle());
  CHECK_THROWS_WITH(parse_json(good.substr(0, good.size() / 2), "cut.json"), Catch::Contains("cut.json: not valid JSON"));
  CHECK_THROWS_WITH(parse_json("[1,2]", "list.json"), Catch::Contains("not a Respira JSON export"));
  CHECK_THROWS_WITH(parse_json("{\"format\": 3}", "f.json"), Catch::Contains("not a Respira JSON export"));
  auto doc = nlohmann::json::parse(good);
  doc["sessions"][1]["ratings"]["pre_tension"] = 11;
  CHECK_THROWS_WITH(parse_json(doc.dump(), "r.json"), Catch::Contains("sessions[1].ratings.pre_tension"));
  doc = nlohmann::json::parse(good);
  doc["sessions"][0]["breaths"][3].erase("end_s");
  CHECK_THROWS_WITH(parse_json(doc.dump(), "b.json"), Catch::Contains("sessions[0].breaths[3]: missing field 'end_s'"));
  doc = nlohmann::json::parse(good);
  doc["sessions"][0]["place"] = "moon";
  CHECK_THROWS_WITH(parse_json(doc.dump(), "p.json"), Catch::Contains("sessions[0].place"));
  doc = nlohmann::json::parse(good);
  doc["format_version"] = 3;
  CHECK_THROWS_WITH(parse_json(doc.dump(), "v.json"), Catch::Contains("format version 3"));
  doc = nlohmann::json::parse(good);
  doc["sessions"][0]["breaths"][3].erase("guide_rate_bpm");
  CHECK_THROWS_WITH(parse_json(doc.dump(), "g.json"),
                    Catch::Contains("sessions[0].breaths[3]: missing field 'guide_rate_bpm'"));
  // Rates are what breaths are scored against: a breathing rate or nothing.
  for (const double bad : {0.0, -6.0, 600.0}) {
    doc = nlohmann::json::parse(good);
    doc["sessions"][0]["breaths"][4]["guide_rate_bpm"] = bad;
    CHECK_THROWS_WITH(parse_json(doc.dump(), "g.json"), Catch::Contains("sessions[0].breaths[4].guide_rate_bpm: expected a rate"));
    doc = nlohmann::json::parse(good);
    doc["sessions"][1]["pacer"]["rate_bpm"] = bad;
    CHECK_THROWS_WITH(parse_json(doc.dump(), "p.json"), Catch::Contains("sessions[1].pacer.rate_bpm: expected a rate"));
  }
}

TEST_CASE("a version 1 export, from before guide rates were kept per breath, still imports", "[session][export]") {
  auto doc = nlohmann::json::parse(to_json(sample_bundle()));
  doc["format_version"] = 1;
  for (auto& session : doc["sessions"])
    for (auto& breath : session["breaths"]) breath.erase("guide_rate_bpm");
  const ExportBundle bundle = parse_json(doc.dump(), "v1.json");
  REQUIRE(bundle.sessions.size() == 2);
  REQUIRE(bundle.sessions[0].breaths.size() == 12);
  for (const Breath& b : bundle.sessions[0].breaths) CHECK(std::isnan(b.guide_rate_bpm));
  CHECK(bundle.sessions[0].breaths[5].end_s == sample_bundle().sessions[0].breaths[5].end_s);
  // Written again, it is a version 2 export whose breaths say they had no guide logged.
  const auto again = nlohmann::json::parse(to_json(bundle));
  CHECK(again["format_version"] == 2);
  CHECK(again["sessions"][0]["breaths"][5]["guide_rate_bpm"].is_null());
}

TEST_CASE("FHIR bundle carries the required fields", "[session][export]") {
  const ExportBundle bundle = sample_bundle();
  const auto doc = nlohmann::json::parse(to_fhir(bundle));
  CHECK(doc["resourceType"] == "Bundle");
  CHECK(doc["type"] == "collection");
  const auto& entries = doc["entry"];
  REQUIRE(entries.size() >= 1);
  CHECK(entries[0]["resource"]["resourceType"] == "Patient");
  CHECK(entries[0]["resource"]["id"] == "P-ABCDEFGH");
  CHECK(entries[0]["fullUrl"] == "https://respira.invalid/fhir/Patient/P-ABCDEFGH");
  CHECK(entries[0]["resource"]["name"][0]["text"] == hostile_strings()[0]);

  int rates = 0, tensions = 0;
  for (const auto& e : entries) {
    const auto& r = e["resource"];
    if (r["resourceType"] != "Observation") continue;
    CHECK(r["subject"]["reference"] == "Patient/P-ABCDEFGH");
    CHECK(r.contains("status"));
    CHECK(e["fullUrl"] == "https://respira.invalid/fhir/Observation/" + r["id"].get<std::string>());
    if (r["code"]["coding"][0]["code"] == "9279-1") {
      ++rates;
      CHECK(r["code"]["coding"][0]["system"] == "http://loinc.org");
      CHECK(r["category"][0]["coding"][0]["code"] == "vital-signs");
      CHECK(r["valueQuantity"]["value"] == 6.0);
      CHECK(r["valueQuantity"]["system"] == "http://unitsofmeasure.org");
      CHECK(r["valueQuantity"]["code"] == "/min");
      CHECK((r["effectivePeriod"]["start"] == "2026-03-02T09:15:00.250Z" ||
             r["effectivePeriod"]["start"] == "2026-03-04T09:00:00.000Z"));
    } else {
      ++tensions;
      CHECK(r["valueInteger"].is_number_integer());
      CHECK(r["valueInteger"].get<int>() >= 0);
      CHECK(r["valueInteger"].get<int>() <= 10);
    }
  }
  CHECK(rates == 2);
  // Session 1: before/after overall (2) + jaw before (1) + trapezius before/after (2);
  // session 2: before overall (1) + jaw (1) + trapezius (2).
  CHECK(tensions == 9);

  FhirOptions pseudo;
  pseudo.pseudonymise = true;
  const auto anonymous = nlohmann::json::parse(to_fhir(bundle, pseudo));
  CHECK_FALSE(anonymous["entry"][0]["resource"].contains("name"));
}

TEST_CASE("EDF+ export reads back with EDFlib: values, label, annotations", "[session][export]") {
  TempDir dir;
  const auto path = dir.path() / "session.edf";
  const ExportBundle bundle = sample_bundle();
  const SessionData& data = bundle.sessions.front();
  write_edf(bundle.patients.front(), data, path);

  edf_hdr_struct hdr{};
  REQUIRE(edfopen_file_readonly(path.c_str(), &hdr, EDFLIB_READ_ALL_ANNOTATIONS) == 0);
  REQUIRE(hdr.edfsignals == 1);
  CHECK(std::string(hdr.signalparam[0].label).rfind("RESP synthetic", 0) == 0);
  CHECK(hdr.signalparam[0].smp_in_datarecord == 25);
  CHECK(hdr.datarecords_in_file == 120);
  CHECK(hdr.startdate_year == 2026);
  CHECK(hdr.starttime_hour == 9);
  CHECK(hdr.starttime_subsecond == 2500000);  // 0.25 s in 100 ns units
  std::vector<double> samples(static_cast<std::size_t>(hdr.signalparam[0].smp_in_file));
  REQUIRE(edfread_physical_samples(hdr.handle, 0, static_cast<int>(samples.size()), samples.data()) ==
          static_cast<int>(samples.size()));
  const double step = (hdr.signalparam[0].phys_max - hdr.signalparam[0].phys_min) / 65535.0;
  double worst = 0.0;
  for (const auto& chunk : data.waveform) {
    const auto first = static_cast<std::size_t>(std::lround(chunk.start_s * 25.0));
    for (std::size_t i = 0; i < chunk.values.size(); ++i)
      worst = std::max(worst, std::abs(samples[first + i] - chunk.values[i]));
  }
  CHECK(worst <= step / 2 + 1e-9);  // rounded, not truncated
  CHECK(samples[static_cast<std::size_t>(60.5 * 25)] == Approx(0.0).margin(step));  // inside the gap

  std::vector<edf_annotation_struct> annotations(static_cast<std::size_t>(hdr.annotations_in_file));
  for (std::size_t i = 0; i < annotations.size(); ++i)
    REQUIRE(edf_get_annotation(hdr.handle, static_cast<int>(i), &annotations[i]) == 0);
  edfclose_file(hdr.handle);

  int inhales = 0, exhales = 0, pacer = 0;
  bool before = false, after = false, gap = false, region = false, flare = false;
  for (const auto& a : annotations) {
    const std::string text = a.annotation;
    const double onset = static_cast<double>(a.onset) / 1e7;  // read back in 100 ns units
    if (text == "Inhale") {
      CHECK(onset == Approx(data.breaths[static_cast<std::size_t>(inhales)].start_s).margin(1e-4));
      ++inhales;
    } else if (text == "Exhale") {
      CHECK(onset == Approx(data.breaths[static_cast<std::size_t>(exhales)].exhale_start_s).margin(1e-4));
      ++exhales;
    } else if (text.rfind("Pacer", 0) == 0) {
      ++pacer;
    } else if (text == "Tension before 7/10") {
      before = onset == 0.0;
    } else if (text == "Tension after 4/10") {
      after = onset == Approx(120.0);
    } else if (text == "Signal gap") {
      gap = onset == Approx(60.0) && static_cast<double>(a.duration_l) / 1e7 == Approx(1.0);
    } else if (text == "upper_trapezius after 5/10") {
      region = true;
    } else if (text == "Flare-up") {
      flare = true;
    }
    CHECK(text.size() <= 40);
  }
  CHECK(inhales == 12);  // none dropped by EDFlib's per-record limit
  CHECK(exhales == 12);
  CHECK(pacer == 24);    // 120 s at 6/min: 12 inhale + 12 exhale phases
  CHECK(before);
  CHECK(after);
  CHECK(gap);
  CHECK(region);
  CHECK(flare);
}

TEST_CASE("EDF+ export of a guide that changed rate marks the changes, not a made-up schedule", "[session][export]") {
  TempDir dir;
  const auto path = dir.path() / "adaptive.edf";
  const ExportBundle bundle = sample_bundle();
  SessionData data = bundle.sessions.front();  // 12 breaths of 10 s from 0.1 s
  data.session.pacer.rate_bpm = 12.0;          // the guide started at 12/min, 1:1
  data.session.pacer.ie_ratio = 1.0;
  for (std::size_t i = 0; i < data.breaths.size(); ++i) data.breaths[i].guide_rate_bpm = i < 3 ? 12.0 : i < 7 ? 9.0 : 6.5;
  write_edf(bundle.patients.front(), data, path);

  edf_hdr_struct hdr{};
  REQUIRE(edfopen_file_readonly(path.c_str(), &hdr, EDFLIB_READ_ALL_ANNOTATIONS) == 0);
  std::vector<double> pacer_inhales, guide_onsets;
  std::vector<std::string> guides;
  for (int i = 0; i < static_cast<int>(hdr.annotations_in_file); ++i) {
    edf_annotation_struct a{};
    REQUIRE(edf_get_annotation(hdr.handle, i, &a) == 0);
    const std::string text = a.annotation;
    const double onset = static_cast<double>(a.onset) / 1e7;
    if (text == "Pacer inhale") pacer_inhales.push_back(onset);
    if (text.rfind("Guide ", 0) == 0) {
      guides.push_back(text);
      guide_onsets.push_back(onset);
    }
  }
  edfclose_file(hdr.handle);
  // 12/min phases every 5 s until the breath at 30.1 s first saw 9/min.
  CHECK(pacer_inhales == std::vector<double>{0.0, 5.0, 10.0, 15.0, 20.0, 25.0, 30.0});
  CHECK(guides == std::vector<std::string>{"Guide 9.0/min", "Guide 6.5/min"});
  REQUIRE(guide_onsets.size() == 2);
  CHECK(guide_onsets[0] == Approx(30.1).margin(1e-4));
  CHECK(guide_onsets[1] == Approx(70.1).margin(1e-4));
}

TEST_CASE("HTML report escapes text and draws one point per rating", "[session][export]") {
  const ExportBundle bundle = sample_bundle();
  const std::string html = to_html(bundle.patients.front(), bundle.sessions);
  CHECK(html.find("<script>") == std::string::npos);
  CHECK(html.find("&lt;script&gt;") != std::string::npos);
  CHECK(html.find("Robert&#39;); DROP TABLE patients;--") != std::string::npos);
  CHECK(html.find("@media print") != std::string::npos);
  const auto count = [&](const std::string& needle) {
    std::size_t n = 0;
    for (auto at = html.find(needle); at != std::string::npos; at = html.find(needle, at + 1)) ++n;
    return n;
  };
  CHECK(count("<svg") == 2);
  CHECK(count("class=\"before\"") == 2);  // both sessions rated before
  CHECK(count("class=\"after\"") == 1);   // only the first after
  CHECK(count("class=\"rate\" cx=") == 2);
  // The guide's rate is drawn where it ended: 6/min (y 102.0 on the 0-12 axis) for the first
  // session, 10/min (y 43.3) for a second whose guide led there from its 6/min start.
  ExportBundle led = sample_bundle();
  led.sessions[1].breaths.back().guide_rate_bpm = 10.0;
  const std::string chart = to_html(led.patients.front(), led.sessions);
  CHECK(chart.find("class=\"target\" x1=\"") != std::string::npos);
  CHECK(chart.find("y1=\"102.0\" y2=\"102.0\"") != std::string::npos);
  CHECK(chart.find("y1=\"43.3\" y2=\"43.3\"") != std::string::npos);
  const std::string pseudo = to_html(bundle.patients.front(), bundle.sessions, true);
  CHECK(pseudo.find("DROP TABLE") == std::string::npos);
  // Counts read as English: two sessions, then one.
  CHECK(html.find(" 2 sessions from ") != std::string::npos);
  const std::string one = to_html(bundle.patients.front(), {bundle.sessions.front()});
  CHECK(one.find(" 1 session from ") != std::string::npos);
}

TEST_CASE("exports are atomic: failures leave existing files as they were", "[session][export]") {
  TempDir dir;
  const auto path = dir.path() / "report.json";
  write_file_atomically(path, "old content\n");
  CHECK(file_bytes(path) == "old content\n");

  CHECK_THROWS_WITH(write_file_atomically(dir.path() / "missing-dir" / "x.json", "x"), Catch::Contains("cannot create a file in"));

  // A full disk, simulated with a file-size limit: the write fails, the old file stays.
  std::signal(SIGXFSZ, SIG_IGN);
  rlimit old{};
  REQUIRE(getrlimit(RLIMIT_FSIZE, &old) == 0);
  rlimit tiny = old;
  tiny.rlim_cur = 4096;
  REQUIRE(setrlimit(RLIMIT_FSIZE, &tiny) == 0);
  std::string thrown;
  try {
    write_file_atomically(path, std::string(100000, 'x'));
  } catch (const ExportError& e) {
    thrown = e.what();
  }
  setrlimit(RLIMIT_FSIZE, &old);
  CHECK_THAT(thrown, Catch::Contains("disk is full"));
  CHECK(file_bytes(path) == "old content\n");
  std::size_t leftovers = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) leftovers += entry.path() != path;
  CHECK(leftovers == 0);
}
