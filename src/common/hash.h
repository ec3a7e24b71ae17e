#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace wasmfaas {

// Lowercase hex digests (OpenSSL).
std::string md5_hex(std::span<const uint8_t> data);
std::string sha256_hex(std::span<const uint8_t> data);
std::string sha256_hex(std::string_view text);

// Bytes as lowercase hex, and back (nullopt for text that is not hex).
std::string hex_encode(std::string_view bytes);
std::optional<std::string> hex_decode(std::string_view hex);

// `count` random bytes from OpenSSL's CSPRNG as lowercase hex.
std::string random_hex(size_t count);

// Bytes as lowercase hex, and back (nullopt for text that is not hex).
std::string hex_encode(std::string_view bytes);
std::optional<std::string> hex_decode(std::string_view hex);

// `count` random bytes from OpenSSL's CSPRNG.
std::vector<uint8_t> random_bytes(size_t count);

// HMAC-SHA256 of `data` under `key`: 32 raw bytes.
std::vector<uint8_t> hmac_sha256(std::span<const uint8_t> key, std::span<const uint8_t> data);

// Compares without leaking where the inputs differ.
bool constant_time_equal(std::span<const uint8_t> a, std::span<const uint8_t> b);

}  // namespace wasmfaas
