#pragma once
// Test support: load at a fixed rate from vegeta (a child process), with
// every request's outcome recorded: when it started (wall clock, the
// system_clock a test records its own events in), how long it took, the
// status, the body, the headers and the error. The binary comes from the
// set-up (WASMFAAS_VEGETA). Not thread-safe.

#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "support/child_process.h"
#include "support/temp_dir.h"

namespace wasmfaas::testing {

// One request as vegeta recorded it.
struct VegetaResult {
  std::chrono::system_clock::time_point start;
  std::chrono::nanoseconds latency{0};
  int code = 0;                                // 0: no response (see error)
  std::string body;
  std::string error;
  std::map<std::string, std::string> headers;  // first value, names as sent

  std::chrono::system_clock::time_point end() const {
    return start + std::chrono::duration_cast<std::chrono::system_clock::duration>(latency);
  }
  // Whether the request was under way at some instant of [from, to].
  bool spans(std::chrono::system_clock::time_point from,
             std::chrono::system_clock::time_point to) const {
    return start <= to && end() >= from;
  }
  std::string header(const std::string& name) const {
    const auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

// Milliseconds since the epoch, for messages.
inline int64_t epoch_ms(std::chrono::system_clock::time_point time) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count();
}

// `vegeta attack` of one request, `rate` times a second, from construction
// until stop().
class VegetaAttack {
 public:
  struct Request {
    std::string method = "POST";
    std::string url;
    std::map<std::string, std::string> headers;
    std::string body;
  };

  VegetaAttack(const Request& request, int rate) {
    const std::filesystem::path body = dir_.path() / "body";
    std::ofstream(body, std::ios::binary) << request.body;
    std::ofstream targets(dir_.path() / "targets");
    targets << request.method << " " << request.url << "\n";
    for (const auto& [name, value] : request.headers) targets << name << ": " << value << "\n";
    targets << "@" << body.string() << "\n";
    targets.close();
    pid_ = spawn({"attack", "-rate=" + std::to_string(rate) + "/1s", "-duration=0",
                  "-format=http", "-targets=" + (dir_.path() / "targets").string(),
                  "-timeout=10s", "-output=" + results_path().string()});
  }

  ~VegetaAttack() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }

  VegetaAttack(const VegetaAttack&) = delete;
  VegetaAttack& operator=(const VegetaAttack&) = delete;

  // Ends the attack (SIGINT: vegeta stops sending, waits for the requests
  // under way and writes their results) and returns every request, by
  // start time.
  std::vector<VegetaResult> stop() {
    ::kill(pid_, SIGINT);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    const std::filesystem::path json_path = dir_.path() / "results.json";
    const pid_t encoder = spawn({"encode", "--to", "json", "--output", json_path.string(),
                                 results_path().string()});
    waitpid(encoder, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      throw std::runtime_error("vegeta encode failed: " + log());
    }
    std::vector<VegetaResult> results;
    std::ifstream lines(json_path);
    std::string line;
    while (std::getline(lines, line)) {
      if (!line.empty()) results.push_back(parse(line));
    }
    std::sort(results.begin(), results.end(),
              [](const VegetaResult& a, const VegetaResult& b) { return a.start < b.start; });
    return results;
  }

  // What vegeta wrote (its errors).
  std::string log() const {
    std::ifstream file(dir_.path() / "vegeta.log");
    std::stringstream text;
    text << file.rdbuf();
    return text.str();
  }

 private:
  std::filesystem::path results_path() const { return dir_.path() / "results.bin"; }

  // vegeta with `args`, its output in vegeta.log; TZ=UTC: its timestamps
  // end in Z.
  pid_t spawn(std::vector<std::string> args) const {
    args.insert(args.begin(), WASMFAAS_VEGETA);
    return spawn_logged(ExecArguments(std::move(args), {"TZ=UTC"}), dir_.path() / "vegeta.log");
  }

  static VegetaResult parse(const std::string& line) {
    const nlohmann::json record = nlohmann::json::parse(line);
    VegetaResult result;
    result.start = parse_rfc3339(record.at("timestamp").get<std::string>());
    result.latency = std::chrono::nanoseconds(record.at("latency").get<int64_t>());
    result.code = record.value("code", 0);
    result.error = record.value("error", "");
    if (record.contains("body") && record["body"].is_string()) {
      result.body = base64_decode(record["body"].get<std::string>());
    }
    if (record.contains("headers") && record["headers"].is_object()) {
      for (const auto& [name, values] : record["headers"].items()) {
        if (values.is_array() && !values.empty()) result.headers[name] = values[0];
      }
    }
    return result;
  }

  // "2026-12-02T01:02:03.123456789Z" (the fraction is 0 to 9 digits; an
  // offset "+01:00" instead of Z is accepted).
  static std::chrono::system_clock::time_point parse_rfc3339(const std::string& text) {
    std::tm tm{};
    int consumed = 0;
    if (std::sscanf(text.c_str(), "%d-%d-%dT%d:%d:%d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                    &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &consumed) != 6) {
      throw std::runtime_error("not an RFC 3339 time: " + text);
    }
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    int64_t nanos = 0;
    size_t at = static_cast<size_t>(consumed);
    if (at < text.size() && text[at] == '.') {
      int64_t scale = 100000000;
      for (++at; at < text.size() && std::isdigit(static_cast<unsigned char>(text[at])); ++at) {
        nanos += (text[at] - '0') * scale;
        scale /= 10;
      }
    }
    int64_t offset_s = 0;
    if (at < text.size() && (text[at] == '+' || text[at] == '-')) {
      int hours = 0, minutes = 0;
      std::sscanf(text.c_str() + at + 1, "%d:%d", &hours, &minutes);
      offset_s = (text[at] == '+' ? 1 : -1) * (hours * 3600 + minutes * 60);
    }
    const auto seconds = std::chrono::seconds(static_cast<int64_t>(timegm(&tm)) - offset_s);
    return std::chrono::system_clock::time_point(
        std::chrono::duration_cast<std::chrono::system_clock::duration>(
            seconds + std::chrono::nanoseconds(nanos)));
  }

  static std::string base64_decode(const std::string& text) {
    std::string out;
    uint32_t bits = 0;
    int count = 0;
    for (char c : text) {
      int value;
      if (c >= 'A' && c <= 'Z') value = c - 'A';
      else if (c >= 'a' && c <= 'z') value = c - 'a' + 26;
      else if (c >= '0' && c <= '9') value = c - '0' + 52;
      else if (c == '+') value = 62;
      else if (c == '/') value = 63;
      else continue;  // padding
      bits = (bits << 6) | static_cast<uint32_t>(value);
      count += 6;
      if (count >= 8) {
        count -= 8;
        out.push_back(static_cast<char>((bits >> count) & 0xff));
      }
    }
    return out;
  }

  TempDir dir_;
  pid_t pid_ = -1;
};

}  // namespace wasmfaas::testing
