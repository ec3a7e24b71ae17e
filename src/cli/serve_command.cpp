#include "cli/serve_command.h"

#include <signal.h>
#include <sys/resource.h>

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <iostream>
#include <optional>
#include <thread>
#include <nlohmann/json.hpp>

#include <boost/asio/ip/address.hpp>

#include "runtime/engine.h"
#include "server/bootstrap.h"
#include "state/open_state_database.h"
#include "storage/local/local_store.h"

namespace wasmfaas::cli {
namespace {

// Examples up to this size are deployed before the server starts serving.
constexpr uint64_t kDeployBeforeServingBytes = 1 << 20;

int fail(const std::string& what, const Error& error) {
  std::cerr << "wasmfaas serve: " << what << ": " << error.message << "\n";
  return 1;
}

// Splits "host:port" ("[::1]:3000" for IPv6).
Result<std::pair<std::string, uint16_t>> parse_listen(const std::string& listen) {
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon + 1 == listen.size()) {
    return make_error(ErrorCode::kInvalidArgument,
                      "--listen must be HOST:PORT, e.g. 127.0.0.1:3000, not '" + listen + "'");
  }
  std::string host = listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  try {
    const unsigned long port = std::stoul(listen.substr(colon + 1));
    if (port > 65535) throw std::out_of_range("port");
    return std::make_pair(host, static_cast<uint16_t>(port));
  } catch (const std::exception&) {
    return make_error(ErrorCode::kInvalidArgument, "--listen has an invalid port: '" + listen + "'");
  }
}

bool is_loopback(const std::string& host) {
  boost::system::error_code error;
  const auto address = boost::asio::ip::make_address(host, error);
  if (error) return host == "localhost";
  return address.is_loopback();
}

// A server reachable from other machines must not run without tokens:
// anyone could deploy and run code on it.
Result<void> check_exposure(const ServeCommandOptions& options) {
  if (!options.config.access.tokens.empty() || options.insecure ||
      is_loopback(options.config.http.address)) {
    return {};
  }
  return make_error(ErrorCode::kInvalidArgument,
                    "listening on " + options.config.http.address +
                        " (not loopback) without API tokens would let anyone deploy and run "
                        "code; configure tokens (wasmfaas token create) or pass --insecure");
}

// Many keep-alive clients need many descriptors: lift the soft limit.
void raise_open_file_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

Result<std::unique_ptr<storage::ObjectStore>> open_store(ServeCommandOptions& options) {
  if (options.store == "local") {
    auto local = storage::LocalStore::open(options.data_dir);
    if (!local) return std::unexpected(local.error());
    return std::unique_ptr<storage::ObjectStore>(std::move(*local));
  }
  if (options.store == "s3") {
    auto s3 = storage::S3Store::open(options.s3);
    if (!s3) return std::unexpected(s3.error());
    return std::unique_ptr<storage::ObjectStore>(std::move(*s3));
  }
  return make_error(ErrorCode::kInvalidArgument,
                    "--store must be 'local' or 's3', not '" + options.store + "'");
}

}  // namespace

