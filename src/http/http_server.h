#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "common/error.h"
#include "http/router.h"

namespace wasmfaas::http {

struct HttpLimits {
  size_t max_header_bytes = 16 * 1024;
  size_t max_body_bytes = 6 * 1024 * 1024;        // exec input and other bodies
  size_t max_upload_bytes = 50 * 1024 * 1024;     // POST /file (the seed's 50 MB)
  std::chrono::seconds idle_timeout{60};          // keep-alive connection between requests
  std::chrono::seconds request_timeout{60};       // reading one request
};

struct HttpServerOptions {
  std::string address = "127.0.0.1";
  uint16_t port = 3000;  // 0 picks a free port
  // Half the cores: the network threads only parse and write, execution
  // needs the rest (measured in docs/performance.md).
  size_t io_threads = std::max(1u, std::thread::hardware_concurrency() / 2);
  HttpLimits limits;
};

// Counts requests between "read completely" and "response written", so that
// shutdown can wait for them. Thread-safe.
class InFlightRequests {
 public:
  void begin() { count_.fetch_add(1); }
  void end() { count_.fetch_sub(1); }
  size_t count() const { return count_.load(); }

 private:
  std::atomic<size_t> count_{0};
};

// HTTP/1.1 server on Boost.Beast: asynchronous I/O on a few threads, keep-
// alive, body limits; each complete request goes to the Router. start() and
// stop() are called from one controlling thread; the rest runs on the I/O
// threads.
class HttpServer {
 public:
  HttpServer(HttpServerOptions options, Router& router);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and starts serving; returns the bound port.
  Result<uint16_t> start();

  // Stops accepting, waits up to `drain` for in-flight requests, then closes
  // every connection and joins the I/O threads. Returns the requests that
  // were still in flight when the drain time ran out. A second call only
  // returns that count.
  size_t stop(std::chrono::milliseconds drain);

  // Requests read completely whose response is not yet written.
  size_t in_flight_requests() const { return in_flight_.count(); }

 private:
  class Listener;

  const HttpServerOptions options_;
  Router& router_;
  boost::asio::io_context io_context_;
  std::shared_ptr<Listener> listener_;
  InFlightRequests in_flight_;
  std::vector<std::thread> threads_;
  bool stopped_ = false;
  size_t abandoned_ = 0;
};

}  // namespace wasmfaas::http
