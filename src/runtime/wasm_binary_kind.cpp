#include "runtime/wasm_binary_kind.h"

namespace wasmfaas::runtime {

WasmBinaryKind classify_wasm_binary(std::span<const uint8_t> bytes) {
  if (bytes.size() < 8 || bytes[0] != 0x00 || bytes[1] != 'a' || bytes[2] != 's' ||
      bytes[3] != 'm') {
    return WasmBinaryKind::kNotWasm;
  }
  // Bytes 4-5 are the version, 6-7 the layer: core modules are version 1,
  // layer 0; components are layer 1.
  const uint16_t version = static_cast<uint16_t>(bytes[4] | (bytes[5] << 8));
  const uint16_t layer = static_cast<uint16_t>(bytes[6] | (bytes[7] << 8));
  if (layer == 0 && version == 1) return WasmBinaryKind::kCoreModule;
  if (layer == 1) return WasmBinaryKind::kComponent;
  return WasmBinaryKind::kUnknownVersion;
}

}  // namespace wasmfaas::runtime
