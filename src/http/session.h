#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "http/http_limits.h"
#include "http/router.h"

namespace wasmfaas::http {

class Session;

// What the sessions of one server share: the requests in flight (a
// shutdown waits for them), whether the server drains, and the open
// sessions, so that a drain can close the idle ones. Thread-safe.
class OpenSessions {
 public:
  void add(const std::shared_ptr<Session>& session);
  void remove(const Session* session);

  // From now on every response says `Connection: close` and no further
  // request is read on a connection; connections waiting idle for their
  // next request are closed now.
  void drain();
  bool draining() const { return draining_.load(std::memory_order_relaxed); }

  // Requests read completely whose response is not yet written.
  void request_began() { in_flight_.fetch_add(1); }
  void request_ended() { in_flight_.fetch_sub(1); }
  size_t in_flight() const { return in_flight_.load(); }

 private:
  std::atomic<size_t> in_flight_{0};
  std::atomic<bool> draining_{false};
  std::mutex mutex_;
  std::unordered_map<const Session*, std::weak_ptr<Session>> sessions_;
};

// One client connection: reads requests one after another (keep-alive),
// hands each to the Router and writes its response. Lives as long as an
// asynchronous operation holds it; all its handlers run on its strand.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(boost::asio::ip::tcp::socket socket, Router& router, const HttpLimits& limits,
          OpenSessions& sessions);
  ~Session();
  void start();
  // Closes the connection if it waits for a request of which nothing has
  // arrived (on the session's strand).
  void close_if_idle();

 private:
  void read_header();
  void on_header(boost::beast::error_code error);
  void on_body(boost::beast::error_code error);
  void on_read_error(boost::beast::error_code error);
  void reply_and_close(Response response);
  void write(Response response, bool counted);
  void on_written(boost::beast::error_code error, bool close, bool counted);
  void close();

  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  std::optional<beast_http::request_parser<beast_http::string_body>> parser_;
  std::optional<Response> response_;
  std::string request_id_;
  bool awaiting_request_ = false;  // reading a header of which nothing has arrived yet
  size_t body_limit_ = 0;  // the current request's, once its header is read
  Router& router_;
  const HttpLimits& limits_;
  OpenSessions& sessions_;
};

}  // namespace wasmfaas::http
