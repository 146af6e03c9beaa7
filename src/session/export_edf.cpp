// EDF+ through EDFlib. The waveform is written as one signal at its stored rate with
// 1-second data records, missing stretches (gaps, before the first sample) as 0 and marked
// by a "Signal gap" annotation. EDFlib keeps only one annotation per data record per
// annotation signal and drops the rest silently, so the number of annotation signals is
// sized from the annotation count; descriptions are kept under EDF+'s 40 characters.

#include <edflib.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>

#include "pacer/pattern.hpp"
#include "pacer/schedule.hpp"
#include "session/exports.hpp"
#include "session/time_text.hpp"

namespace respira::session {
namespace {

constexpr std::size_t kMaxDescription = 40;
constexpr int kMaxAnnotationSignals = 64;

struct Annotation {
  double onset_s;
  double duration_s;  // < 0: none
  std::string text;
};

std::vector<Annotation> annotations_for(const SessionData& data, double file_duration_s) {
  const Session& s = data.session;
  std::vector<Annotation> out;
  auto rating = [](const std::string& what, int value) { return what + " " + std::to_string(value) + "/10"; };
  if (s.pre_tension) out.push_back({0.0, -1.0, rating("Tension before", *s.pre_tension)});
  for (const RegionRating& r : s.regions)
    if (r.before) out.push_back({0.0, -1.0, rating(r.region.substr(0, 24) + " before", *r.before)});
  for (const Breath& b : data.breaths) {
    out.push_back({b.start_s, b.inhale_s(), "Inhale"});
    out.push_back({b.exhale_start_s, b.exhale_s(), "Exhale"});
  }
  // The pacer's phases follow from its rate while the guide kept it. A guide that changed its
  // rate (adaptive, resonance search) is marked where each breath first saw a new rate: its
  // phases after that are not stored, and are not invented here.
  double fixed_until_s = file_duration_s;
  double shown = s.pacer.rate_bpm.value_or(std::nan(""));
  for (const Breath& b : data.breaths) {
    if (!std::isfinite(b.guide_rate_bpm) || b.guide_rate_bpm == shown) continue;
    fixed_until_s = std::min(fixed_until_s, b.start_s);
    shown = b.guide_rate_bpm;
    char text[32];
    std::snprintf(text, sizeof text, "Guide %.1f/min", shown);
    out.push_back({b.start_s, -1.0, text});
  }
  if (s.pacer.rate_bpm) {
    const auto pattern = pacer::pattern_from_rate(*s.pacer.rate_bpm, s.pacer.ie_ratio.value_or(1.0), 1.0);
    const pacer::PacerSchedule schedule(pattern, 0.0);
    for (std::int64_t i = 0;; ++i) {
      const auto breath = schedule.breath(i);
      if (breath.start_s >= fixed_until_s) break;
      out.push_back({breath.inhale_onset_s(), pattern.inhale_s, "Pacer inhale"});
      if (breath.exhale_onset_s() < fixed_until_s) out.push_back({breath.exhale_onset_s(), pattern.exhale_s, "Pacer exhale"});
    }
  }
  for (const Gap& g : data.gaps) out.push_back({g.start_s, g.duration_s, "Signal gap"});
  const double end = std::max(0.0, s.duration_s);
  if (s.post_tension) out.push_back({end, -1.0, rating("Tension after", *s.post_tension)});
  for (const RegionRating& r : s.regions)
    if (r.after) out.push_back({end, -1.0, rating(r.region.substr(0, 24) + " after", *r.after)});
  if (s.flare_up) out.push_back({0.0, -1.0, "Flare-up"});
  if (s.status != SessionStatus::completed) out.push_back({end, -1.0, "Session " + std::string(to_string(s.status))});
  std::stable_sort(out.begin(), out.end(), [](const Annotation& a, const Annotation& b) { return a.onset_s < b.onset_s; });
  for (auto& a : out) a.text = a.text.substr(0, kMaxDescription);
  return out;
}

double three_digits_up(double x) {
  const double unit = std::pow(10.0, std::floor(std::log10(x)) - 2.0);
  return std::ceil(x / unit - 1e-9) * unit;
}

// EDF header fields allow printable ASCII only.
std::string header_text(std::string_view text) {
  std::string out;
  for (char c : text) out += (c >= 33 && c <= 126) ? c : '_';
  return out.empty() ? "X" : out;
}

class EdfHandle {
 public:
  EdfHandle(const std::string& path, int signals) : handle_(edfopen_file_writeonly(path.c_str(), EDFLIB_FILETYPE_EDFPLUS, signals)) {}
  ~EdfHandle() {
    if (handle_ >= 0) edfclose_file(handle_);
  }
  int get() const { return handle_; }
  bool close() {
    const int rc = edfclose_file(handle_);
    handle_ = -1;
    return rc == 0;
  }

