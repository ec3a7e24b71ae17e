#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace wasmfaas {

// The value of one hex digit (either case), or -1 for any other character.
int hex_digit(char c);

// Bytes as lowercase hex, and back (nullopt for text that is not hex).
std::string hex_encode(std::string_view bytes);
std::optional<std::string> hex_decode(std::string_view hex);

}  // namespace wasmfaas
