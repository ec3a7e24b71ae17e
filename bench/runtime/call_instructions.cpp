// Instructions per call, for bench/instructions.sh, which counts this
// program's instructions under valgrind (a busy machine cannot blur them).
// Runs a whole wasmfaas server in-process on port 0 over an embedded store,
// deploys hello, then runs four phases, each 50 warm-up calls and then its
// count of calls:
//   healthz       GET /healthz over one keep-alive connection
//   http-exec     POST /exec/bench/hello over one keep-alive connection
//   http-exec-reuse  the same with the function config
//                 {"reuse":{"max_calls":1000}} (skipped, saying so, when the
//                 server refuses that config)
//   instantiate   runtime only: Invocation::start and its release
//   runtime-call  runtime only: Invocation::start, call and release
// The script runs it once with every count at a base and once per phase
// with that phase's count raised: the difference in instructions over the
// difference in calls is that phase's cost per call, set-up excluded. The
// HTTP phases' client runs on the main thread, the server on threads of its
// own (whichever of them runs a call), the runtime phases on the main
// thread. Prints each phase's wall time per call. Not a test.
//   call_instructions <hello.wasm> [<phase>=<calls>...]   (200 calls unless given)
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <unistd.h>

#include "cache/compiled_functions.h"
#include "common/file_util.h"
#include "common/hash.h"
#include "runtime/engine.h"
#include "runtime/invocation.h"
#include "server/server.h"
#include "storage/local/local_store.h"
#include "support/http_client.h"

namespace {

using namespace wasmfaas;

// Calls per phase by name.
using Counts = std::map<std::string, int>;

// Runs `one` 50 times to warm up (the same in every run, so that it cancels
// out), then the phase's count of times.
bool measure(const char* phase, const Counts& counts, const std::function<bool()>& one) {
  for (int i = 0; i < 50; ++i) {
    if (!one()) return false;
  }
  const int calls = counts.at(phase);
  const auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < calls; ++i) {
    if (!one()) return false;
  }
  const std::chrono::duration<double, std::micro> took = std::chrono::steady_clock::now() - started;
  std::printf("phase %s calls=%d wall_us_per_call=%.1f\n", phase, calls,
              took.count() / std::max(calls, 1));
  return true;
}

int run(const std::filesystem::path& wasm, const Counts& calls, const std::filesystem::path& dir) {
  auto bytes = read_file_bytes(wasm);
  if (!bytes) return 1;
  // A small pool: valgrind refuses the default one's address-space
  // reservations (256 instances' memories), and one call at a time needs few.
  runtime::EngineOptions engine_options;
  engine_options.max_instances = 2;
  // Few epoch ticks (the ticker thread's instructions are not a call's).
  engine_options.epoch_tick = std::chrono::milliseconds(200);
  auto engine = runtime::Engine::create(engine_options);
  auto store = storage::LocalStore::open(dir / "data");
  if (!engine || !store) return 1;

  // The server compiles hello at upload into the disk cache; the runtime
  // phases load it from there instead of compiling again.
  server::ServerConfig config;
  config.http.port = 0;
  config.compiled.disk_dir = dir / "code";
  auto server = server::Server::create(config, **store, **engine);
  if (!server) {
    std::fprintf(stderr, "%s\n", server.error().message.c_str());
    return 1;
  }
  auto port = (*server)->start();
  if (!port || !(*server)->deployments().create_bucket("bench") ||
      !(*server)->deployments().upload("bench", "hello", *bytes)) {
    return 1;
  }
  const std::string input = R"({"name":"World"})";
  bool ok;
  {
    testing::HttpClient client(*port);
    ok = measure("healthz", calls, [&] { return client.get("/healthz").status == 200; }) &&
         measure("http-exec", calls,
                 [&] { return client.post("/exec/bench/hello", input).status == 200; });
    if (ok && !(*server)->deployments().upload("bench", "hello-reuse", *bytes)) ok = false;
    const auto config = client.request(boost::beast::http::verb::put, "/config/bench/hello-reuse",
                                       R"({"reuse":{"max_calls":1000}})",
                                       {{"Content-Type", "application/json"}});
    if (ok && config.status != 200) {
      std::printf("phase http-exec-reuse skipped: PUT /config answered %u: %s\n", config.status,
                  config.body.c_str());
    } else if (ok) {
      ok = measure("http-exec-reuse", calls,
                   [&] { return client.post("/exec/bench/hello-reuse", input).status == 200; });
    }
  }
  (*server)->stop(std::chrono::seconds(5));
  server->reset();  // its pool slots (an instance kept for reuse) back to the engine
  if (!ok) return 1;

  auto compiled = cache::CompiledFunctions::create(**engine, {.disk_dir = dir / "code"});
  if (!compiled) return 1;
  const auto function = (*compiled)->find(sha256_hex(*bytes));
  if (!function) return 1;
  ok = measure("instantiate", calls,
               [&] { return runtime::Invocation::start(**engine, *function).has_value(); }) &&
       measure("runtime-call", calls, [&] {
         auto invocation = runtime::Invocation::start(**engine, *function);
         return invocation && invocation->call(input).has_value();
       });
  return ok ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: call_instructions <hello.wasm> [<phase>=<calls>...]\n");
    return 2;
  }
  Counts calls{{"healthz", 200},
               {"http-exec", 200},
               {"http-exec-reuse", 200},
               {"instantiate", 200},
               {"runtime-call", 200}};
  for (int i = 2; i < argc; ++i) {
    const std::string arg = argv[i];
    const auto equals = arg.find('=');
    if (equals == std::string::npos || !calls.contains(arg.substr(0, equals))) {
      std::fprintf(stderr, "unknown phase: %s\n", argv[i]);
      return 2;
    }
    calls[arg.substr(0, equals)] = std::stoi(arg.substr(equals + 1));
  }
  const auto dir =
      std::filesystem::temp_directory_path() / ("call-instructions-" + std::to_string(getpid()));
  const int status = run(argv[1], calls, dir);
  std::filesystem::remove_all(dir);
  if (status != 0) std::fprintf(stderr, "call_instructions failed\n");
  return status;
}
