#pragma once
// Test support: access to the components the build produced (examples and
// hand-written fixtures) and one shared Engine for runtime tests.

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "common/file_util.h"
#include "runtime/engine.h"

namespace wasmfaas::testing {

// Test fixtures are named fixture_*; everything else is an example function.
inline std::string component_path(const std::string& name) {
  const bool fixture = name.starts_with("fixture_");
  return std::string(fixture ? WASMFAAS_TEST_COMPONENTS_DIR : WASMFAAS_FUNCTIONS_DIR) + "/" +
         name + ".wasm";
}

inline std::vector<uint8_t> load_component(const std::string& name) {
  auto bytes = read_file_bytes(component_path(name));
  EXPECT_TRUE(bytes.has_value()) << "missing test component " << name;
  return bytes.value_or(std::vector<uint8_t>{});
}

inline std::string load_component_text(const std::string& name) {
  const auto bytes = load_component(name);
  return std::string(bytes.begin(), bytes.end());
}

// One engine for the whole test binary, as the server has one per process.
inline const runtime::Engine& shared_engine() {
  static const std::unique_ptr<runtime::Engine> engine = [] {
    auto created = runtime::Engine::create();
    if (!created) std::abort();
    return std::move(*created);
  }();
  return *engine;
}

}  // namespace wasmfaas::testing
