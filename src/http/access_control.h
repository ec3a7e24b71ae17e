#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace wasmfaas::http {

// What a token may do. Admin covers everything invoke does.
enum class TokenScope { kAdmin, kInvoke };

// One API token as configured: its name (for audit logs), scope, optional
// bucket restriction and the SHA-256 of the secret (never the secret).
struct ApiToken {
  std::string name;
  TokenScope scope = TokenScope::kInvoke;
  std::vector<std::string> buckets;  // empty: every bucket
  std::string sha256_hex;

  bool covers_bucket(std::string_view bucket) const;
};

// True for 1-64 of A-Z a-z 0-9 - _ . @ (what a token's name may be).
bool valid_token_name(std::string_view name);

// Parses a configured token line, "name:scope:sha256hex[:bucket,bucket]".
// kInvalidArgument naming the problem; a line that looks like a plaintext
// secret instead of a hash is refused.
Result<ApiToken> parse_token_line(std::string_view line);
// The line for `token` (what `wasmfaas token create` prints).
std::string token_line(const ApiToken& token);

// Which kind of access a request needs.
enum class Access {
  kOpen,     // /healthz, /version
  kMetrics,  // /metrics
  kReady,    // /readyz
  kInvoke,   // exec and pipeline exec
  kAdmin,    // buckets, files, config, pipelines, logs
};

struct AccessControlOptions {
  std::vector<ApiToken> tokens;  // none: authentication is off
  bool public_metrics = false;   // /metrics without a token
  bool public_readyz = true;     // /readyz without a token
};

// Bearer-token authentication and scope/bucket authorization. Tokens are
// compared by SHA-256 in constant time, each one, so timing tells nothing
// about which or how much matched. Immutable; thread-safe.
class AccessControl {
 public:
  explicit AccessControl(AccessControlOptions options) : options_(std::move(options)) {}

  bool enabled() const { return !options_.tokens.empty(); }

  // The token a request carries (nullptr when authentication is off or the
  // route needs none); kUnauthenticated without a known token,
  // kPermissionDenied when its scope or buckets do not cover the request.
  // `bucket` is empty for routes without one.
  Result<const ApiToken*> authorize(std::string_view authorization_header, Access access,
                                    std::string_view bucket) const;

  // kPermissionDenied unless `token` (nullptr: auth off) covers `bucket`.
  static Result<void> check_bucket(const ApiToken* token, std::string_view bucket);

 private:
  const ApiToken* find(std::string_view presented) const;

  const AccessControlOptions options_;
};

}  // namespace wasmfaas::http
