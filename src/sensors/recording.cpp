// Whole-recording readers: CSV (respiration column found by name), WAV and other
// libsndfile formats (channels mixed to mono), EDF/EDF+/BDF (EDFlib). Every failure is a
// RecordingError whose message starts with the file name.

#include "sensors/recording.hpp"

#include <sndfile.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <fstream>
#include <memory>
#include <string_view>

extern "C" {
#include <edflib.h>
}

namespace respira::sensors {
namespace {

[[noreturn]] void fail(const std::filesystem::path& path, const std::string& problem) {
  throw RecordingError(path.string() + ": " + problem);
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
  return s;
}

// "RESP", "Resp Belt", "respiration [mV]", "RSP_Raw" are respiration; "Respiratory rate"
// and "resp_rate" (derived numbers, not a waveform) are not.
bool looks_like_respiration(std::string_view name) {
  const std::string n = lower(trim(name));
  if (n.find("rate") != std::string::npos) return false;
  return n.starts_with("resp") || n.starts_with("rsp") || n == "breathing" ||
         n.starts_with("thor") || n.starts_with("abdo");
}

bool names_match(std::string_view a, std::string_view b) { return lower(trim(a)) == lower(trim(b)); }

std::vector<std::string_view> split(std::string_view line, char delimiter) {
  std::vector<std::string_view> fields;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = line.find(delimiter, start);
    fields.push_back(trim(line.substr(start, end - start)));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return fields;
}

bool parse_number(std::string_view field, double& value) {
  if (!field.empty() && field.front() == '+') field.remove_prefix(1);
  const auto [end, ec] = std::from_chars(field.data(), field.data() + field.size(), value);
  return ec == std::errc{} && end == field.data() + field.size();
}

bool is_missing(std::string_view field) {
  const std::string f = lower(field);
  return f.empty() || f == "nan" || f == "na" || f == "null";
}

// Seconds per unit of a time column, from its name: "Time [s]", "time_ms", "t (min)".
double time_unit_s(std::string_view name) {
  const std::string n = lower(name);
  if (n.find("ms") != std::string::npos || n.find("milli") != std::string::npos) return 1e-3;
  if (n.find("min") != std::string::npos) return 60.0;
  return 1.0;
}

bool looks_like_time(std::string_view name) {
  const std::string n = lower(trim(name));
  return n.starts_with("time") || n == "t" || n.starts_with("t [") || n.starts_with("t (") ||
         n == "seconds" || n == "timestamp";
}

std::string join_names(const std::vector<std::string_view>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + std::string(n);
  return out;
}

Recording read_csv(const std::filesystem::path& path, const RecordingOptions& options) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path, "cannot open file");
  std::string header;
  if (!std::getline(in, header)) fail(path, "empty file (expected a CSV header)");
  if (header.starts_with("\xEF\xBB\xBF")) header.erase(0, 3);
  if (!header.empty() && header.back() == '\r') header.pop_back();
  const char delimiter = header.find(',') != std::string::npos   ? ','
                         : header.find(';') != std::string::npos ? ';'
                         : header.find('\t') != std::string::npos ? '\t'
                                                                  : ',';
  const auto names = split(header, delimiter);

