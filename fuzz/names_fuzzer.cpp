// Bucket names, object keys and version ids on arbitrary bytes: no crash,
// and nothing accepted as a key could reach outside a directory: a valid
// key is valid UTF-8 without NUL.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "common/utf8.h"
#include "storage/naming.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  (void)wasmfaas::storage::validate_bucket_name(input);
  (void)wasmfaas::storage::validate_version_id(input);
  if (wasmfaas::storage::validate_object_key(input)) {
    if (!wasmfaas::is_valid_utf8(input) || input.find('\0') != std::string_view::npos) {
      std::abort();
    }
  }
  return 0;
}
