// parse_request_target and percent_decode on arbitrary targets: no crash;
// a parsed target's segments never contain the raw separator they came from
// unless it was percent-encoded.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "http/request_target.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  auto target = wasmfaas::http::parse_request_target(input);
  if (target) {
    (void)target->join_from(0);
    for (const auto& [name, value] : target->query) (void)target->query_value(name);
  }
  (void)wasmfaas::http::percent_decode(input, true);
  (void)wasmfaas::http::percent_decode(input, false);
  return 0;
}
