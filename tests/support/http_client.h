#pragma once
// Test support: a small synchronous HTTP/1.1 client over one keep-alive
// connection, and a raw-bytes exchange for malformed requests.

#include <cstdint>
#include <map>
#include <string>
#include <utility>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace wasmfaas::testing {

struct HttpResult {
  unsigned status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // lowercase names

  std::string header(const std::string& name) const {
    const auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

class HttpClient {
 public:
  explicit HttpClient(uint16_t port) : HttpClient("127.0.0.1", port) {}
  HttpClient(std::string host, uint16_t port)
      : host_(std::move(host)), port_(port), stream_(io_context_) {
    connect();
  }

  HttpResult request(boost::beast::http::verb method, const std::string& target,
                     const std::string& body = "",
                     const std::map<std::string, std::string>& headers = {}) {
    namespace http = boost::beast::http;
    http::request<http::string_body> request(method, target, 11);
    request.set(http::field::host, host_);
    for (const auto& [name, value] : headers) request.set(name, value);
    request.body() = body;
    request.prepare_payload();
    if (closed_) connect();  // the previous response said Connection: close
    boost::beast::error_code error;
    http::write(stream_, request, error);
    if (error) {  // the server closed the previous keep-alive connection
      connect();
      http::write(stream_, request);
    }
    boost::beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(256 * 1024 * 1024);
    http::read(stream_, buffer, parser);
    auto response = parser.release();
    HttpResult result;
    result.status = response.result_int();
    result.body = response.body();
    for (const auto& field : response) {
      std::string name(field.name_string());
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      result.headers[name] = std::string(field.value());
    }
    closed_ = !response.keep_alive();
    return result;
  }

  HttpResult get(const std::string& target) { return request(boost::beast::http::verb::get, target); }
  HttpResult put(const std::string& target) { return request(boost::beast::http::verb::put, target); }
  HttpResult del(const std::string& target) {
    return request(boost::beast::http::verb::delete_, target);
  }
  HttpResult post(const std::string& target, const std::string& body,
                  const std::string& content_type = "application/json") {
    return request(boost::beast::http::verb::post, target, body,
                   {{"Content-Type", content_type}});
  }

 private:
  void connect() {
    boost::beast::error_code ignored;
    stream_.close();
    closed_ = false;
    stream_.connect(boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address(host_), port_));
  }

  std::string host_;
  uint16_t port_;
  boost::asio::io_context io_context_;
  boost::beast::tcp_stream stream_;
  bool closed_ = false;
};

// Sends `bytes` on a new connection and returns everything the server
// answers until it closes the connection (or 5 s pass).
inline std::string raw_exchange(uint16_t port, const std::string& bytes) {
  boost::asio::io_context io_context;
  boost::beast::tcp_stream stream(io_context);
  stream.connect(boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port));
  stream.expires_after(std::chrono::seconds(5));
  boost::asio::write(stream, boost::asio::buffer(bytes));
  std::string received;
  char chunk[4096];
  boost::beast::error_code error;
  for (;;) {
    const size_t n = stream.read_some(boost::asio::buffer(chunk), error);
    received.append(chunk, n);
    if (error) break;
  }
  return received;
}

// A multipart/form-data body with one part per (name, content) pair.
inline std::string multipart_body(const std::string& boundary,
                                  const std::map<std::string, std::string>& fields) {
  std::string body;
  for (const auto& [name, content] : fields) {
    body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name +
            "\"; filename=\"" + name + ".wasm\"\r\nContent-Type: application/octet-stream\r\n\r\n" +
            content + "\r\n";
  }
  return body + "--" + boundary + "--\r\n";
}

}  // namespace wasmfaas::testing
