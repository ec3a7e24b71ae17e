#pragma once
// Test support: a real S3 server (versitygw, POSIX backend with versioning)
// started on a free loopback port with generated credentials, stopped with
// the object. The binary comes from the set-up (WASMFAAS_VERSITYGW).

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "common/hash.h"
#include "storage/s3/http_client.h"
#include "storage/s3/s3_store.h"
#include "storage/s3/sigv4.h"
#include "support/child_process.h"
#include "support/free_port.h"
#include "support/temp_dir.h"

namespace wasmfaas::testing {

class VersityGateway {
 public:
  VersityGateway()
      : port_(free_port()), access_key_("AK" + random_hex(8)), secret_key_(random_hex(20)) {
    for (const char* sub : {"root", "versions", "meta"}) {
      std::filesystem::create_directories(dir_.path() / sub);
    }
    start();
  }
  ~VersityGateway() { stop(); }

  void start() {
    // Its chatter goes to a file in its directory, not the test output.
    pid_ = spawn_logged(
        ExecArguments({WASMFAAS_VERSITYGW, "--port", "127.0.0.1:" + std::to_string(port_),
                       "--access", access_key_, "--secret", secret_key_, "--region", "us-east-1",
                       "--quiet", "posix", "--versioning-dir", (dir_.path() / "versions").string(),
                       "--sidecar", (dir_.path() / "meta").string(), (dir_.path() / "root").string()},
                      {}),
        dir_.path() / "versitygw.log");
    // Ready when it accepts connections.
    for (int attempt = 0; attempt < 500; ++attempt) {
      boost::asio::io_context io_context;
      boost::asio::ip::tcp::socket socket(io_context);
      boost::system::error_code error;
      socket.connect({boost::asio::ip::make_address("127.0.0.1"), port_}, error);
      if (!error) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    throw std::runtime_error("versitygw did not start");
  }

  void stop() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
  }

  storage::S3Config config() const {
    storage::S3Config config;
    config.endpoint = "http://127.0.0.1:" + std::to_string(port_);
    config.region = "us-east-1";
    config.credentials = {access_key_, secret_key_, ""};
    config.connect_timeout = std::chrono::milliseconds(500);
    config.request_timeout = std::chrono::milliseconds(5000);
    return config;
  }

  // The environment of a `wasmfaas serve --store s3` on this store.
  std::vector<std::string> serve_environment() const {
    const storage::S3Config s3 = config();
    return {"AWS_ENDPOINT_URL=" + s3.endpoint, "AWS_REGION=" + s3.region,
            "AWS_ACCESS_KEY_ID=" + s3.credentials.access_key_id,
            "AWS_SECRET_ACCESS_KEY=" + s3.credentials.secret_access_key, "AWS_SESSION_TOKEN="};
  }

  std::unique_ptr<storage::S3Store> open_store() const {
    return std::move(*storage::S3Store::open(config()));
  }

  // Creates a bucket as another S3 tool would, without versioning (which
  // S3Store turns on for the buckets it creates). Returns the HTTP status.
  long create_bucket_without_versioning(const std::string& bucket) const {
    const std::string host = "127.0.0.1:" + std::to_string(port_);
    storage::s3::SigningRequest signing{"PUT", "/" + bucket, {}, {{"host", host}},
                                        sha256_hex(std::string_view())};
    const auto signature = storage::s3::sign_headers(
        signing, {access_key_, secret_key_, ""}, {.region = "us-east-1"},
        std::chrono::system_clock::now());
    storage::s3::HttpClient client({std::chrono::milliseconds(500), std::chrono::seconds(5)});
    storage::s3::HttpRequest request{"PUT", "http://" + host + "/" + bucket, signature.additions,
                                     {}};
    auto response = client.send(request);
    return response ? response->status : 0;
  }

 private:
  TempDir dir_;
  uint16_t port_;
  std::string access_key_;
  std::string secret_key_;
  pid_t pid_ = -1;
};

}  // namespace wasmfaas::testing
