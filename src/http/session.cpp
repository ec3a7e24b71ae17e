#include "http/session.h"

#include <algorithm>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "common/hash.h"
#include "http/error_response.h"

namespace wasmfaas::http {
namespace {

namespace beast = boost::beast;
using beast_http::field;

// An X-Request-Id a load balancer or client sent, if it is one a log line
// and a response header can carry as it is: 1 to 128 characters of letters,
// digits and `-_.:+/=@`. Otherwise empty, and the server makes its own.
std::string accepted_request_id(std::string_view given) {
  constexpr size_t kMaxLength = 128;
  if (given.empty() || given.size() > kMaxLength) return {};
  const bool clean = std::all_of(given.begin(), given.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::string_view("-_.:+/=@").find(c) != std::string_view::npos;
  });
  return clean ? std::string(given) : std::string();
}

bool is_bad_request(const beast::error_code& error) {
  return error.category() == beast_http::make_error_code(beast_http::error::bad_target).category();
}

}  // namespace

void OpenSessions::add(const std::shared_ptr<Session>& session) {
  std::lock_guard lock(mutex_);
  sessions_.emplace(session.get(), session);
}

void OpenSessions::remove(const Session* session) {
  std::lock_guard lock(mutex_);
  sessions_.erase(session);
}

void OpenSessions::drain() {
  draining_.store(true);
  std::vector<std::shared_ptr<Session>> open;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [key, session] : sessions_) {
      if (auto alive = session.lock()) open.push_back(std::move(alive));
    }
  }
  for (const auto& session : open) session->close_if_idle();
}

Session::Session(boost::asio::ip::tcp::socket socket, Router& router, const HttpLimits& limits,
                 OpenSessions& sessions)
    : stream_(std::move(socket)), router_(router), limits_(limits), sessions_(sessions) {}

Session::~Session() { sessions_.remove(this); }

void Session::start() {
  sessions_.add(shared_from_this());
  boost::asio::dispatch(stream_.get_executor(),
                        [self = shared_from_this()] { self->read_header(); });
}

void Session::close_if_idle() {
  boost::asio::dispatch(stream_.get_executor(), [self = shared_from_this()] {
    if (self->awaiting_request_ && self->buffer_.size() == 0) self->close();
  });
}

void Session::read_header() {
  if (sessions_.draining() && buffer_.size() == 0) return close();
  awaiting_request_ = buffer_.size() == 0;
  parser_.emplace();
  parser_->header_limit(static_cast<uint32_t>(limits_.max_header_bytes));
  // No body limit while the header is read: on_header compares a declared
  // Content-Length with the route's limit and names both in its 413.
  parser_->body_limit(boost::none);
  stream_.expires_after(limits_.idle_timeout);
  beast_http::async_read_header(
      stream_, buffer_, *parser_,
      [self = shared_from_this()](beast::error_code error, size_t) { self->on_header(error); });
}

void Session::on_header(beast::error_code error) {
  awaiting_request_ = false;
  request_id_ = parser_->is_header_done() ? accepted_request_id(parser_->get()["X-Request-Id"])
                                          : std::string();
  if (request_id_.empty()) request_id_ = random_hex(8);
  if (error == beast_http::error::header_limit) {
    return reply_and_close(
        error_response(Error{ErrorCode::kHeadersTooLarge, "request headers are too large"}, 11));
  }
  if (error) return on_read_error(error);
  const Request& header = parser_->get();
  const bool upload = router_.is_upload(header);
  const size_t limit = upload ? limits_.max_upload_bytes : limits_.max_body_bytes;
  const auto declared = parser_->content_length();
  if (declared && *declared > limit) {
    return reply_and_close(error_response(
        Error{ErrorCode::kPayloadTooLarge, "request body of " + std::to_string(*declared) +
                                               " bytes is over the limit of " +
                                               std::to_string(limit) + " bytes"},
        header.version()));
  }
  if (upload && !declared && !parser_->chunked()) {
    return reply_and_close(error_response(
        Error{ErrorCode::kLengthRequired, "an upload needs Content-Length or chunked encoding"},
        header.version()));
  }
  parser_->body_limit(limit);
  body_limit_ = limit;
  stream_.expires_after(limits_.request_timeout);

  auto read_body = [self = shared_from_this()] {
    beast_http::async_read(
        self->stream_, self->buffer_, *self->parser_,
        [self](beast::error_code body_error, size_t) { self->on_body(body_error); });
  };
  if (beast::iequals(header[field::expect], "100-continue")) {
    auto interim = std::make_shared<beast_http::response<beast_http::empty_body>>(
        beast_http::status::continue_, header.version());
    beast_http::async_write(
        stream_, *interim,
        [self = shared_from_this(), interim, read_body](beast::error_code write_error, size_t) {
          if (write_error) return self->close();
          read_body();
        });
    return;
  }
  read_body();
}

void Session::on_body(beast::error_code error) {
  if (error == beast_http::error::body_limit) {
    // A chunked body that grew past the route's limit while it was read.
    return reply_and_close(error_response(
        Error{ErrorCode::kPayloadTooLarge,
              "request body is over the limit of " + std::to_string(body_limit_) + " bytes"},
        11));
  }
  if (error) return on_read_error(error);
  sessions_.request_began();
  Request request = parser_->release();
  const bool keep_alive = request.keep_alive();
  router_.dispatch(std::move(request), request_id_,
                   [self = shared_from_this(), keep_alive](Response response) {
                     response.keep_alive(keep_alive);
                     // On the session's own strand (a call answered on the
                     // network thread) the write starts at once, before the
                     // router releases what the call left behind.
                     boost::asio::dispatch(self->stream_.get_executor(),
                                       [self, response = std::move(response)]() mutable {
                                         self->write(std::move(response), true);
                                       });
                   });
}

void Session::on_read_error(beast::error_code error) {
  // A parse error deserves an answer; a closed, reset or timed-out
  // connection does not.
  if (is_bad_request(error) && error != beast_http::error::end_of_stream &&
      error != beast_http::error::partial_message) {
    return reply_and_close(error_response(
        Error{ErrorCode::kInvalidArgument, "malformed HTTP request: " + error.message()}, 11));
  }
  close();
}

void Session::reply_and_close(Response response) {
  response.keep_alive(false);
  write(std::move(response), false);
}

void Session::write(Response response, bool counted) {
  response_ = std::move(response);
  if (sessions_.draining()) response_->keep_alive(false);
  response_->set(field::server, "wasmfaas");
  response_->set("X-Request-Id", request_id_);
  response_->prepare_payload();
  const bool close_after = !response_->keep_alive();
  stream_.expires_after(limits_.request_timeout);
  beast_http::async_write(
      stream_, *response_,
      [self = shared_from_this(), close_after, counted](beast::error_code error, size_t) {
        self->on_written(error, close_after, counted);
      });
}

void Session::on_written(beast::error_code error, bool close_after, bool counted) {
  if (counted) sessions_.request_ended();
  response_.reset();
  if (error || close_after) return close();
  read_header();
}

void Session::close() {
  beast::error_code ignored;
  stream_.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_send, ignored);
  stream_.close();
}

}  // namespace wasmfaas::http
