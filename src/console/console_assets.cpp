#include "console/console_assets.h"

#include <algorithm>

namespace wasmfaas::console {

const ConsoleAsset* find_console_asset(std::string_view path) {
  if (path.empty()) path = "index.html";
  const auto assets = console_assets();
  const auto found = std::lower_bound(
      assets.begin(), assets.end(), path,
      [](const ConsoleAsset& asset, std::string_view wanted) { return asset.path < wanted; });
  return found != assets.end() && found->path == path ? &*found : nullptr;
}

std::span<const SecurityHeader> console_security_headers() {
  static constexpr SecurityHeader kHeaders[] = {
      {"Content-Security-Policy",
       "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"},
      {"X-Content-Type-Options", "nosniff"},
      {"Referrer-Policy", "no-referrer"},
      {"X-Frame-Options", "DENY"},
      {"Cross-Origin-Opener-Policy", "same-origin"},
      {"Cross-Origin-Resource-Policy", "same-origin"},
      {"Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()"},
  };
  return kHeaders;
}

}  // namespace wasmfaas::console
