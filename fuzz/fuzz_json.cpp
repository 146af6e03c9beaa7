// JSON import (`respira import`, session::parse_json). Either the import is refused with
// an ExportError naming the source, or what it accepted honours the export contract:
// export -> import -> export is byte-identical, the ratings it accepted are exactly the
// numbers in the file (no integer wrap-around) and so is the format version, one this
// Respira reads. Accepted records then go through the other exports, checking the two
// promises made about untrusted text: CSV cells never start a spreadsheet formula, and the
// HTML report never carries raw markup.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "fuzz_support.hpp"
#include "session/exports.hpp"

namespace {

using respira::fuzz::require;
namespace session = respira::session;

void check_csv_cell(const std::string& text) {
  const std::string cell = session::csv_cell(text);
  const std::string_view body = cell.starts_with('"') ? std::string_view(cell).substr(1) : std::string_view(cell);
  require(body.empty() || std::string_view("=+-@\t\r").find(body.front()) == std::string_view::npos,
          "a CSV cell never starts with a formula character");
}

void check_html_escapes(const std::string& html, const std::string& text) {
  if (text.find_first_of("<>&\"") != std::string::npos)
    require(html.find(text) == std::string::npos, "text with markup characters appears escaped in HTML");
}

// The document as nlohmann reads it (the import succeeded, so it parses) against what the
// import kept: a rating is the same number or both are absent.
void check_faithful(std::string_view text, const session::ExportBundle& bundle) {
  using nlohmann::json;
  const json doc = json::parse(text.begin(), text.end());
  const json& version = doc.at("format_version");
  require(version.is_number_integer() && version >= 1 && version <= session::kJsonFormatVersion,
          "only a supported format version is accepted");
  const auto same = [](const json& written, const std::optional<int>& kept) {
    return written.is_null() ? !kept : kept && written == json(*kept);
  };
  for (std::size_t i = 0; i < bundle.sessions.size(); ++i) {
    const auto& s = bundle.sessions[i].session;
    const json& ratings = doc.at("sessions").at(i).at("ratings");
    require(same(ratings.at("pre_tension"), s.pre_tension) && same(ratings.at("post_tension"), s.post_tension),
            "imported tension ratings are the numbers in the file");
    for (std::size_t r = 0; r < s.regions.size(); ++r) {
      const json& region = ratings.at("regions").at(r);
      require(same(region.at("before"), s.regions[r].before) && same(region.at("after"), s.regions[r].after),
              "imported region ratings are the numbers in the file");
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string source = "fuzz.json";
  session::ExportBundle bundle;
  try {
    bundle = session::parse_json(respira::fuzz::as_text(data, size), source);
  } catch (const session::ExportError& e) {
    require(std::string(e.what()).starts_with(source + ": "), "an import error names its source");
    return 0;
  }
  check_faithful(respira::fuzz::as_text(data, size), bundle);
  const std::string exported = session::to_json(bundle);
  session::ExportBundle again;
  try {
    again = session::parse_json(exported, "re-import");
  } catch (const session::ExportError& e) {
    std::fprintf(stderr, "%s\n", e.what());
    respira::fuzz::violated("what import accepted exports to JSON that imports again");
  }
  require(session::to_json(again) == exported, "export -> import -> export is byte-identical");

  session::to_csv(bundle);
  session::to_fhir(bundle, {.base_url = "https://respira.invalid/fhir", .pseudonymise = true});
  for (const auto& p : bundle.patients) {
    for (const std::string* text : {&p.id, &p.display_name, &p.notes}) check_csv_cell(*text);
    const std::string html = session::to_html(p, bundle.sessions, false);
    check_html_escapes(html, p.display_name);
    check_html_escapes(html, p.notes);
  }
  for (const auto& s : bundle.sessions) {
    check_csv_cell(s.session.notes);
    for (const auto& r : s.session.regions) check_csv_cell(r.region);
  }
  return 0;
}
