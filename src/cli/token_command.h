#pragma once

#include <string>
#include <vector>

namespace wasmfaas::cli {

struct TokenCreateOptions {
  std::string name;                  // default: the scope plus random digits
  std::string scope = "invoke";      // admin or invoke
  std::vector<std::string> buckets;  // empty: every bucket
};

// `wasmfaas token create`: prints a new random token (once; it is stored
// nowhere) and the config line with its SHA-256 to add to the server's
// settings. Returns the process exit code.
int create_token(const TokenCreateOptions& options);

}  // namespace wasmfaas::cli