  std::size_t column = names.size();
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (options.column ? names_match(names[i], *options.column) : looks_like_respiration(names[i])) {
      column = i;
      break;
    }
  }
  if (column == names.size()) {
    if (options.column)
      fail(path, "no column named '" + *options.column + "' (columns: " + join_names(names) + ")");
    fail(path, "no respiration column found (columns: " + join_names(names) +
                   "); name one with --column");
  }
  std::size_t time_column = names.size();
  for (std::size_t i = 0; i < names.size(); ++i)
    if (i != column && looks_like_time(names[i])) {
      time_column = i;
      break;
    }

  Recording rec;
  rec.path = path;
  rec.channel = std::string(names[column]);
  std::vector<double> first_times;
  std::string line;
  std::size_t line_number = 1;
  std::size_t valid = 0;
  float last = 0.0f;
  while (std::getline(in, line)) {
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (trim(line).empty()) continue;
    const auto fields = split(line, delimiter);
    if (fields.size() <= column || (time_column < names.size() && fields.size() <= time_column))
      fail(path, "line " + std::to_string(line_number) + " has " + std::to_string(fields.size()) +
                     " fields, the header has " + std::to_string(names.size()));
    double value = 0.0;
    if (is_missing(fields[column])) {
      // A missing reading holds the previous value so the time base stays intact.
      rec.samples.push_back(last);
    } else if (parse_number(fields[column], value) && std::isfinite(value)) {
      last = static_cast<float>(value);
      if (valid == 0) std::fill(rec.samples.begin(), rec.samples.end(), last);
      rec.samples.push_back(last);
      ++valid;
    } else {
      fail(path, "line " + std::to_string(line_number) + ": '" + std::string(fields[column]) +
                     "' in column '" + rec.channel + "' is not a number");
    }
    if (time_column < names.size() && first_times.size() < 4096) {
      double t = 0.0;
      if (!parse_number(fields[time_column], t))
        fail(path, "line " + std::to_string(line_number) + ": time '" +
                       std::string(fields[time_column]) + "' is not a number");
      first_times.push_back(t * time_unit_s(names[time_column]));
    }
  }
  if (in.bad()) fail(path, "read error");
  if (valid == 0) fail(path, "column '" + rec.channel + "' holds no numeric samples");

  if (time_column < names.size() && first_times.size() >= 2) {
    std::vector<double> steps;
    for (std::size_t i = 1; i < first_times.size(); ++i)
      steps.push_back(first_times[i] - first_times[i - 1]);
    std::nth_element(steps.begin(), steps.begin() + steps.size() / 2, steps.end());
    const double step = steps[steps.size() / 2];
    if (!(step > 0)) fail(path, "time column '" + std::string(names[time_column]) + "' does not increase");
    // Time columns are usually rounded (0.008 s at 125 Hz): fit the whole span instead.
    const double span = first_times.back() - first_times.front();
    rec.sample_rate_hz = span > 0 ? (first_times.size() - 1) / span : 1.0 / step;
    const double whole = std::round(rec.sample_rate_hz);
    if (std::abs(rec.sample_rate_hz - whole) < 1e-6 * whole) rec.sample_rate_hz = whole;
    if (options.sample_rate_hz) rec.sample_rate_hz = *options.sample_rate_hz;
  } else if (options.sample_rate_hz) {
    rec.sample_rate_hz = *options.sample_rate_hz;
  } else {
    fail(path, "no time column to take the sample rate from; give --sample-rate");
  }
  if (!(rec.sample_rate_hz > 0) || !std::isfinite(rec.sample_rate_hz))
    fail(path, "invalid sample rate");
  return rec;
}

Recording read_sound_file(const std::filesystem::path& path) {
  SF_INFO info{};
  SNDFILE* file = sf_open(path.c_str(), SFM_READ, &info);
  if (!file) fail(path, std::string("cannot read audio: ") + sf_strerror(nullptr));
  std::unique_ptr<SNDFILE, decltype(&sf_close)> guard(file, &sf_close);
  if (info.channels < 1 || info.samplerate <= 0) fail(path, "audio header has no channels or rate");
  if (info.frames <= 0) fail(path, "audio file holds no samples");
  Recording rec;
  rec.path = path;
  rec.channel = info.channels == 1 ? "mono" : "mix of " + std::to_string(info.channels) + " channels";
  rec.sample_rate_hz = info.samplerate;
  rec.default_kind = dsp::SignalKind::audio;
  rec.samples.reserve(static_cast<std::size_t>(info.frames));
  std::vector<float> frames(static_cast<std::size_t>(4096 * info.channels));
  while (true) {
    const sf_count_t got = sf_readf_float(file, frames.data(), 4096);
    if (got <= 0) break;
    for (sf_count_t f = 0; f < got; ++f) {
      float sum = 0.0f;
      for (int c = 0; c < info.channels; ++c) sum += frames[f * info.channels + c];
      rec.samples.push_back(sum / info.channels);
    }
  }
  if (sf_error(file) != SF_ERR_NO_ERROR) fail(path, std::string("corrupt audio: ") + sf_strerror(file));
  if (rec.samples.empty()) fail(path, "audio file holds no samples");
  return rec;
}

std::string edf_error(int code) {
  switch (code) {
    case EDFLIB_MALLOC_ERROR: return "out of memory";
    case EDFLIB_NO_SUCH_FILE_OR_DIRECTORY: return "cannot open file";
    case EDFLIB_FILE_CONTAINS_FORMAT_ERRORS: return "not a valid EDF/EDF+/BDF file (format errors)";
    case EDFLIB_MAXFILES_REACHED: return "too many EDF files open";
    case EDFLIB_FILE_READ_ERROR: return "cannot read the EDF header (truncated, or not an EDF file)";
    case EDFLIB_FILE_ALREADY_OPENED: return "file already open";
    case EDFLIB_FILE_IS_DISCONTINUOUS: return "discontinuous EDF+D files are not supported";
    default: return "cannot read EDF (error " + std::to_string(code) + ")";
  }
}

