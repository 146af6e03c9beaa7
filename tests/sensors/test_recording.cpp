// Recording reader: CSV column/rate discovery, WAV mixing, EDF channel choice, and one
// clear error naming the file for every kind of bad input.

#include <catch2/catch.hpp>
#include <sndfile.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

extern "C" {
#include <edflib.h>
}

#include "sensors/recording.hpp"

namespace fs = std::filesystem;
using respira::sensors::read_recording;
using respira::sensors::RecordingError;
using respira::sensors::RecordingOptions;

namespace {

struct TempDir {
  fs::path path;
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "respira-rec-XXXXXX").string();
    path = ::mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  fs::path write(const std::string& name, const std::string& content) const {
    std::ofstream(path / name, std::ios::binary) << content;
    return path / name;
  }
};

std::string error_of(const fs::path& file, const RecordingOptions& options = {}) {
  try {
    read_recording(file, options);
  } catch (const RecordingError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("CSV: respiration column found by name, rate from the time column", "[sensors][recording]") {
  TempDir dir;
  const auto file = dir.write("belt.csv", "Time [s], PLETH,  Resp \n0,5,1.5\n0.04,5,2.5\n0.08,5,3.5\n0.12,6,4.5\n");
  const auto rec = read_recording(file);
  CHECK(rec.channel == "Resp");
  CHECK(rec.sample_rate_hz == Approx(25.0));
  CHECK(rec.samples == std::vector<float>{1.5f, 2.5f, 3.5f, 4.5f});
  CHECK(rec.default_kind == respira::dsp::SignalKind::belt);
}

TEST_CASE("CSV: --column picks another column; millisecond time columns", "[sensors][recording]") {
  TempDir dir;
  const auto file = dir.write("x.csv", "time_ms;chest;RSP\n0;1;9\n10;2;9\n20;3;9\n");
  RecordingOptions options;
  options.column = "CHEST";
  const auto rec = read_recording(file, options);
  CHECK(rec.channel == "chest");
  CHECK(rec.sample_rate_hz == Approx(100.0));
  CHECK(rec.samples == std::vector<float>{1, 2, 3});
}

TEST_CASE("CSV without a time column needs --sample-rate; blanks hold the last value", "[sensors][recording]") {
  TempDir dir;
  const auto file = dir.write("nk.csv", "ECG,RSP\n0.1,1\n0.2,\n0.3,NaN\n0.4,4\n");
  CHECK(error_of(file).find("--sample-rate") != std::string::npos);
  RecordingOptions options;
  options.sample_rate_hz = 100.0;
  const auto rec = read_recording(file, options);
  CHECK(rec.sample_rate_hz == 100.0);
  CHECK(rec.samples == std::vector<float>{1, 1, 1, 4});
}

TEST_CASE("bad CSVs get one message naming the file and the problem", "[sensors][recording]") {
  TempDir dir;
  const auto missing = dir.path / "nope.csv";
  CHECK(error_of(missing) == missing.string() + ": no such file");

  const auto no_resp = dir.write("ecg.csv", "Time [s],ECG\n0,1\n");
  CHECK(error_of(no_resp).starts_with(no_resp.string() + ": no respiration column found (columns: Time [s], ECG)"));

  RecordingOptions options;
  options.column = "thorax";
  const auto unknown = dir.write("u.csv", "RESP\n1\n");
  CHECK(error_of(unknown, options).starts_with(unknown.string() + ": no column named 'thorax'"));

  const auto garbage = dir.write("g.csv", "Time [s],RESP\n0,1\n0.1,abc\n");
  CHECK(error_of(garbage) == garbage.string() + ": line 3: 'abc' in column 'RESP' is not a number");

  const auto short_row = dir.write("s.csv", "Time [s],X,RESP\n0,1,2\n0.1,1\n");
  CHECK(error_of(short_row).find("line 3 has 2 fields") != std::string::npos);

  const auto empty = dir.write("e.csv", "");
  CHECK(error_of(empty).find("empty file") != std::string::npos);

  const auto no_data = dir.write("n.csv", "Time [s],RESP\n0,\n0.1,\n");
  CHECK(error_of(no_data).find("no numeric samples") != std::string::npos);
}

TEST_CASE("WAV: any rate, channels mixed to mono, kind audio", "[sensors][recording]") {
  TempDir dir;
  const auto file = dir.path / "stereo.wav";
  SF_INFO info{};
  info.samplerate = 8000;
  info.channels = 2;
  info.format = SF_FORMAT_WAV | SF_FORMAT_FLOAT;
  SNDFILE* out = sf_open(file.c_str(), SFM_WRITE, &info);
  REQUIRE(out);
  const std::vector<float> frames{0.5f, -0.5f, 0.2f, 0.4f, -1.0f, 0.0f};
  REQUIRE(sf_writef_float(out, frames.data(), 3) == 3);
  sf_close(out);

  const auto rec = read_recording(file);
  CHECK(rec.sample_rate_hz == 8000.0);
  CHECK(rec.default_kind == respira::dsp::SignalKind::audio);
  REQUIRE(rec.samples.size() == 3);
  CHECK(rec.samples[0] == Approx(0.0f));
  CHECK(rec.samples[1] == Approx(0.3f));
  CHECK(rec.samples[2] == Approx(-0.5f));

  const auto corrupt = dir.write("corrupt.wav", "RIFF\x10\x00\x00\x00WAVEfmt garbage");
  CHECK(error_of(corrupt).starts_with(corrupt.string() + ": cannot read audio"));
}

TEST_CASE("EDF+: the Resp signal is chosen by label, physical values read back", "[sensors][recording]") {
  TempDir dir;
  const auto file = dir.path / "night.edf";
  const int handle = edfopen_file_writeonly(file.c_str(), EDFLIB_FILETYPE_EDFPLUS, 2);
  REQUIRE(handle >= 0);
  for (int s = 0; s < 2; ++s) {
    edf_set_samplefrequency(handle, s, s == 0 ? 100 : 25);
    edf_set_physical_maximum(handle, s, 100.0);
    edf_set_physical_minimum(handle, s, -100.0);
    edf_set_digital_maximum(handle, s, 32767);
    edf_set_digital_minimum(handle, s, -32768);
    edf_set_label(handle, s, s == 0 ? "EEG Fpz" : "Resp chest");
  }
  std::vector<double> eeg(100, 1.0), resp(25);
  for (int second = 0; second < 4; ++second) {
    for (int i = 0; i < 25; ++i) resp[i] = 50.0 * std::sin(2 * 3.14159265 * (second * 25 + i) / 100.0);
    REQUIRE(edfwrite_physical_samples(handle, eeg.data()) == 0);
    REQUIRE(edfwrite_physical_samples(handle, resp.data()) == 0);
  }
  edfclose_file(handle);

  const auto rec = read_recording(file);
  CHECK(rec.channel == "Resp chest");
  CHECK(rec.sample_rate_hz == Approx(25.0));
  REQUIRE(rec.samples.size() == 100);
  CHECK(rec.samples[25] == Approx(50.0).margin(0.01));  // quarter cycle: the peak

  RecordingOptions options;
  options.column = "EEG Fpz";
  CHECK(read_recording(file, options).sample_rate_hz == Approx(100.0));
  options.column = "Flow";
  CHECK(error_of(file, options).starts_with(file.string() + ": no signal labelled 'Flow'"));

  const auto corrupt = dir.write("bad.edf", "0       this is not an EDF header");
  CHECK(error_of(corrupt).starts_with(corrupt.string() + ": "));
  CHECK(error_of(corrupt).find("EDF") != std::string::npos);
}
