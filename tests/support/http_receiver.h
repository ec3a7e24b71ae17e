#pragma once
// Test support: a small HTTP/1.1 server on 127.0.0.1 (port 0) that records
// each request it reads and answers it as the test says (or never), one
// request per connection. For code that sends HTTP requests out (callbacks).

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace wasmfaas::testing {

struct ReceivedRequest {
  std::string method;
  std::string target;
  std::map<std::string, std::string> headers;  // lowercase names
  std::string body;

  std::string header(const std::string& name) const {
    const auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

struct ReceiverResponse {
  unsigned status = 200;
  std::map<std::string, std::string> headers;
  std::string body;
  bool never_answer = false;  // hold the connection open until the receiver ends
};

// Serves on its own thread from construction to destruction; requests()
// and connections() may be read from any thread meanwhile.
class HttpReceiver {
 public:
  using Responder = std::function<ReceiverResponse(const ReceivedRequest&)>;

  explicit HttpReceiver(Responder responder =
                            [](const ReceivedRequest&) { return ReceiverResponse{}; })
      : responder_(std::move(responder)),
        acceptor_(io_, {boost::asio::ip::make_address("127.0.0.1"), 0}) {
    accept();
    thread_ = std::thread([this] { io_.run(); });
  }
  ~HttpReceiver() {
    io_.stop();
    thread_.join();
  }
  HttpReceiver(const HttpReceiver&) = delete;
  HttpReceiver& operator=(const HttpReceiver&) = delete;

  uint16_t port() const { return acceptor_.local_endpoint().port(); }
  std::string origin() const { return "http://127.0.0.1:" + std::to_string(port()); }
  std::string url(const std::string& path = "/") const { return origin() + path; }

  std::vector<ReceivedRequest> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  size_t connections() const {
    std::lock_guard lock(mutex_);
    return connections_;
  }

 private:
  struct Session {
    explicit Session(boost::asio::ip::tcp::socket socket) : stream(std::move(socket)) {}
    boost::beast::tcp_stream stream;
    boost::beast::flat_buffer buffer;
    boost::beast::http::request<boost::beast::http::string_body> request;
    boost::beast::http::response<boost::beast::http::string_body> response;
  };

  void accept() {
    acceptor_.async_accept(
        [this](boost::system::error_code error, boost::asio::ip::tcp::socket socket) {
          if (error) return;
          {
            std::lock_guard lock(mutex_);
            ++connections_;
          }
          read(std::make_shared<Session>(std::move(socket)));
          accept();
        });
  }

  void read(std::shared_ptr<Session> session) {
    boost::beast::http::async_read(
        session->stream, session->buffer, session->request,
        [this, session](boost::system::error_code error, size_t) {
          if (error) return;
          ReceivedRequest received{std::string(session->request.method_string()),
                                   std::string(session->request.target()),
                                   {},
                                   session->request.body()};
          for (const auto& field : session->request) {
            std::string name(field.name_string());
            for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            received.headers[name] = std::string(field.value());
          }
          {
            std::lock_guard lock(mutex_);
            requests_.push_back(received);
          }
          const ReceiverResponse answer = responder_(received);
          if (answer.never_answer) {
            held_.push_back(session);  // only this thread touches held_
            return;
          }
          session->response.result(answer.status);
          session->response.version(11);
          for (const auto& [name, value] : answer.headers) session->response.set(name, value);
          session->response.body() = answer.body;
          session->response.keep_alive(false);
          session->response.prepare_payload();
          boost::beast::http::async_write(
              session->stream, session->response, [session](boost::system::error_code, size_t) {
                boost::system::error_code ignored;
                session->stream.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both,
                                                  ignored);
              });
        });
  }

  Responder responder_;
  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::vector<std::shared_ptr<Session>> held_;
  mutable std::mutex mutex_;
  std::vector<ReceivedRequest> requests_;
  size_t connections_ = 0;
  std::thread thread_;
};

}  // namespace wasmfaas::testing
