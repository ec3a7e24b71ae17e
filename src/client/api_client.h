#pragma once
// The client CLI's connection to a wasmfaas server: one blocking request at a
// time over the libcurl client the S3 store uses (http:// and https://),
// with the bearer token, target paths built from escaped segments and an
// optional upload progress report. Not thread-safe (one per command run).

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/error.h"
#include "storage/s3/http_client.h"

namespace wasmfaas::client {

struct ApiResponse {
  long status = 0;
  std::map<std::string, std::string> headers;  // lowercase names
  std::string body;

  std::string header(const std::string& name) const {
    const auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

struct ApiRequest {
  std::string method = "GET";
  std::string target{};  // path and query, already escaped (see escape_path)
  std::string body{};
  std::vector<std::pair<std::string, std::string>> headers{};  // e.g. Content-Type
  std::function<void(uint64_t sent, uint64_t total)> upload_progress{};
};

class ApiClient {
 public:
  ApiClient(std::string server, std::string token);

  // Any HTTP status is a response; kUnavailable when the server does not answer.
  Result<ApiResponse> send(const ApiRequest& request);
  const std::string& server() const { return server_; }

 private:
  std::string server_;
  std::string token_;
  storage::s3::HttpClient http_;
};

// Percent-encodes everything but unreserved characters (RFC 3986).
std::string escape_segment(std::string_view text);
// escape_segment on each '/'-separated part, keeping the slashes.
std::string escape_path(std::string_view path);
// `?a=1&b=2` from the pairs whose value is not empty ("" when none).
std::string query_string(const std::vector<std::pair<std::string, std::string>>& parameters);

}  // namespace wasmfaas::client
