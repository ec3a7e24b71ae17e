// wasi:http from inside the sandbox, end to end against the versitygw the
// test starts: the s3 example lists a bucket when its endpoint is allowed,
// is denied with an empty allow-list, can never reach a metadata address,
// and gives up on a server that accepts and never answers within its limit.
#include <gtest/gtest.h>

#include <future>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/http.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "support/components.h"
#include "support/http_client.h"
#include "support/log_capture.h"
#include "support/temp_dir.h"
#include "support/test_server.h"

namespace wasmfaas {
namespace {

using nlohmann::json;
using testing::HttpClient;
using testing::HttpResult;
using testing::load_component_text;
using testing::StoreKind;
using testing::TestServer;

std::vector<uint8_t> bytes_of(std::string_view text) { return {text.begin(), text.end()}; }

class OutboundHttpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    storage::S3Store& s3 = *server_.s3_store();
    ASSERT_TRUE(s3.create_bucket("data"));
    ASSERT_TRUE(s3.put_object("data", "a.txt", bytes_of("abc")));
    ASSERT_TRUE(s3.put_object("data", "dir/b.bin", bytes_of("12345")));
    ASSERT_EQ(client_.put("/bucket/functions").status, 201);
    ASSERT_EQ(client_.post("/file/functions/s3", load_component_text("rust-s3"), "application/wasm")
                  .status,
              201);
  }

  // A config pointing the s3 example at `endpoint` with the gateway's keys.
  json config_for(const std::string& endpoint, json allowed_hosts) {
    const storage::S3Config gateway = server_.gateway()->config();
    return {{"allowed_hosts", std::move(allowed_hosts)},
            {"env",
             {{"AWS_ENDPOINT_URL", endpoint},
              {"AWS_REGION", gateway.region},
              {"AWS_ACCESS_KEY_ID", gateway.credentials.access_key_id},
              {"AWS_SECRET_ACCESS_KEY", gateway.credentials.secret_access_key}}}};
  }

  void configure(const json& config) {
    const HttpResult put = client_.request(boost::beast::http::verb::put, "/config/functions/s3",
                                           config.dump(), {{"Content-Type", "application/json"}});
    ASSERT_EQ(put.status, 200) << put.body;
  }

  json list_data(std::string* request_id = nullptr) {
    const HttpResult result = client_.post("/exec/functions/s3", R"({"bucket":"data"})");
    EXPECT_EQ(result.status, 200) << result.body;
    if (request_id) *request_id = result.header("x-request-id");
    return json::parse(result.body);
  }

  // The server's event log, where refused outgoing requests are written.
  static server::ServerConfig config_with_event_log(spdlog::logger* events) {
    server::ServerConfig config;
    config.execution.reporting.event_log = events;
    return config;
  }

  std::string endpoint() { return server_.gateway()->config().endpoint; }

  std::ostringstream events_;
  std::shared_ptr<spdlog::logger> event_log_ = testing::logger_into(events_);
  TestServer server_{StoreKind::kS3, config_with_event_log(event_log_.get())};
  HttpClient client_{server_.port()};
};

TEST_F(OutboundHttpTest, TheS3ExampleListsABucketWhenItsEndpointIsAllowed) {
  configure(config_for(endpoint(), json::array({endpoint()})));
  const json answer = list_data();
  EXPECT_EQ(answer, json::parse(R"({"success":true,"files":[{"name":"a.txt","size":3},)"
                                R"({"name":"dir/b.bin","size":5}]})"));
}

TEST_F(OutboundHttpTest, WithAnEmptyAllowListTheRequestIsDenied) {
  configure(config_for(endpoint(), json::array()));
  std::string request_id;
  const json answer = list_data(&request_id);
  EXPECT_EQ(answer["success"], false);
  EXPECT_NE(answer["error"].get<std::string>().find("HTTP-request-denied"), std::string::npos)
      << answer;
  // The denial is logged with the call's request id.
  std::istringstream lines(events_.str());
  std::string line;
  bool logged = false;
  while (std::getline(lines, line)) {
    const json event = json::parse(line);
    if (event.value("request_id", "") != request_id) continue;
    logged = true;
    EXPECT_EQ(event["type"], "outbound_request_denied");
    EXPECT_EQ(event["function"], "functions/s3");
    EXPECT_NE(event["message"].get<std::string>().find(endpoint().substr(7)), std::string::npos)
        << line;
  }
  EXPECT_TRUE(logged) << events_.str();
}

