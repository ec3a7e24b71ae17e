#pragma once
// The web console's files (src/console/assets/), built into the binary by
// cmake/EmbedAssets.cmake: nothing is read from disk at run time.

#include <span>
#include <string_view>

namespace wasmfaas::console {

// One embedded file. Static storage; immutable, so thread-safe.
struct ConsoleAsset {
  std::string_view path;          // relative to /console/: "index.html", "js/app.js"
  std::string_view content_type;  // from the extension: "text/javascript; charset=utf-8"
  std::string_view etag;          // strong, quoted: "\"<32 hex digits of its SHA-256>\""
  std::string_view body;
};

// Every embedded file, sorted by path (generated).
std::span<const ConsoleAsset> console_assets();

// The file at `path` ("" is index.html), or nullptr.
const ConsoleAsset* find_console_asset(std::string_view path);

// The headers every console answer carries: a Content-Security-Policy that
// allows only the console's own files (no inline script or style), and the
// usual hardening headers. Name and value pairs.
struct SecurityHeader {
  std::string_view name;
  std::string_view value;
};
std::span<const SecurityHeader> console_security_headers();

}  // namespace wasmfaas::console
