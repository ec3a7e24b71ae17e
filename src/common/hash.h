#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace wasmfaas {

// Lowercase hex digests (OpenSSL).
std::string md5_hex(std::span<const uint8_t> data);
std::string sha256_hex(std::span<const uint8_t> data);
std::string sha256_hex(std::string_view text);

// `count` random bytes from OpenSSL's CSPRNG as lowercase hex.
std::string random_hex(size_t count);

// `count` random bytes from OpenSSL's CSPRNG.
std::vector<uint8_t> random_bytes(size_t count);

// HMAC-SHA256 of `data` under `key`: 32 raw bytes.
std::vector<uint8_t> hmac_sha256(std::span<const uint8_t> key, std::span<const uint8_t> data);

// Compares without leaking where the inputs differ.
bool constant_time_equal(std::span<const uint8_t> a, std::span<const uint8_t> b);

}  // namespace wasmfaas