Recording read_edf(const std::filesystem::path& path, const RecordingOptions& options) {
  auto header = std::make_unique<edf_hdr_struct>();
  if (edfopen_file_readonly(path.c_str(), header.get(), EDFLIB_DO_NOT_READ_ANNOTATIONS) != 0)
    fail(path, edf_error(header->filetype));
  std::unique_ptr<int, void (*)(int*)> guard(&header->handle, [](int* h) { edfclose_file(*h); });

  std::vector<std::string_view> labels;
  for (int i = 0; i < header->edfsignals; ++i) labels.push_back(trim(header->signalparam[i].label));
  int signal = -1;
  for (int i = 0; i < header->edfsignals && signal < 0; ++i)
    if (options.column ? names_match(labels[i], *options.column) : looks_like_respiration(labels[i]))
      signal = i;
  if (signal < 0) {
    if (options.column)
      fail(path, "no signal labelled '" + *options.column + "' (signals: " + join_names(labels) + ")");
    fail(path, "no respiration signal found (signals: " + join_names(labels) + "); name one with --column");
  }
  const auto& param = header->signalparam[signal];
  const double record_s = static_cast<double>(header->datarecord_duration) / EDFLIB_TIME_DIMENSION;
  if (!(record_s > 0) || param.smp_in_datarecord <= 0) fail(path, "EDF header has no sample rate");
  Recording rec;
  rec.path = path;
  rec.channel = std::string(labels[signal]);
  rec.sample_rate_hz = param.smp_in_datarecord / record_s;
  if (param.smp_in_file <= 0) fail(path, "signal '" + rec.channel + "' holds no samples");
  rec.samples.reserve(static_cast<std::size_t>(param.smp_in_file));
  std::vector<double> buffer(65536);
  long long remaining = param.smp_in_file;
  while (remaining > 0) {
    const int want = static_cast<int>(std::min<long long>(remaining, buffer.size()));
    const int got = edfread_physical_samples(header->handle, signal, want, buffer.data());
    if (got <= 0) fail(path, "EDF data ends early or is unreadable");
    for (int i = 0; i < got; ++i) rec.samples.push_back(static_cast<float>(buffer[i]));
    remaining -= got;
  }
  return rec;
}

}  // namespace

Recording read_recording(const std::filesystem::path& path, const RecordingOptions& options) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) fail(path, "no such file");
  if (std::filesystem::is_directory(path, ec)) fail(path, "is a directory, not a recording");
  if (options.sample_rate_hz && !(*options.sample_rate_hz > 0 && std::isfinite(*options.sample_rate_hz)))
    fail(path, "the sample rate must be a positive number");
  const std::string ext = lower(path.extension().string());
  Recording rec;
  if (ext == ".csv" || ext == ".txt" || ext == ".tsv") {
    rec = read_csv(path, options);
  } else if (ext == ".edf" || ext == ".bdf" || ext == ".rec") {
    rec = read_edf(path, options);
  } else {
    rec = read_sound_file(path);
    if (options.sample_rate_hz) rec.sample_rate_hz = *options.sample_rate_hz;
  }
  // Found while fuzzing (fuzz/regressions): NaN in float WAV, CSV values beyond float range, a
  // time column 1e-300 s apart giving a rate that made `analyze` allocate without bound.
  if (!(rec.sample_rate_hz >= kMinRecordingRateHz && rec.sample_rate_hz <= kMaxRecordingRateHz))
    fail(path, "sample rate " + std::to_string(rec.sample_rate_hz) + " Hz is outside " +
                   std::to_string(static_cast<int>(kMinRecordingRateHz)) + "-" +
                   std::to_string(static_cast<int>(kMaxRecordingRateHz)) + " Hz");
  const auto bad = std::find_if(rec.samples.begin(), rec.samples.end(), [](float v) { return !std::isfinite(v); });
  if (bad != rec.samples.end())
    fail(path, "sample " + std::to_string(bad - rec.samples.begin()) + " is not a finite number (corrupt or out of range)");
  return rec;
}

}  // namespace respira::sensors
