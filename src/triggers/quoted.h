#pragma once

#include <cstdio>
#include <string>
#include <string_view>

namespace wasmfaas::triggers {

// `text` in single quotes for an error message, with bytes outside printable
// ASCII written as \xNN and anything past 64 bytes cut to "...": a message
// stays short, printable ASCII (valid UTF-8 in a JSON body) whatever the
// caller sent.
inline std::string quoted(std::string_view text) {
  constexpr size_t kShown = 64;
  std::string result = "'";
  for (const char c : text.substr(0, kShown)) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x20 && byte < 0x7F && c != '\\') {
      result += c;
    } else {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\x%02X", byte);
      result += escaped;
    }
  }
  if (text.size() > kShown) result += "...";
  return result + "'";
}

}  // namespace wasmfaas::triggers
