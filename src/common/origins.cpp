#include "common/origins.h"

#include <algorithm>
#include <cctype>
#include <optional>

namespace wasmfaas {
namespace {

std::string lower(std::string_view text) {
  std::string result(text);
  std::transform(result.begin(), result.end(), result.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return result;
}

std::string_view without_brackets(std::string_view host) {
  if (host.starts_with('[')) host.remove_prefix(1);
  if (host.ends_with(']')) host.remove_suffix(1);
  return host;
}

bool valid_host_text(std::string_view host) {
  if (host.empty()) return false;
  return std::all_of(host.begin(), host.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == ':' ||
           c == '[' || c == ']';
  });
}

std::unexpected<Error> invalid(const std::string& text, std::string_view problem) {
  return make_error(ErrorCode::kInvalidArgument, "'" + text + "'" + std::string(problem));
}

// A normalized origin taken apart (host lower case, without brackets).
struct Origin {
  std::string scheme;
  std::string host;
  uint16_t port = 0;
};

std::optional<Origin> split_normalized(std::string_view origin) {
  const auto separator = origin.find("://");
  const auto colon = origin.rfind(':');
  if (separator == std::string_view::npos || colon <= separator + 2) return std::nullopt;
  const std::string_view port_text = origin.substr(colon + 1);
  if (port_text.empty() || port_text.size() > 5 ||
      !std::all_of(port_text.begin(), port_text.end(),
                   [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  const unsigned long port = std::stoul(std::string(port_text));
  if (port == 0 || port > 65535) return std::nullopt;
  const std::string_view host =
      without_brackets(origin.substr(separator + 3, colon - separator - 3));
  if (host.empty()) return std::nullopt;
  return Origin{lower(origin.substr(0, separator)), lower(host), static_cast<uint16_t>(port)};
}

bool host_matches(std::string_view pattern, std::string_view host) {
  if (!pattern.starts_with("*.")) return pattern == host;
  const std::string_view suffix = pattern.substr(2);
  return host.size() > suffix.size() + 1 && host.ends_with(suffix) &&
         host[host.size() - suffix.size() - 1] == '.';
}

}  // namespace

Result<std::string> normalize_origin(std::string_view entry) {
  const std::string text = lower(entry);
  const auto separator = text.find("://");
  if (separator == std::string::npos) return invalid(text, " is not scheme://host[:port]");
  const std::string scheme = text.substr(0, separator);
  if (scheme != "http" && scheme != "https") {
    return invalid(text, ": the scheme must be http or https");
  }
  std::string rest = text.substr(separator + 3);
  if (!rest.empty() && rest.back() == '/') rest.pop_back();
  if (rest.find_first_of("/?#@") != std::string::npos) {
    return invalid(text, ": only scheme, host and port, no path or user");
  }
  std::string host = rest;
  std::string port = scheme == "https" ? "443" : "80";
  const auto colon = rest.rfind(':');
  if (colon != std::string::npos && rest.find(']', colon) == std::string::npos) {
    host = rest.substr(0, colon);
    port = rest.substr(colon + 1);
    if (port.empty() || port.size() > 5 ||
        !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
        std::stoul(port) == 0 || std::stoul(port) > 65535) {
      return invalid(text, ": the port must be 1 to 65535");
    }
  }
  const std::string_view bare = std::string_view(host).starts_with("*.")
                                    ? std::string_view(host).substr(2)
                                    : std::string_view(host);
  if (!valid_host_text(bare) || bare.find('*') != std::string_view::npos) {
    return invalid(text, ": bad host (a wildcard is only allowed as \"*.domain\")");
  }
  return scheme + "://" + host + ":" + std::to_string(std::stoul(port));
}

bool origin_allowed(const std::vector<std::string>& allowed, std::string_view scheme,
                    std::string_view host, uint16_t port) {
  const std::string wanted_scheme = lower(scheme);
  const std::string wanted_host = lower(without_brackets(host));
  return std::any_of(allowed.begin(), allowed.end(), [&](const std::string& entry) {
    const std::optional<Origin> origin = split_normalized(entry);
    return origin && origin->scheme == wanted_scheme && origin->port == port &&
           host_matches(origin->host, wanted_host);
  });
}

}  // namespace wasmfaas
