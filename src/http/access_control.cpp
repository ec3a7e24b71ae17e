#include "http/access_control.h"

#include <algorithm>
#include <span>

#include "common/hash.h"
#include "storage/naming.h"

namespace wasmfaas::http {
namespace {

Error invalid(const std::string& why) {
  return Error{ErrorCode::kInvalidArgument, "token '" + why};
}

bool is_lower_hex(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (size_t at; (at = text.find(separator, start)) != std::string_view::npos; start = at + 1) {
    parts.push_back(text.substr(start, at - start));
  }
  parts.push_back(text.substr(start));
  return parts;
}

// What a configured entry holds when a quoted or bracketed line from
// `wasmfaas token create` was pasted whole where only its text belongs.
bool has_pasted_syntax(std::string_view line) {
  return line.find_first_of("\"'[]= \t") != std::string_view::npos;
}

}  // namespace

bool valid_token_name(std::string_view name) {
  return !name.empty() && name.size() <= 64 &&
         std::all_of(name.begin(), name.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '-' || c == '_' || c == '.' || c == '@';
         });
}

bool ApiToken::covers_bucket(std::string_view bucket) const {
  return buckets.empty() || std::find(buckets.begin(), buckets.end(), bucket) != buckets.end();
}

Result<ApiToken> parse_token_line(std::string_view line) {
  if (line.starts_with("wfs_")) {
    return std::unexpected(Error{ErrorCode::kInvalidArgument,
                                 "a token entry holds a token itself (the secret a client "
                                 "sends); give the server its line from `wasmfaas token "
                                 "create`, name:scope:sha256[:bucket,...]"});
  }
  if (has_pasted_syntax(line)) {
    return std::unexpected(Error{
        ErrorCode::kInvalidArgument,
        "token entry '" + std::string(line.substr(0, 40)) +
            "' holds quotes, brackets, '=' or spaces: give only name:scope:sha256[:bucket,...]"});
  }
  const auto parts = split(line, ':');
  const std::string shown(parts[0]);
  if (parts.size() < 3 || parts.size() > 4) {
    return std::unexpected(Error{ErrorCode::kInvalidArgument,
                                 "token entries are name:scope:sha256[:bucket,...], not '" +
                                     std::string(line.substr(0, 40)) + "...'"});
  }
  ApiToken token;
  token.name = shown;
  if (token.name.empty()) return std::unexpected(invalid(shown + "' has no name"));
  if (!valid_token_name(token.name)) {
    return std::unexpected(invalid(shown + "' has a name that is not 1-64 of A-Z a-z 0-9 - _ . @"));
  }
  if (parts[1] == "admin") {
    token.scope = TokenScope::kAdmin;
  } else if (parts[1] == "invoke") {
    token.scope = TokenScope::kInvoke;
  } else {
    return std::unexpected(invalid(shown + "' has scope '" + std::string(parts[1]) +
                                   "'; use admin or invoke"));
  }
  if (parts[2].size() != 64 || !is_lower_hex(parts[2])) {
    return std::unexpected(invalid(shown + "' must give the SHA-256 of the token (64 hex "
                                           "digits, as `wasmfaas token create` prints), never "
                                           "the token itself"));
  }
  token.sha256_hex = std::string(parts[2]);
  if (parts.size() == 4) {
    for (std::string_view bucket : split(parts[3], ',')) {
      if (bucket.empty()) return std::unexpected(invalid(shown + "' has an empty bucket name"));
      if (auto valid = storage::validate_bucket_name(bucket); !valid) {
        return std::unexpected(invalid(shown + "' names bucket '" + std::string(bucket) +
                                       "': " + valid.error().message));
      }
      token.buckets.emplace_back(bucket);
    }
  }
  return token;
}

std::string token_line(const ApiToken& token) {
  std::string line = token.name + ":" + (token.scope == TokenScope::kAdmin ? "admin" : "invoke") +
                     ":" + token.sha256_hex;
  for (size_t i = 0; i < token.buckets.size(); ++i) {
    line += (i == 0 ? ":" : ",") + token.buckets[i];
  }
  return line;
}

const ApiToken* AccessControl::find(std::string_view presented) const {
  // Both digests are 64 lowercase hex digits (parse_token_line checks the
  // configured ones), so their text is compared, in constant time, and
  // every configured token is compared, whatever matched before.
  const std::string digest = sha256_hex(presented);
  const auto bytes = [](const std::string& text) {
    return std::span(reinterpret_cast<const uint8_t*>(text.data()), text.size());
  };
  const ApiToken* match = nullptr;
  for (const ApiToken& token : options_.tokens) {
    if (constant_time_equal(bytes(digest), bytes(token.sha256_hex))) match = &token;
  }
  return match;
}

Result<const ApiToken*> AccessControl::authorize(std::string_view authorization_header,
                                                 Access access, std::string_view bucket) const {
  if (!enabled() || access == Access::kOpen) return nullptr;
  if (access == Access::kMetrics && options_.public_metrics) return nullptr;
  if (access == Access::kReady && options_.public_readyz) return nullptr;
  constexpr std::string_view kBearer = "Bearer ";
  if (authorization_header.empty()) {
    return make_error(ErrorCode::kUnauthenticated,
                      "this request needs a token: Authorization: Bearer <token>");
  }
  if (authorization_header.size() <= kBearer.size() ||
      !authorization_header.substr(0, kBearer.size()).starts_with("Bearer ")) {
    return make_error(ErrorCode::kUnauthenticated,
                      "the Authorization header must be 'Bearer <token>'");
  }
  const ApiToken* token = find(authorization_header.substr(kBearer.size()));
  if (!token) return make_error(ErrorCode::kUnauthenticated, "unknown token");
  if (access == Access::kAdmin && token->scope != TokenScope::kAdmin) {
    return make_error(ErrorCode::kPermissionDenied,
                      "token '" + token->name + "' has scope invoke; this needs admin");
  }
  if (!bucket.empty()) {
    if (auto covered = check_bucket(token, bucket); !covered) {
      return std::unexpected(covered.error());
    }
  }
  return token;
}

Result<void> AccessControl::check_bucket(const ApiToken* token, std::string_view bucket) {
  if (token && !token->covers_bucket(bucket)) {
    return make_error(ErrorCode::kPermissionDenied, "token '" + token->name +
                                                        "' does not cover bucket '" +
                                                        std::string(bucket) + "'");
  }
  return {};
}

}  // namespace wasmfaas::http