 private:
  int handle_;
};

}  // namespace

void write_edf(const Patient& patient, const SessionData& data, const std::filesystem::path& path, bool pseudonymise) {
  const Session& s = data.session;
  const double rate_hz = data.waveform.empty() ? 25.0 : data.waveform.front().rate_hz;
  const int rate = static_cast<int>(std::lround(rate_hz));
  for (const auto& c : data.waveform)
    if (std::abs(c.rate_hz - rate) > 1e-9) throw ExportError("cannot write EDF: waveform rate " + format_number(c.rate_hz) + " Hz is not a whole number of samples per second");

  // The session's own length rules; a run stamped a fraction of a sample late is clipped.
  double duration = s.duration_s;
  if (!(duration > 0.0))
    for (const auto& c : data.waveform) duration = std::max(duration, c.end_s());
  const long records = std::max(1L, static_cast<long>(std::ceil(duration - 1e-9)));
  std::vector<double> samples(static_cast<std::size_t>(records) * static_cast<std::size_t>(rate), 0.0);
  double low = 0.0, high = 0.0;
  for (const auto& c : data.waveform) {
    const long first = std::lround(c.start_s * rate);
    for (std::size_t i = 0; i < c.values.size(); ++i) {
      const long index = first + static_cast<long>(i);
      if (index < 0 || index >= static_cast<long>(samples.size())) continue;
      samples[static_cast<std::size_t>(index)] = c.values[i];
      low = std::min(low, static_cast<double>(c.values[i]));
      high = std::max(high, static_cast<double>(c.values[i]));
    }
  }
  // Symmetric range with headroom, so 0 (no signal) is representable and nothing clips,
  // rounded up to 3 significant digits so the 8-character header field holds it exactly.
  const double range = three_digits_up(std::max({std::abs(low), std::abs(high), 1e-3}) * 1.05);
  // Quantised here with rounding (EDFlib's physical writer truncates): error <= half a step.
  std::vector<int> digital(samples.size());
  for (std::size_t i = 0; i < samples.size(); ++i)
    digital[i] = std::clamp(static_cast<int>(std::lround((samples[i] + range) / (2.0 * range) * 65535.0)) - 32768,
                            -32768, 32767);

  const auto annotations = annotations_for(data, static_cast<double>(records));
  const long needed = static_cast<long>(annotations.size()) / records + 1;
  if (needed > kMaxAnnotationSignals)
    throw ExportError("cannot write EDF for session " + s.id + ": too many annotations for its length");

  const std::filesystem::path dir = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  if (std::filesystem::is_directory(path)) throw ExportError("cannot write " + path.string() + ": it is a directory");
  const std::string temp = (dir / ("." + path.filename().string() + ".tmp-" + std::to_string(::getpid()))).string();
  auto fail = [&](const std::string& what) {
    ::unlink(temp.c_str());
    throw ExportError("cannot write " + path.string() + ": " + what + "; nothing was changed");
  };
  {
    EdfHandle edf(temp, 1);
    const int h = edf.get();
    if (h < 0) fail("cannot create a file in " + dir.string());
    const std::string label = ("RESP " + (s.source_kind.empty() ? std::string("signal") : s.source_kind)).substr(0, 16);
    bool ok = edf_set_samplefrequency(h, 0, rate) == 0 && edf_set_physical_maximum(h, 0, range) == 0 &&
              edf_set_physical_minimum(h, 0, -range) == 0 && edf_set_digital_maximum(h, 0, 32767) == 0 &&
              edf_set_digital_minimum(h, 0, -32768) == 0 && edf_set_label(h, 0, label.c_str()) == 0 &&
              edf_set_physical_dimension(h, 0, "a.u.") == 0 &&
              edf_set_transducer(h, 0, header_text("Respira " + s.source_kind).c_str()) == 0 &&
              edf_set_number_of_annotation_signals(h, static_cast<int>(needed)) == 0;
    if (const auto start = parse_iso(s.started_at)) {
      const std::time_t t = std::chrono::system_clock::to_time_t(*start);
      std::tm utc{};
      gmtime_r(&t, &utc);
      const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(*start - std::chrono::system_clock::from_time_t(t)).count();
      ok = ok && edf_set_startdatetime(h, utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec) == 0 &&
           edf_set_subsecond_starttime(h, static_cast<int>(ms * 10000)) == 0;
    }
    ok = ok && edf_set_patientcode(h, header_text(patient.id).c_str()) == 0 &&
         edf_set_patientname(h, pseudonymise ? "X" : header_text(patient.display_name).c_str()) == 0 &&
         edf_set_equipment(h, "Respira") == 0 &&
         edf_set_recording_additional(h, header_text("session " + s.id).c_str()) == 0;
    if (!ok) fail("EDFlib refused the header");
    for (long r = 0; r < records; ++r)
      if (edfwrite_digital_samples(h, digital.data() + r * rate) != 0) fail("writing samples failed (disk full?)");
    for (const Annotation& a : annotations) {
      const long long onset = std::llround(a.onset_s * 10000.0);  // EDFlib writes in 100 us units
      const long long length = a.duration_s < 0 ? -1 : std::llround(a.duration_s * 10000.0);
      if (edfwrite_annotation_utf8(h, onset, length, a.text.c_str()) != 0) fail("writing annotations failed");
    }
    if (!edf.close()) fail("closing the EDF file failed (disk full?)");
  }
  const int fd = ::open(temp.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 || ::fsync(fd) != 0) {
    if (fd >= 0) ::close(fd);
    fail("flush failed");
  }
  ::close(fd);
  ::chmod(temp.c_str(), 0600);
  if (::rename(temp.c_str(), path.c_str()) != 0) fail("rename failed");
}

}  // namespace respira::session
