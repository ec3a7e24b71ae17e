#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include "common/error.h"
#include "http/http_limits.h"
#include "http/network_thread.h"
#include "http/router.h"
#include "http/session.h"

namespace wasmfaas::http {

struct HttpServerOptions {
  std::string address = "127.0.0.1";
  uint16_t port = 3000;  // 0 picks a free port
  // Half the cores: the network threads only parse and write, execution
  // needs the rest (measured in docs/performance.md).
  size_t io_threads = std::max(1u, std::thread::hardware_concurrency() / 2);
  // Execs of a function whose recent calls all took less than this run on
  // the network thread that read the request (no hand-over to an exec
  // worker); should one run longer, a standby thread serves the other
  // connections after this long. 0 (the default, docs/performance.md):
  // every exec goes to the exec workers.
  std::chrono::microseconds short_call{0};
  HttpLimits limits;
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

  // Stops accepting and drains: idle connections are closed, a request
  // already arriving is still served, and every response from now on says
  // `Connection: close`. Waits up to `drain` for the requests in flight,
  // then closes every connection and joins the I/O threads. Returns the
  // requests that were still in flight when the drain time ran out. A
  // second call only returns that count.
  size_t stop(std::chrono::milliseconds drain);

  // Requests read completely whose response is not yet written.
  size_t in_flight_requests() const { return sessions_.in_flight(); }

  // How many times a standby thread served the connections while a network
  // thread was inside a call longer than HttpServerOptions::short_call.
  uint64_t stand_ins() const;

 private:
  class Listener;

  const HttpServerOptions options_;
  Router& router_;
  boost::asio::io_context io_context_;
  // Keeps the I/O threads running while no operation is pending (a drained
  // server waiting for a call's reply has none) until stop().
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>>
      work_guard_;
  std::shared_ptr<Listener> listener_;
  OpenSessions sessions_;
  // One per network thread while short calls may run on them.
  std::vector<std::unique_ptr<NetworkThread>> network_threads_;
  std::vector<std::thread> threads_;
  bool stopped_ = false;
  size_t abandoned_ = 0;
};

}  // namespace wasmfaas::http
