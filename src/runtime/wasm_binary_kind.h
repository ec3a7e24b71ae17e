#pragma once

#include <cstdint>
#include <span>

namespace wasmfaas::runtime {

enum class WasmBinaryKind { kNotWasm, kCoreModule, kComponent, kUnknownVersion };

// Classifies bytes by the WebAssembly preamble: magic, version and layer.
WasmBinaryKind classify_wasm_binary(std::span<const uint8_t> bytes);

}  // namespace wasmfaas::runtime
