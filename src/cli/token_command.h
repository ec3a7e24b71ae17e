#pragma once

#include <string>
#include <vector>

#include "http/access_control.h"

namespace wasmfaas::cli {

struct TokenCreateOptions {
  std::string name;                  // default: the scope plus random digits
  std::string scope = "invoke";      // admin or invoke
  std::vector<std::string> buckets;  // empty: every bucket
};

// What `wasmfaas token create` prints for `token` and its `secret`: the
// secret for the client, then the token's entry in each form the server
// takes (config file key, WASMFAAS_TOKEN, --token), each working as printed
// and for several tokens at once.
std::string token_instructions(const http::ApiToken& token, const std::string& secret);

// `wasmfaas token create`: prints a new random token (once; it is stored
// nowhere) and the config line with its SHA-256 to add to the server's
// settings. Returns the process exit code.
int create_token(const TokenCreateOptions& options);

}  // namespace wasmfaas::cli
