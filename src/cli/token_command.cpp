#include "cli/token_command.h"

#include <iostream>

#include "common/hash.h"
#include "http/access_control.h"
#include "storage/naming.h"

namespace wasmfaas::cli {

int create_token(const TokenCreateOptions& options) {
  http::ApiToken token;
  token.scope = options.scope == "admin" ? http::TokenScope::kAdmin : http::TokenScope::kInvoke;
  token.name = options.name.empty() ? options.scope + "-" + random_hex(3) : options.name;
  if (token.name.find(':') != std::string::npos) {
    std::cerr << "wasmfaas token create: --name must not contain ':'\n";
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
  std::cout << "token (shown once; give it to the client, store it nowhere else):\n  " << secret
            << "\n\nadd to the server's settings (config file, or WASMFAAS_TOKEN / --token):\n"
            << "  token = [\"" << http::token_line(token) << "\"]\n";
  return 0;
}

}  // namespace wasmfaas::cli
