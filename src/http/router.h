#pragma once

#include <functional>
#include <memory>
#include <string>

#include "api/function_service.h"
#include "http/http_types.h"
#include "http/request_target.h"
#include "http/worker_pool.h"

namespace wasmfaas::http {

// Maps the seed's HTTP API onto FunctionService: parses targets, bodies and
// query parameters, picks the worker pool (exec vs. storage work; health
// answers inline) and renders JSON. Thread-safe; shared by all sessions.
class Router {
 public:
  using Reply = std::function<void(Response)>;

  Router(api::FunctionService& service, WorkerPool& exec_pool, WorkerPool& storage_pool);

  // Answers `request` through `reply` exactly once, possibly on a pool
  // thread. A full pool answers 503 with Retry-After.
  void dispatch(Request request, Reply reply);

  // Uploads get the larger body limit and must declare their length.
  static bool is_upload(const Request& request);

 private:
  Response handle_bucket(const Request& request, const RequestTarget& target);
  Response handle_file(const Request& request, const RequestTarget& target);
  Response handle_upload(const Request& request, const std::string& bucket,
                         const std::string& key);
  Response handle_exec(const Request& request, const RequestTarget& target);
  void run_on(WorkerPool& pool, std::shared_ptr<Request> request, RequestTarget target,
              Response (Router::*handler)(const Request&, const RequestTarget&), Reply reply);

  api::FunctionService& service_;
  WorkerPool& exec_pool_;
  WorkerPool& storage_pool_;
};

}  // namespace wasmfaas::http
