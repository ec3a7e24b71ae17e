#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "common/error.h"

namespace wasmfaas::storage::s3 {

struct HttpRequest {
  std::string method;
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::span<const uint8_t> body;  // borrowed: sent as is, never copied
  // Called now and then while the body is sent (bytes sent, bytes in all),
  // on the sending thread; none: no progress reports.
  std::function<void(uint64_t, uint64_t)> upload_progress{};
};

struct HttpResponse {
  long status = 0;
  std::map<std::string, std::string> headers;  // lowercase names
  std::vector<uint8_t> body;  // received straight into the bytes an Object keeps

  std::string header(const std::string& name) const {
    const auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

struct HttpClientOptions {
  std::chrono::milliseconds connect_timeout{2000};
  std::chrono::milliseconds request_timeout{30000};  // 0: none
  // Starts the message of a transport failure.
  std::string unavailable_message = "storage unavailable";
};

// A blocking HTTP/1.1 client on libcurl with pooled keep-alive connections:
// each request borrows an easy handle (which keeps its connection open) and
// returns it. Transport failures (refused, reset, timed out) are
// kUnavailable; any HTTP status is a response. Thread-safe.
class HttpClient {
 public:
  explicit HttpClient(HttpClientOptions options);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  Result<HttpResponse> send(const HttpRequest& request);

 private:
  void* borrow();
  void give_back(void* handle);

  const HttpClientOptions options_;
  std::mutex mutex_;
  std::vector<void*> idle_;  // CURL* handles
};

}  // namespace wasmfaas::storage::s3
