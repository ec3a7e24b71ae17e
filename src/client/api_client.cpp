#include "client/api_client.h"

#include <chrono>

namespace wasmfaas::client {
namespace {

storage::s3::HttpClientOptions client_options(const std::string& server) {
  storage::s3::HttpClientOptions options;
  options.connect_timeout = std::chrono::seconds(10);
  options.request_timeout = std::chrono::milliseconds(0);  // exec may run 15 minutes
  options.unavailable_message = "cannot reach the server at " + server;
  return options;
}

}  // namespace

ApiClient::ApiClient(std::string server, std::string token)
    : server_(std::move(server)), token_(std::move(token)), http_(client_options(server_)) {}

Result<ApiResponse> ApiClient::send(const ApiRequest& request) {
  storage::s3::HttpRequest http_request;
  http_request.method = request.method;
  http_request.url = server_ + request.target;
  http_request.headers = request.headers;
  if (!token_.empty()) http_request.headers.emplace_back("Authorization", "Bearer " + token_);
  http_request.body = std::span(reinterpret_cast<const uint8_t*>(request.body.data()),
                                request.body.size());
  http_request.upload_progress = request.upload_progress;
  auto response = http_.send(http_request);
  if (!response) return std::unexpected(response.error());
  ApiResponse result;
  result.status = response->status;
  result.headers = std::move(response->headers);
  result.body.assign(response->body.begin(), response->body.end());
  return result;
}

std::string escape_segment(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string escaped;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) || c == '-' || c == '.' || c == '_' || c == '~') {
      escaped += c;
    } else {
      escaped += '%';
      escaped += kHex[byte >> 4];
      escaped += kHex[byte & 15];
    }
  }
  return escaped;
}

std::string escape_path(std::string_view path) {
  std::string escaped;
  size_t start = 0;
  for (;;) {
    const size_t slash = path.find('/', start);
    escaped += escape_segment(path.substr(start, slash - start));
    if (slash == std::string_view::npos) return escaped;
    escaped += '/';
    start = slash + 1;
  }
}

std::string query_string(const std::vector<std::pair<std::string, std::string>>& parameters) {
  std::string query;
  for (const auto& [name, value] : parameters) {
    if (value.empty()) continue;
    query += (query.empty() ? "?" : "&") + name + "=" + escape_segment(value);
  }
  return query;
}

}  // namespace wasmfaas::client
