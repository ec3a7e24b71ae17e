#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace wasmfaas {

// Lowercase hex digests (OpenSSL).
std::string md5_hex(std::span<const uint8_t> data);
std::string sha256_hex(std::span<const uint8_t> data);
std::string sha256_hex(std::string_view text);

// `count` random bytes from OpenSSL's CSPRNG as lowercase hex.
std::string random_hex(size_t count);

}  // namespace wasmfaas
