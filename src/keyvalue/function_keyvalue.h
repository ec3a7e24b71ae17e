#pragma once

#include <string>
#include <vector>

#include "keyvalue/keyvalue_service.h"
#include "runtime/keyvalue_host.h"

namespace wasmfaas::keyvalue {

// What one invocation of a function may do with key-value stores: open the
// stores its config grants, by name, always in the function's own bucket;
// any other name is access-denied. Failures of the service (limits, quota,
// an unavailable database) reach the guest as `other` with their message.
// Lives as long as the instance it serves (one call, or several when the
// function opted into reuse); used by one thread at a time.
class FunctionKeyValue final : public runtime::KeyValueHost {
 public:
  FunctionKeyValue(KeyValueService& service, std::string bucket, std::vector<std::string> granted);

  Outcome<uint32_t> open(std::string_view name) override;
  Outcome<std::optional<std::string>> get(uint32_t store, std::string_view key) override;
  Outcome<void> set(uint32_t store, std::string_view key, std::string_view value) override;
  Outcome<void> remove(uint32_t store, std::string_view key) override;
  Outcome<bool> exists(uint32_t store, std::string_view key) override;
  Outcome<KeyPage> list_keys(uint32_t store, const std::optional<std::string>& cursor) override;
  Outcome<uint64_t> increment(uint32_t store, std::string_view key, uint64_t delta) override;
  Outcome<std::vector<std::optional<std::string>>> get_many(
      uint32_t store, const std::vector<std::string>& keys) override;
  Outcome<void> set_many(uint32_t store,
                         const std::vector<std::pair<std::string, std::string>>& entries) override;
  Outcome<void> remove_many(uint32_t store, const std::vector<std::string>& keys) override;

 private:
  Outcome<const state::StoreRef*> store_of(uint32_t handle) const;

  KeyValueService& service_;
  const std::string bucket_;
  const std::vector<std::string> granted_;
  std::vector<state::StoreRef> opened_;
};

}  // namespace wasmfaas::keyvalue
