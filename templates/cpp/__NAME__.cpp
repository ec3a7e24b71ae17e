// __NAME__: a wasmfaas function (the faas-exec world), C++23 with libc++.
#include <cstdio>
#include <string>

#include <nlohmann/json.hpp>

#include "faas_exec_cpp.h"

wit::string exports::faas_exec::Exec(wit::string input) {
  std::puts("__NAME__ called");  // captured by the host as the call's stdout
  std::fflush(stdout);
  auto value = nlohmann::json::parse(input.get_view(), nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) value = input.to_string();
  return wit::string::from_view(nlohmann::json{{"result", value}}.dump());
}
