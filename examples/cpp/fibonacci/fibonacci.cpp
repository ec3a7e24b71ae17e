// fibonacci: {"n":7} -> {"result":34}, with the seed's algorithm on u32:
// a = 1, b = 1; n times: t = a, a = b, b += t (wrapping); the answer is b.
//
// C++23 with libc++ (no exceptions: nlohmann::json parses without throwing
// and every access is checked first), bindings from `wit-bindgen cpp`.
#include <cstdint>
#include <limits>
#include <string>

#include <nlohmann/json.hpp>

#include "faas_exec_cpp.h"

namespace {

std::uint32_t fibonacci(std::uint32_t n) {
  std::uint32_t a = 1;
  std::uint32_t b = 1;
  for (std::uint32_t i = 0; i < n; ++i) {
    const std::uint32_t t = a;
    a = b;
    b += t;  // unsigned: wraps modulo 2^32
  }
  return b;
}

std::string run(std::string_view input) {
  const auto json = nlohmann::json::parse(input, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object()) {
    return nlohmann::json{{"error", R"(input must be a JSON object such as {"n":7})"}}.dump();
  }
  const auto n = json.find("n");
  if (n == json.end()) {
    return nlohmann::json{{"error", "missing field `n`"}}.dump();
  }
  if (!n->is_number_unsigned() ||
      n->get<std::uint64_t>() > std::numeric_limits<std::uint32_t>::max()) {
    return nlohmann::json{{"error", "field `n` must be an integer from 0 to 4294967295"}}.dump();
  }
  return nlohmann::json{{"result", fibonacci(n->get<std::uint32_t>())}}.dump();
}

}  // namespace

wit::string exports::faas_exec::Exec(wit::string input) {
  return wit::string::from_view(run(input.get_view()));
}
