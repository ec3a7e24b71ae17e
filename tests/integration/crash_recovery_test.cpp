// SIGKILL during uploads: after a restart no partial object is visible and
// every earlier version is intact.
#include <gtest/gtest.h>

#include <boost/asio/write.hpp>
#include <nlohmann/json.hpp>
#include <string>

#include "support/components.h"
#include "support/http_client.h"
#include "support/server_process.h"
#include "support/temp_dir.h"

namespace wasmfaas {
namespace {

using nlohmann::json;
using testing::HttpClient;
using testing::load_component_text;
using testing::ServerProcess;
using testing::TempDir;

// Opens a connection and sends an upload's headers and the first `sent`
// bytes of `body` (all of it when `sent` is npos); returns the open stream.
std::unique_ptr<boost::beast::tcp_stream> start_upload(boost::asio::io_context& io_context,
                                                       uint16_t port, const std::string& body,
                                                       size_t sent) {
  auto stream = std::make_unique<boost::beast::tcp_stream>(io_context);
  stream->connect(boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port));
  const std::string head = "POST /file/crash/f HTTP/1.1\r\nHost: x\r\nContent-Type: application/wasm\r\n"
                           "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
  boost::asio::write(*stream, boost::asio::buffer(head));
  boost::asio::write(*stream, boost::asio::buffer(body.data(), std::min(sent, body.size())));
  return stream;
}

class CrashRecoveryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ServerProcess server(dir_.path());
    HttpClient client(server.port());
    ASSERT_EQ(client.put("/bucket/crash").status, 201);
    v1_ = json::parse(client.post("/file/crash/f", hello_, "application/wasm").body)["version"];
    v2_ = json::parse(client.post("/file/crash/f", fibonacci_, "application/wasm").body)["version"];
  }

  // Restarts on the same data directory and checks what survived.
  void expect_store_intact() {
    ServerProcess restarted(dir_.path());
    HttpClient client(restarted.port());
    EXPECT_EQ(client.get("/file/crash/f?version=" + v1_).body, hello_);
    EXPECT_EQ(client.get("/file/crash/f?version=" + v2_).body, fibonacci_);
    const json versions = json::parse(client.get("/file/crash/f?versions").body)["versions"];
    ASSERT_GE(versions.size(), 2u);
    // Whatever is listed is whole: each version is one of the complete uploads.
    for (const auto& version : versions) {
      const std::string body =
          client.get("/file/crash/f?version=" + version["version"].get<std::string>()).body;
      EXPECT_TRUE(body == hello_ || body == fibonacci_) << "partial version of " << body.size();
      EXPECT_EQ(version["size"], body.size());
    }
    EXPECT_TRUE(std::filesystem::is_empty(dir_.path() / "tmp"));
    EXPECT_EQ(client.post("/exec/crash/f?version=" + v2_, R"({"n":7})").body, R"({"result":34})");
  }

  TempDir dir_;
  const std::string hello_ = load_component_text("hello");
  const std::string fibonacci_ = load_component_text("fibonacci");
  std::string v1_;
  std::string v2_;
};

TEST_F(CrashRecoveryTest, KilledWhileReceivingTheBody) {
  {
    ServerProcess server(dir_.path());
    boost::asio::io_context io_context;
    auto upload = start_upload(io_context, server.port(), hello_, hello_.size() / 2);
    // The server is mid-body: it answered nothing yet. Kill it.
    server.kill_now();
  }
  expect_store_intact();
  ServerProcess restarted(dir_.path());
  HttpClient client(restarted.port());
  EXPECT_EQ(json::parse(client.get("/file/crash/f?versions").body)["versions"].size(), 2u);
}

TEST_F(CrashRecoveryTest, KilledRightAfterTheWholeBodyArrived) {
  for (int round = 0; round < 3; ++round) {
    ServerProcess server(dir_.path());
    boost::asio::io_context io_context;
    auto upload = start_upload(io_context, server.port(), hello_, std::string::npos);
    // Validating, compiling or writing: somewhere in the middle. Kill it.
    server.kill_now();
  }
  expect_store_intact();
}

}  // namespace
}  // namespace wasmfaas
