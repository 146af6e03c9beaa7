#pragma once
// Exports of the clinical record, each a pure function from records to bytes (except EDF,
// which EDFlib writes to a file), so tests check exact content and the command writes it
// to a temporary file renamed into place: an export never leaves a half-written file or
// damages an existing one.
//
//  - JSON: complete and re-importable. Keys sorted, numbers in shortest round-trip form,
//    so export -> import -> export is byte-identical.
//  - CSV: sessions, breaths, ratings; text cells that a spreadsheet would run as a
//    formula (= + - @ tab CR) get a leading apostrophe.
//  - EDF+: the 25 Hz respiration waveform with breaths, pacer phases, ratings and gaps as
//    annotations.
//  - FHIR R4: a collection Bundle with the Patient and Observations (respiratory rate,
//    LOINC 9279-1 in /min; tension ratings).
//  - HTML: a printable per-patient report with inline SVG charts.

#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "session/domain.hpp"

namespace respira::session {

class ExportError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct ExportBundle {
  std::vector<Patient> patients;
  std::vector<SessionData> sessions;  // in started_at order
};

// 2 added each breath's guide_rate_bpm; version 1 files are still read.
inline constexpr int kJsonFormatVersion = 2;

std::string to_json(const ExportBundle& bundle);
// Validates everything; throws ExportError naming `source` and the offending field.
ExportBundle parse_json(std::string_view text, const std::string& source);

struct CsvTables {
  std::string sessions;
  std::string breaths;
  std::string ratings;
};
CsvTables to_csv(const ExportBundle& bundle);
std::string csv_cell(std::string_view text);  // quoting + formula-injection guard
std::string escape_html(std::string_view text);  // text and attribute values in the HTML report

struct PatientProgress;  // session/progress_summary.hpp

struct FhirOptions {
  std::string base_url = "https://respira.invalid/fhir";  // entries' fullUrl = base/Type/id
  bool pseudonymise = false;                               // leave the display name out
  const PatientProgress* progress = nullptr;               // adds the programme CarePlan and flags
};
std::string to_fhir(const ExportBundle& bundle, const FhirOptions& options = {});

// progress (optional) adds the programme, trends and flags section.
std::string to_html(const Patient& patient, const std::vector<SessionData>& sessions, bool pseudonymise = false,
                    const PatientProgress* progress = nullptr);

// Writes one session as EDF+ (through a temporary file in the same directory).
void write_edf(const Patient& patient, const SessionData& session, const std::filesystem::path& path,
               bool pseudonymise = false);

// Writes `content` to a temporary file next to `path`, flushes it to disk, then renames it
// over `path`. Throws ExportError (unwritable directory, disk full...) leaving `path` as it was.
void write_file_atomically(const std::filesystem::path& path, std::string_view content);

// Number text shared by the exports: shortest form that reads back to the same double.
std::string format_number(double value);

}  // namespace respira::session
