#pragma once

#include <cstddef>
#include <cstdint>

namespace wasmfaas::keyvalue {

// The bounds every key-value operation is checked against, from the
// server's settings. A violation is an error value (kv_limit_exceeded or
// kv_quota_exceeded), never a trap. A plain value.
struct KeyValueLimits {
  size_t max_key_bytes = 256;          // as Spin's key-value stores
  size_t max_value_bytes = 1 << 20;    // 1 MiB, as Spin's
  size_t max_list_keys = 1000;         // keys per list page (guest and admin API)
  size_t max_batch_keys = 1000;        // keys per get-many/set-many/delete-many
  uint64_t bucket_max_bytes = 256ull << 20;  // keys plus values of all a bucket's stores
  uint64_t bucket_max_keys = 1000000;
};

}  // namespace wasmfaas::keyvalue
