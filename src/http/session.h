#pragma once

#include <memory>
#include <optional>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "http/http_server.h"
#include "http/router.h"

namespace wasmfaas::http {

// One client connection: reads requests one after another (keep-alive),
// hands each to the Router and writes its response. Lives as long as an
// asynchronous operation holds it; all its handlers run on its strand.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(boost::asio::ip::tcp::socket socket, Router& router, const HttpLimits& limits,
          InFlightRequests& in_flight);
  void start();

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
  size_t body_limit_ = 0;  // the current request's, once its header is read
  Router& router_;
  const HttpLimits& limits_;
  InFlightRequests& in_flight_;
};

}  // namespace wasmfaas::http
