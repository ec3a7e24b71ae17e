// HTTP/1.1 behaviour: keep-alive, body and header limits, malformed
// requests, and many concurrent keep-alive connections.
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <string>
#include <vector>

#include "support/http_client.h"
#include "support/test_server.h"

namespace wasmfaas {
namespace {

using testing::HttpClient;
using testing::HttpResult;
using testing::raw_exchange;
using testing::TestServer;

std::string status_line(const std::string& response) {
  return response.substr(0, response.find("\r\n"));
}

server::ServerConfig small_limits() {
  server::ServerConfig config;
  config.http.limits.max_body_bytes = 1024;
  config.http.limits.max_upload_bytes = 64 * 1024;
  config.http.limits.max_header_bytes = 2048;
  return config;
}

TEST(HttpProtocolTest, KeepAliveServesManyRequestsOnOneConnection) {
  TestServer server;
  const std::string request = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
  std::string pipeline;
  for (int i = 0; i < 5; ++i) pipeline += request;
  pipeline += "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  const std::string response = raw_exchange(server.port(), pipeline);
  size_t count = 0;
  for (size_t at = response.find("HTTP/1.1 200 OK"); at != std::string::npos;
       at = response.find("HTTP/1.1 200 OK", at + 1)) {
    ++count;
  }
  EXPECT_EQ(count, 6u);
}

TEST(HttpProtocolTest, UploadWithoutLengthIs411) {
  TestServer server;
  const std::string response =
      raw_exchange(server.port(), "POST /file/b/k HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(status_line(response), "HTTP/1.1 411 Length Required");
  EXPECT_NE(response.find("{\"error\":"), std::string::npos);
}

TEST(HttpProtocolTest, DeclaredBodyOverTheLimitIs413) {
  TestServer server(small_limits());
  const std::string response = raw_exchange(
      server.port(), "POST /exec/b/k HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n");
  EXPECT_EQ(status_line(response), "HTTP/1.1 413 Payload Too Large");
  const std::string upload = raw_exchange(
      server.port(), "POST /file/b/k HTTP/1.1\r\nHost: x\r\nContent-Length: 70000\r\n\r\n");
  EXPECT_EQ(status_line(upload), "HTTP/1.1 413 Payload Too Large");
  // The upload's answer gives its size and the limit, as exec's does.
  EXPECT_NE(upload.find("request body of 70000 bytes is over the limit of 65536 bytes"),
            std::string::npos) << upload;
  EXPECT_NE(upload.find("\"code\":\"payload_too_large\""), std::string::npos) << upload;
}

TEST(HttpProtocolTest, ChunkedBodyOverTheLimitIs413) {
  TestServer server(small_limits());
  std::string request = "POST /exec/b/k HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 3; ++i) request += "200\r\n" + std::string(512, 'a') + "\r\n";
  request += "0\r\n\r\n";
  const std::string response = raw_exchange(server.port(), request);
  EXPECT_EQ(status_line(response), "HTTP/1.1 413 Payload Too Large");
  EXPECT_NE(response.find("over the limit of 1024 bytes"), std::string::npos) << response;
}

TEST(HttpProtocolTest, OversizedHeadersAreRefused) {
  TestServer server(small_limits());
  const std::string response = raw_exchange(
      server.port(),
      "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(4096, 'h') + "\r\n\r\n");
  EXPECT_EQ(status_line(response), "HTTP/1.1 431 Request Header Fields Too Large");
  EXPECT_NE(response.find("headers are too large"), std::string::npos);
}

TEST(HttpProtocolTest, MalformedRequestsAre400AndTheServerStaysUp) {
  TestServer server;
  for (const std::string& garbage : std::vector<std::string>
       {std::string("NOT HTTP AT ALL\r\n\r\n"), std::string("GET / HTTP/9.9\r\n\r\n"),
        std::string("GET /healthz HTTP/1.1\r\nBad Header Line\r\n\r\n"),
        std::string("POST /exec/a/b HTTP/1.1\r\nHost: x\r\nContent-Length: -3\r\n\r\n"),
        std::string("\x16\x03\x01\x02\x00\x01\x00", 7)}) {
    const std::string response = raw_exchange(server.port(), garbage);
    EXPECT_EQ(status_line(response), "HTTP/1.1 400 Bad Request") << garbage;
  }
  HttpClient client(server.port());
  EXPECT_EQ(client.get("/healthz").status, 200);
}

TEST(HttpProtocolTest, AThousandConcurrentKeepAliveConnections) {
  rlimit limit{};
  getrlimit(RLIMIT_NOFILE, &limit);
  limit.rlim_cur = limit.rlim_max;
  setrlimit(RLIMIT_NOFILE, &limit);
  ASSERT_GE(limit.rlim_cur, 2100u) << "needs file descriptors for both ends";

  TestServer server;
  boost::asio::io_context io_context;
  const auto endpoint = boost::asio::ip::tcp::endpoint(
      boost::asio::ip::make_address("127.0.0.1"), server.port());
  std::vector<boost::asio::ip::tcp::socket> sockets;
  for (int i = 0; i < 1000; ++i) {
    sockets.emplace_back(io_context).connect(endpoint);
  }
  const std::string request = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
  // Two rounds: every connection stays open and is served again.
  for (int round = 0; round < 2; ++round) {
    for (auto& socket : sockets) boost::asio::write(socket, boost::asio::buffer(request));
    size_t answered = 0;
    for (auto& socket : sockets) {
      boost::asio::streambuf buffer;
      boost::asio::read_until(socket, buffer, "{\"status\":\"ok\"}");
      ++answered;
    }
    EXPECT_EQ(answered, 1000u);
  }
}

}  // namespace
}  // namespace wasmfaas
