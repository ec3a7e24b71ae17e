#include "http/http_server.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "http/session.h"

namespace wasmfaas::http {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

// Accepts connections and starts a Session for each. Lives while an accept
// is pending; runs on its own strand.
class HttpServer::Listener : public std::enable_shared_from_this<HttpServer::Listener> {
 public:
  Listener(asio::io_context& io_context, Router& router, const HttpLimits& limits,
           OpenSessions& sessions)
      : io_context_(io_context),
        acceptor_(asio::make_strand(io_context)),
        retry_timer_(acceptor_.get_executor()),
        router_(router),
        limits_(limits),
        sessions_(sessions) {}

  Result<uint16_t> bind(const std::string& address, uint16_t port) {
    boost::system::error_code error;
    const auto ip = asio::ip::make_address(address, error);
    if (error) {
      return make_error(ErrorCode::kInvalidArgument, "invalid listen address '" + address + "'");
    }
    const tcp::endpoint endpoint(ip, port);
    acceptor_.open(endpoint.protocol(), error);
    if (!error) acceptor_.set_option(asio::socket_base::reuse_address(true), error);
    if (!error) acceptor_.bind(endpoint, error);
    if (!error) acceptor_.listen(asio::socket_base::max_listen_connections, error);
    if (error) {
      return make_error(ErrorCode::kUnavailable, "cannot listen on " + address + ":" +
                                                     std::to_string(port) + ": " + error.message());
    }
    return acceptor_.local_endpoint().port();
  }

  void start() { accept(); }

  void close() {
    asio::post(acceptor_.get_executor(), [self = shared_from_this()] {
      boost::system::error_code ignored;
      self->acceptor_.close(ignored);
      self->retry_timer_.cancel();
    });
  }

 private:
  void accept() {
    acceptor_.async_accept(
        asio::make_strand(io_context_),
        [self = shared_from_this()](boost::system::error_code error, tcp::socket socket) {
          self->on_accept(error, std::move(socket));
        });
  }

  void on_accept(boost::system::error_code error, tcp::socket socket) {
    if (error == asio::error::operation_aborted || !acceptor_.is_open()) return;
    if (error) {
      // Out of file descriptors and the like: back off instead of spinning.
      retry_timer_.expires_after(std::chrono::milliseconds(50));
      retry_timer_.async_wait([self = shared_from_this()](boost::system::error_code wait_error) {
        if (!wait_error) self->accept();
      });
      return;
    }
    socket.set_option(tcp::no_delay(true), error);
    std::make_shared<Session>(std::move(socket), router_, limits_, sessions_)->start();
    accept();
  }

  asio::io_context& io_context_;
  tcp::acceptor acceptor_;
  asio::steady_timer retry_timer_;
  Router& router_;
  const HttpLimits& limits_;
  OpenSessions& sessions_;
};

HttpServer::HttpServer(HttpServerOptions options, Router& router)
    : options_(std::move(options)), router_(router) {}

HttpServer::~HttpServer() {
  if (!threads_.empty()) stop(std::chrono::milliseconds(0));
}

Result<uint16_t> HttpServer::start() {
  listener_ = std::make_shared<Listener>(io_context_, router_, options_.limits, sessions_);
  auto port = listener_->bind(options_.address, options_.port);
  if (!port) return port;
  listener_->start();
  work_guard_.emplace(io_context_.get_executor());
  const size_t threads = options_.io_threads > 0 ? options_.io_threads : 1;
  for (size_t i = 0; i < threads; ++i) {
    if (options_.short_call.count() > 0) {
      auto& thread = network_threads_.emplace_back(
          std::make_unique<NetworkThread>(io_context_, options_.short_call));
      threads_.emplace_back([&thread = *thread] { thread.run(); });
    } else {
      threads_.emplace_back([this] { io_context_.run(); });
    }
  }
  return port;
}

uint64_t HttpServer::stand_ins() const {
  uint64_t total = 0;
  for (const auto& thread : network_threads_) total += thread->stand_ins();
  return total;
}

size_t HttpServer::stop(std::chrono::milliseconds drain) {
  if (stopped_) return abandoned_;
  stopped_ = true;
  if (listener_) listener_->close();
  sessions_.drain();
  const auto deadline = std::chrono::steady_clock::now() + drain;
  while (sessions_.in_flight() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  abandoned_ = sessions_.in_flight();
  work_guard_.reset();
  io_context_.stop();
  for (auto& thread : threads_) thread.join();
  threads_.clear();
  network_threads_.clear();
  return abandoned_;
}

}  // namespace wasmfaas::http
