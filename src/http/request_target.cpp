#include "http/request_target.h"

#include "common/hex.h"

namespace wasmfaas::http {

std::optional<std::string> RequestTarget::query_value(const std::string& name) const {
  const auto it = query.find(name);
  if (it == query.end()) return std::nullopt;
  return it->second;
}

std::string RequestTarget::join_from(size_t first) const {
  std::string joined;
  for (size_t i = first; i < segments.size(); ++i) {
    if (i > first) joined += '/';
    joined += segments[i];
  }
  return joined;
}

Result<std::string> percent_decode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%') {
      const bool complete = i + 2 < text.size();
      const int high = complete ? hex_digit(text[i + 1]) : -1;
      const int low = complete ? hex_digit(text[i + 2]) : -1;
      if (high < 0 || low < 0) {
        return make_error(ErrorCode::kInvalidArgument, "malformed percent-escape in the URL");
      }
      out += static_cast<char>(high * 16 + low);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

Result<RequestTarget> parse_request_target(std::string_view target) {
  if (target.empty() || target.front() != '/') {
    return make_error(ErrorCode::kInvalidArgument, "request target must start with '/'");
  }
  RequestTarget parsed;
  const size_t question = target.find('?');
  std::string_view path = target.substr(1, question == std::string_view::npos ? target.npos
                                                                              : question - 1);
  while (true) {
    const size_t slash = path.find('/');
    auto segment = percent_decode(path.substr(0, slash), false);
    if (!segment) return std::unexpected(segment.error());
    parsed.segments.push_back(std::move(*segment));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  if (question != std::string_view::npos) {
    std::string_view query = target.substr(question + 1);
    while (!query.empty()) {
      const size_t amp = query.find('&');
      const std::string_view pair = query.substr(0, amp);
      const size_t equals = pair.find('=');
      auto name = percent_decode(pair.substr(0, equals), true);
      auto value = percent_decode(
          equals == std::string_view::npos ? std::string_view() : pair.substr(equals + 1), true);
      if (!name) return std::unexpected(name.error());
      if (!value) return std::unexpected(value.error());
      if (!name->empty()) parsed.query[*name] = *value;
      if (amp == std::string_view::npos) break;
      query.remove_prefix(amp + 1);
    }
  }
  return parsed;
}

}  // namespace wasmfaas::http
