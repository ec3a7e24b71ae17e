// Latency of the state database's operations, one thread at a time, and
// the rate of increments of one key from 8 threads.
//   state_ops <setting> <data dir> [operations, default 2000]
// <setting> as open_state_database takes it ("" or sqlite, sqlite:<file>,
// postgres://...).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "state/open_state_database.h"

using namespace wasmfaas::state;
using Clock = std::chrono::steady_clock;

namespace {

// Runs `operation(i)` for i in [0, count) and prints microseconds per call.
void measure(const char* kind, const char* name, int count,
             const std::function<bool(int)>& operation) {
  const auto start = Clock::now();
  for (int index = 0; index < count; ++index) {
    if (!operation(index)) {
      std::fprintf(stderr, "%s %s failed at %d\n", kind, name, index);
      std::exit(1);
    }
  }
  const double micros =
      std::chrono::duration<double, std::micro>(Clock::now() - start).count() / count;
  std::printf("%-8s %-22s %8.1f us/op\n", kind, name, micros);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: state_ops <setting> <data dir> [operations]\n");
    return 2;
  }
  const int count = argc > 3 ? std::atoi(argv[3]) : 2000;
  auto opened = open_state_database(argv[1], argv[2]);
  if (!opened) {
    std::fprintf(stderr, "%s\n", opened.error().message.c_str());
    return 1;
  }
  StateDatabase& db = **opened;
  const char* kind = db.kind().data();
  const StoreRef store{"bench", "default"};
  const BucketQuota quota{.max_bytes = 1u << 30, .max_keys = 1'000'000};
  const std::string value(100, 'v');
  auto key = [](int index) { return "key-" + std::to_string(index); };

  measure(kind, "set (new key, 100 B)", count,
          [&](int i) { return db.set(store, key(i), value, quota).has_value(); });
  measure(kind, "set (replace)", count,
          [&](int i) { return db.set(store, key(i), value, quota).has_value(); });
  measure(kind, "get", count, [&](int i) { return db.get(store, key(i)).has_value(); });
  measure(kind, "exists", count, [&](int i) { return db.exists(store, key(i)).has_value(); });
  measure(kind, "increment", count,
          [&](int) { return db.increment(store, "counter", 1, quota).has_value(); });
  measure(kind, "list_keys (100)", count / 10,
          [&](int) { return db.list_keys(store, "key-", std::nullopt, 100).has_value(); });
  measure(kind, "remove", count, [&](int i) { return db.remove(store, key(i)).has_value(); });

  constexpr int kThreads = 8;
  const int per_thread = count / 2;
  const auto start = Clock::now();
  std::vector<std::thread> threads;
  for (int thread = 0; thread < kThreads; ++thread) {
    threads.emplace_back([&] {
      for (int index = 0; index < per_thread; ++index) {
        (void)db.increment(store, "shared-counter", 1, quota);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  std::printf("%-8s %-22s %8.0f ops/s (8 threads, one key; result %s)\n", kind, "increment",
              kThreads * per_thread / seconds,
              db.get(store, "shared-counter").value().value_or("?").c_str());
  return 0;
}
