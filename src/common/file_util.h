#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

#include "common/error.h"

namespace wasmfaas {

// Reads a whole file into memory; a missing or unreadable file is an error.
Result<std::vector<uint8_t>> read_file_bytes(const std::filesystem::path& path);

}  // namespace wasmfaas
