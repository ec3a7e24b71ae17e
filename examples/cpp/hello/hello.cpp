// hello: {"name":"World"} -> {"result":"Hello World, how are you?"}.
// Prints "--- Test output ---" to stdout on every call, as the seed's does.
//
// C++23 with libc++ (no exceptions: nlohmann::json parses without throwing
// and every access is checked first), bindings from `wit-bindgen cpp`.
#include <cstdio>
#include <string>

#include <nlohmann/json.hpp>

#include "faas_exec_cpp.h"

namespace {

std::string hello(std::string_view input) {
  std::puts("--- Test output ---");
  std::fflush(stdout);

  const auto json = nlohmann::json::parse(input, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object()) {
    return nlohmann::json{{"error", R"(input must be a JSON object such as {"name":"World"})"}}
        .dump();
  }
  const auto name = json.find("name");
  if (name == json.end()) {
    return nlohmann::json{{"error", "missing field `name`"}}.dump();
  }
  if (!name->is_string()) {
    return nlohmann::json{{"error", "field `name` must be a string"}}.dump();
  }
  const std::string greeting = "Hello " + name->get<std::string>() + ", how are you?";
  return nlohmann::json{{"result", greeting}}.dump();
}

}  // namespace

wit::string exports::faas_exec::Exec(wit::string input) {
  return wit::string::from_view(hello(input.get_view()));
}
