#include "http/header_values.h"

#include <cctype>

namespace wasmfaas::http {
namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

std::string lowercase(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

bool iequals(std::string_view a, std::string_view b) { return lowercase(a) == lowercase(b); }

std::string media_type(std::string_view content_type) {
  return lowercase(trim(content_type.substr(0, content_type.find(';'))));
}

std::optional<std::string> header_parameter(std::string_view value, std::string_view name) {
  size_t pos = value.find(';');
  while (pos != std::string_view::npos) {
    value.remove_prefix(pos + 1);
    // A quoted value may contain ';', so find the end of this parameter first.
    const size_t equals = value.find('=');
    if (equals == std::string_view::npos) return std::nullopt;
    const std::string_view key = trim(value.substr(0, equals));
    std::string_view rest = value.substr(equals + 1);
    while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t')) rest.remove_prefix(1);
    std::string parsed;
    if (!rest.empty() && rest.front() == '"') {
      size_t i = 1;
      for (; i < rest.size() && rest[i] != '"'; ++i) {
        if (rest[i] == '\\' && i + 1 < rest.size()) ++i;
        parsed += rest[i];
      }
      if (i >= rest.size()) return std::nullopt;  // unterminated quote
      rest.remove_prefix(i + 1);
      pos = rest.find(';');
    } else {
      pos = rest.find(';');
      parsed = std::string(trim(rest.substr(0, pos)));
    }
    if (iequals(key, name)) return parsed;
    value = rest;
  }
  return std::nullopt;
}

}  // namespace wasmfaas::http
