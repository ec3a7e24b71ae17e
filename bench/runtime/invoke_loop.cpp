// Micro-benchmark of the runtime alone: compiles a component once, then
// starts an Invocation and calls it N times on one thread, and prints the
// mean instantiate and call times. Not a test; run by `make bench`.
//   invoke_loop <component.wasm> <input> [iterations] [--no-guard-pages]
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>

#include "common/file_util.h"
#include "runtime/compiled_function.h"
#include "runtime/engine.h"
#include "runtime/invocation.h"

int main(int argc, char** argv) {
  using namespace wasmfaas;
  if (argc < 3) {
    std::fprintf(stderr,
                 "usage: invoke_loop <component.wasm> <input> [iterations] [--no-guard-pages]\n");
    return 2;
  }
  const int iterations = argc > 3 ? std::stoi(argv[3]) : 10000;
  auto bytes = read_file_bytes(argv[1]);
  runtime::EngineOptions options;
  options.guard_pages = !(argc > 4 && std::strcmp(argv[4], "--no-guard-pages") == 0);
  auto engine = runtime::Engine::create(options);
  if (!bytes || !engine) return 1;
  auto function = (*engine)->compile(*bytes);
  if (!function) {
    std::fprintf(stderr, "%s\n", function.error().message.c_str());
    return 1;
  }
  std::chrono::nanoseconds instantiate{}, call{};
  const auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < iterations; ++i) {
    auto invocation = runtime::Invocation::start(**engine, **function);
    if (!invocation) return 1;
    auto output = invocation->call(argv[2]);
    if (!output) return 1;
    instantiate += invocation->timings().instantiate;
    call += invocation->timings().call;
  }
  const auto total = std::chrono::steady_clock::now() - started;
  const auto per = [&](std::chrono::nanoseconds d) { return d.count() / 1000.0 / iterations; };
  std::printf("iterations %d: instantiate %.1f us, call %.1f us, total per call %.1f us\n",
              iterations, per(instantiate), per(call),
              per(std::chrono::duration_cast<std::chrono::nanoseconds>(total)));
  return 0;
}
