#pragma once

#include <string_view>

namespace wasmfaas {

// True when `text` is well-formed UTF-8 (no overlongs, surrogates or values
// above U+10FFFF), as the component model requires of every string.
bool is_valid_utf8(std::string_view text);

}  // namespace wasmfaas