TEST_F(OutboundHttpTest, AnotherPortOfAnAllowedHostIsDenied) {
  configure(config_for(endpoint(), json::array({"http://127.0.0.1:1"})));
  EXPECT_NE(list_data()["error"].get<std::string>().find("HTTP-request-denied"),
            std::string::npos);
}

TEST_F(OutboundHttpTest, MetadataAndLinkLocalAddressesAreRefusedEvenWhenAllowed) {
  for (const std::string target : {"http://169.254.169.254", "http://[fd00:ec2::254]"}) {
    configure(config_for(target, json::array({target})));
    const json answer = list_data();
    EXPECT_EQ(answer["success"], false) << target;
    EXPECT_NE(answer["error"].get<std::string>().find("destination-IP-prohibited"),
              std::string::npos)
        << target << ": " << answer;
  }
}

TEST_F(OutboundHttpTest, HttpsRefusesAServerWhoseCertificateNoRootVouchesFor) {
  // An HTTPS server with a self-signed certificate: the function's request
  // goes out over TLS and fails in the handshake (only the public web PKI's
  // roots are trusted), rather than reaching the server or going in clear.
  testing::TempDir dir;
  const std::string cert = (dir.path() / "cert.pem").string();
  const std::string key = (dir.path() / "key.pem").string();
  const std::string make_certificate =
      "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 -keyout " + key +
      " -out " + cert + " >/dev/null 2>&1";
  ASSERT_EQ(std::system(make_certificate.c_str()), 0);
  namespace ssl = boost::asio::ssl;
  using boost::asio::ip::tcp;
  boost::asio::io_context io;
  ssl::context tls(ssl::context::tls_server);
  tls.use_certificate_chain_file(cert);
  tls.use_private_key_file(key, ssl::context::pem);
  tcp::acceptor acceptor(io, tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
  const std::string target =
      "https://127.0.0.1:" + std::to_string(acceptor.local_endpoint().port());
  std::atomic<bool> handshake_failed{false};
  std::atomic<bool> request_read{false};
  // Set once the server side has seen the handshake end, either way.
  std::promise<void> handshake_over;
  ssl::stream<tcp::socket> stream(io, tls);
  acceptor.async_accept(stream.lowest_layer(), [&](boost::system::error_code accepted) {
    if (accepted) return;
    stream.async_handshake(ssl::stream_base::server, [&](boost::system::error_code shaken) {
      // Only if the client trusted the certificate is there a request.
      (shaken ? handshake_failed : request_read) = true;
      handshake_over.set_value();
    });
  });
  std::thread server([&] { io.run_for(std::chrono::seconds(20)); });

  configure(config_for(target, json::array({target})));
  const json answer = list_data();
  // The client may have its answer before the server side has processed
  // the alert that ended the handshake: wait for that side too (bounded).
  const bool over = handshake_over.get_future().wait_for(std::chrono::seconds(15)) ==
                    std::future_status::ready;
  io.stop();
  server.join();
  EXPECT_TRUE(over);
  EXPECT_EQ(answer["success"], false) << answer;
  std::string error = answer.value("error", "");
  std::transform(error.begin(), error.end(), error.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  EXPECT_NE(error.find("tls"), std::string::npos) << answer;
  EXPECT_TRUE(handshake_failed.load());
  EXPECT_FALSE(request_read.load());
}

TEST_F(OutboundHttpTest, AStalledServerTimesOutWithinItsLimit) {
  // Listens (the kernel completes connections) and never answers.
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor stalled(
      io, boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
  const std::string target =
      "http://127.0.0.1:" + std::to_string(stalled.local_endpoint().port());
  json config = config_for(target, json::array({target}));
  config["http_first_byte_timeout_ms"] = 500;
  configure(config);
  const auto started = std::chrono::steady_clock::now();
  const json answer = list_data();
  const auto elapsed = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(answer["success"], false);
  EXPECT_NE(answer["error"].get<std::string>().find("connection-read-timeout"), std::string::npos)
      << answer;
  EXPECT_GE(elapsed, std::chrono::milliseconds(450));
  EXPECT_LT(elapsed, std::chrono::milliseconds(3000));
}

}  // namespace
}  // namespace wasmfaas
