#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace wasmfaas::storage::s3 {

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty when none
};

// A request as the signer sees it. `path` is the decoded path (raw bytes,
// e.g. "/bucket/my key"); `query` holds decoded name/value pairs.
struct SigningRequest {
  std::string method;
  std::string path;
  std::vector<std::pair<std::string, std::string>> query;
  std::vector<std::pair<std::string, std::string>> headers;  // must include host
  std::string payload_sha256;  // hex, or "UNSIGNED-PAYLOAD"
};

struct SigningOptions {
  std::string region;
  std::string service = "s3";
  // Generic AWS services normalize the path (remove dot segments, collapse
  // slashes); S3 does not.
  bool normalize_path = false;
  // Adds x-amz-content-sha256 (S3 requires it).
  bool sign_content_sha256 = true;
  // Some services (STS-style) want the session token sent but not signed.
  bool sign_session_token = true;
};

// The intermediate products, exposed so that tests can check each step.
struct Signature {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signature;  // hex
  // Header mode: headers to add (x-amz-date, x-amz-content-sha256,
  // x-amz-security-token, authorization). Query mode: query parameters to
  // add (X-Amz-*), in the order a presigned URL lists them.
  std::vector<std::pair<std::string, std::string>> additions;
};

// AWS Signature Version 4, header mode (the Authorization header).
Signature sign_headers(const SigningRequest& request, const Credentials& credentials,
                       const SigningOptions& options, std::chrono::system_clock::time_point when);

// AWS Signature Version 4, query mode (a presigned URL valid for `expires`).
Signature sign_query(const SigningRequest& request, const Credentials& credentials,
                     const SigningOptions& options, std::chrono::system_clock::time_point when,
                     std::chrono::seconds expires);

// RFC 3986 percent-encoding as SigV4 wants it: everything but A-Z a-z 0-9
// - _ . ~ is encoded, and '/' too unless `keep_slash`.
std::string uri_encode(std::string_view text, bool keep_slash);

}  // namespace wasmfaas::storage::s3
