#pragma once

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace wasmfaas::runtime {

// The key-value stores one invocation may use through wasi:keyvalue. The
// runtime forwards each guest call here; the implementation (outside the
// runtime) decides which stores exist and are granted, and keeps the data.
// Every failure is a value the guest receives as wasi:keyvalue's error; none
// traps. Called on the thread running the invocation, one call at a time.
class KeyValueHost {
 public:
  // wasi:keyvalue's error variant.
  struct Failure {
    enum class Kind { kNoSuchStore, kAccessDenied, kOther };
    Kind kind = Kind::kOther;
    std::string message;  // what the guest reads in other(...)
  };
  template <typename T>
  using Outcome = std::expected<T, Failure>;

  // One page of keys; `next_cursor` when more follow.
  struct KeyPage {
    std::vector<std::string> keys;
    std::optional<std::string> next_cursor;
  };

  virtual ~KeyValueHost() = default;

  // A handle for the store `name`, used by the other calls.
  virtual Outcome<uint32_t> open(std::string_view name) = 0;
  virtual Outcome<std::optional<std::string>> get(uint32_t store, std::string_view key) = 0;
  virtual Outcome<void> set(uint32_t store, std::string_view key, std::string_view value) = 0;
  virtual Outcome<void> remove(uint32_t store, std::string_view key) = 0;
  virtual Outcome<bool> exists(uint32_t store, std::string_view key) = 0;
  virtual Outcome<KeyPage> list_keys(uint32_t store, const std::optional<std::string>& cursor) = 0;
  virtual Outcome<uint64_t> increment(uint32_t store, std::string_view key, uint64_t delta) = 0;
  virtual Outcome<std::vector<std::optional<std::string>>> get_many(
      uint32_t store, const std::vector<std::string>& keys) = 0;
  virtual Outcome<void> set_many(uint32_t store,
                                 const std::vector<std::pair<std::string, std::string>>& entries) = 0;
  virtual Outcome<void> remove_many(uint32_t store, const std::vector<std::string>& keys) = 0;
};

}  // namespace wasmfaas::runtime