int serve(ServeCommandOptions options) {
  // Block the stop signals in every thread; this one waits for them below.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);
  raise_open_file_limit();

  auto listen = parse_listen(options.listen);
  if (!listen) return fail("bad flag", listen.error());
  options.config.http.address = listen->first;
  options.config.http.port = listen->second;

  // JSON lines on stderr; each message is a whole JSON object.
  auto log = std::make_shared<spdlog::logger>(
      "wasmfaas", std::make_shared<spdlog::sinks::stderr_sink_mt>());
  log->set_pattern("%v");
  log->set_level(spdlog::level::from_str(options.log_level));
  options.config.log = log;
  if (options.log_function_output) options.config.execution.reporting.output_log = log.get();
  options.config.execution.reporting.event_log = log.get();

  if (auto allowed = check_exposure(options); !allowed) {
    return fail("refusing to start", allowed.error());
  }
  if (options.config.access.tokens.empty()) {
    log->warn(nlohmann::json{{"level", "warn"},
                             {"type", "startup"},
                             {"message", "authentication is off: anyone who can reach " +
                                             options.listen +
                                             " can deploy and run code; configure API tokens "
                                             "with `wasmfaas token create`"}}
                  .dump());
  }

  auto store = open_store(options);
  if (!store) return fail("cannot open the store", store.error());
  if (!options.cache_dir.empty()) options.config.compiled.disk_dir = options.cache_dir;
  auto engine = runtime::Engine::create(options.engine);
  if (!engine) return fail("cannot create the engine", engine.error());

  auto state = state::open_state_database(options.state, options.data_dir);
  if (!state) return fail("cannot open the state database", state.error());

  auto created = server::Server::create(options.config, **store, **engine, state->get());
  if (!created) return fail("cannot set up the server", created.error());
  server::Server& server = **created;
  // First start: small examples (C, Rust, C++: fast to compile) before
  // serving, the large ones (Go, JavaScript, Python: seconds each) in the
  // background once the server is up.
  std::optional<server::FirstStartDeployment> deployment;
  if (options.deploy_dir) {
    auto prepared = server::FirstStartDeployment::prepare(server.deployments(), "functions",
                                                          *options.deploy_dir);
    if (!prepared) return fail("cannot deploy the example functions", prepared.error());
    deployment = std::move(*prepared);
    auto deployed = deployment->deploy(server.deployments(), kDeployBeforeServingBytes);
    if (!deployed) return fail("cannot deploy the example functions", deployed.error());
    if (*deployed > 0) {
      std::cerr << "wasmfaas: deployed " << *deployed << " functions from "
                << options.deploy_dir->string() << " into bucket 'functions'"
                << (deployment->remaining() ? ", " + std::to_string(deployment->remaining()) +
                                                  " larger ones follow in the background"
                                            : std::string())
                << "\n";
    }
  }
  auto port = server.start();
  if (!port) return fail("cannot start", port.error());
  std::cerr << "wasmfaas: serving on http://" << options.config.http.address << ":" << *port
            << " (store: "
            << (options.store == "s3" ? "s3 " + options.s3.endpoint : options.data_dir.string())
            << ", state: " << (*state)->kind() << ")" << std::endl;

  std::jthread background_deploy;
  if (deployment && deployment->remaining() > 0) {
    background_deploy = std::jthread([&server, &deployment](std::stop_token stop) {
      auto deployed = deployment->deploy(server.deployments(), UINT64_MAX, stop);
      if (deployed) {
        std::cerr << "wasmfaas: deployed the remaining " << *deployed << " example functions"
                  << std::endl;
      } else {
        std::cerr << "wasmfaas: cannot deploy the example functions: "
                  << deployed.error().message << std::endl;
      }
    });
  }

  int received = 0;
  sigwait(&stop_signals, &received);
  server.begin_shutdown();
  const char* signal_name = received == SIGINT ? "SIGINT" : "SIGTERM";
  if (options.shutdown_delay_ms > 0) {
    std::cerr << "wasmfaas: " << signal_name << ", not ready; serving for "
              << options.shutdown_delay_ms << " ms before draining" << std::endl;
    const timespec delay{static_cast<time_t>(options.shutdown_delay_ms / 1000),
                         static_cast<long>(options.shutdown_delay_ms % 1000) * 1000000L};
    if (sigtimedwait(&stop_signals, nullptr, &delay) > 0) {
      std::cerr << "wasmfaas: second signal, shutdown delay cut short" << std::endl;
    }
  }
  std::cerr << "wasmfaas: " << signal_name << ", draining in-flight requests" << std::endl;
  const size_t abandoned = server.stop(std::chrono::seconds(options.drain_seconds));
  std::cerr << "wasmfaas: stopped" << (abandoned ? " with requests still running" : "")
            << std::endl;
  return 0;
}

}  // namespace wasmfaas::cli
