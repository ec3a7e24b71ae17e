#include "cli/token_command.h"

#include <iostream>

#include "common/hash.h"
#include "http/access_control.h"
#include "storage/naming.h"

namespace wasmfaas::cli {

std::string token_instructions(const http::ApiToken& token, const std::string& secret) {
  const std::string line = http::token_line(token);
  // A bare TOML key unless the name holds '.' or '@'.
  const bool bare = token.name.find_first_of(".@") == std::string::npos;
  const std::string key = bare ? token.name : "\"" + token.name + "\"";
  std::string text;
  text += "token (shown once; keep it only where the client keeps it):\n  " + secret + "\n";
  text += "  the client sends it as 'Authorization: Bearer <token>'; the wasmfaas CLI\n";
  text += "  takes it as --token, WASMFAAS_TOKEN or a profile (docs/cli.md)\n\n";
  text += "the server accepts it with any one of these, each working as printed (for several\n";
  text += "tokens, one such line each):\n";
  text += "  config file (near its top, before any [table]):\n                token." + key + " = \"" + line + "\"\n";
  text += "  environment:  export WASMFAAS_TOKEN=\"${WASMFAAS_TOKEN:+$WASMFAAS_TOKEN }" + line + "\"\n";
  text += "  flag:         wasmfaas serve --token " + line + "\n";
  return text;
}

int create_token(const TokenCreateOptions& options) {
  http::ApiToken token;
  token.scope = options.scope == "admin" ? http::TokenScope::kAdmin : http::TokenScope::kInvoke;
  token.name = options.name.empty() ? options.scope + "-" + random_hex(3) : options.name;
  if (!http::valid_token_name(token.name)) {
    std::cerr << "wasmfaas token create: --name must be 1-64 of A-Z a-z 0-9 - _ . @, not '"
              << token.name << "'\n";
    return 1;
  }
  for (const std::string& bucket : options.buckets) {
    if (auto valid = storage::validate_bucket_name(bucket); !valid) {
      std::cerr << "wasmfaas token create: " << valid.error().message << "\n";
      return 1;
    }
    token.buckets.push_back(bucket);
  }
  // 32 random bytes: guessing is hopeless, and a SHA-256 of it needs no salt.
  const std::string secret = "wfs_" + random_hex(32);
  token.sha256_hex = sha256_hex(secret);
  std::cout << token_instructions(token, secret);
  return 0;
}

}  // namespace wasmfaas::cli
