#include "storage/s3/sigv4.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <map>

#include "common/hash.h"

namespace wasmfaas::storage::s3 {
namespace {

constexpr char kAlgorithm[] = "AWS4-HMAC-SHA256";

std::string lowercase(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// Trims and folds runs of white space (including folded header lines) into
// one space, as the canonical header value wants.
std::string canonical_header_value(std::string_view value) {
  std::string out;
  bool space = false;
  for (char c : value) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      space = !out.empty();
    } else {
      if (space) out += ' ';
      space = false;
      out += c;
    }
  }
  return out;
}

// RFC 3986 remove_dot_segments plus collapsing of empty segments.
std::string normalize(std::string_view path) {
  std::vector<std::string_view> segments;
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    const std::string_view segment = path.substr(start, slash - start);
    if (segment == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (!segment.empty() && segment != ".") {
      segments.push_back(segment);
    }
    start = slash + 1;
  }
  std::string out;
  for (const auto& segment : segments) {
    out += '/';
    out += segment;
  }
  const bool trailing_slash = !path.empty() && path.back() == '/' && !segments.empty();
  if (out.empty() || trailing_slash) out += '/';
  return out;
}

std::string timestamp(std::chrono::system_clock::time_point when, const char* format) {
  const std::time_t t = std::chrono::system_clock::to_time_t(when);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, format, &tm);
  return buffer;
}

std::vector<uint8_t> bytes_of(std::string_view text) { return {text.begin(), text.end()}; }

std::string hex(const std::vector<uint8_t>& bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (uint8_t b : bytes) {
    out += kDigits[b >> 4];
    out += kDigits[b & 0xF];
  }
  return out;
}

struct Canonical {
  std::string request;
  std::string signed_headers;
};

Canonical canonicalize(const SigningRequest& request,
                       const std::vector<std::pair<std::string, std::string>>& extra_headers,
                       const std::vector<std::pair<std::string, std::string>>& extra_query,
                       const SigningOptions& options) {
  // Headers: lowercase names, sorted; repeated names join their values with ','.
  std::map<std::string, std::string> headers;
  auto add_header = [&](const std::string& name, const std::string& value) {
    std::string& slot = headers[lowercase(name)];
    if (!slot.empty()) slot += ',';
    slot += canonical_header_value(value);
  };
  for (const auto& [name, value] : request.headers) add_header(name, value);
  for (const auto& [name, value] : extra_headers) add_header(name, value);
  std::string canonical_headers;
  std::string signed_headers;
  for (const auto& [name, value] : headers) {
    canonical_headers += name + ":" + value + "\n";
    if (!signed_headers.empty()) signed_headers += ';';
    signed_headers += name;
  }

  // Query: encoded names and values, sorted by name then value.
  std::vector<std::pair<std::string, std::string>> query;
  for (const auto& [name, value] : request.query) {
    query.emplace_back(uri_encode(name, false), uri_encode(value, false));
  }
  for (const auto& [name, value] : extra_query) {
    query.emplace_back(uri_encode(name, false), uri_encode(value, false));
  }
  std::sort(query.begin(), query.end());
  std::string canonical_query;
  for (const auto& [name, value] : query) {
    if (!canonical_query.empty()) canonical_query += '&';
    canonical_query += name + "=" + value;
  }

  const std::string path = options.normalize_path ? normalize(request.path) : request.path;
  return {request.method + "\n" + uri_encode(path.empty() ? "/" : path, true) + "\n" +
              canonical_query + "\n" + canonical_headers + "\n" + signed_headers + "\n" +
              request.payload_sha256,
          signed_headers};
}

std::string scope(std::chrono::system_clock::time_point when, const SigningOptions& options) {
  return timestamp(when, "%Y%m%d") + "/" + options.region + "/" + options.service +
         "/aws4_request";
}

std::string string_to_sign(std::chrono::system_clock::time_point when,
                           const SigningOptions& options, const std::string& canonical_request) {
  return std::string(kAlgorithm) + "\n" + timestamp(when, "%Y%m%dT%H%M%SZ") + "\n" +
         scope(when, options) + "\n" + sha256_hex(canonical_request);
}

std::string signature_of(const std::string& to_sign, const Credentials& credentials,
                         std::chrono::system_clock::time_point when,
                         const SigningOptions& options) {
  auto key = hmac_sha256(bytes_of("AWS4" + credentials.secret_access_key),
                         bytes_of(timestamp(when, "%Y%m%d")));
  key = hmac_sha256(key, bytes_of(options.region));
  key = hmac_sha256(key, bytes_of(options.service));
  key = hmac_sha256(key, bytes_of("aws4_request"));
  return hex(hmac_sha256(key, bytes_of(to_sign)));
}

}  // namespace

std::string uri_encode(std::string_view text, bool keep_slash) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' ||
        (c == '/' && keep_slash)) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kDigits[c >> 4];
      out += kDigits[c & 0xF];
    }
  }
  return out;
}

Signature sign_headers(const SigningRequest& request, const Credentials& credentials,
                       const SigningOptions& options, std::chrono::system_clock::time_point when) {
  Signature result;
  result.additions.emplace_back("x-amz-date", timestamp(when, "%Y%m%dT%H%M%SZ"));
  if (options.sign_content_sha256) {
    result.additions.emplace_back("x-amz-content-sha256", request.payload_sha256);
  }
  const bool token = !credentials.session_token.empty();
  if (token && options.sign_session_token) {
    result.additions.emplace_back("x-amz-security-token", credentials.session_token);
  }
  const Canonical canonical = canonicalize(request, result.additions, {}, options);
  result.canonical_request = canonical.request;
  result.string_to_sign = string_to_sign(when, options, canonical.request);
  result.signature = signature_of(result.string_to_sign, credentials, when, options);
  result.additions.emplace_back(
      "authorization", std::string(kAlgorithm) + " Credential=" + credentials.access_key_id + "/" +
                           scope(when, options) + ", SignedHeaders=" + canonical.signed_headers +
                           ", Signature=" + result.signature);
  if (token && !options.sign_session_token) {
    result.additions.emplace_back("x-amz-security-token", credentials.session_token);
  }
  return result;
}

Signature sign_query(const SigningRequest& request, const Credentials& credentials,
                     const SigningOptions& options, std::chrono::system_clock::time_point when,
                     std::chrono::seconds expires) {
  Signature result;
  std::vector<std::string> names;
  for (const auto& [name, value] : request.headers) names.push_back(lowercase(name));
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  std::string signed_headers;
  for (const auto& name : names) signed_headers += (signed_headers.empty() ? "" : ";") + name;

  result.additions = {
      {"X-Amz-Algorithm", kAlgorithm},
      {"X-Amz-Credential", credentials.access_key_id + "/" + scope(when, options)},
      {"X-Amz-Date", timestamp(when, "%Y%m%dT%H%M%SZ")},
      {"X-Amz-SignedHeaders", signed_headers},
      {"X-Amz-Expires", std::to_string(expires.count())},
  };
  const bool token = !credentials.session_token.empty();
  if (token && options.sign_session_token) {
    result.additions.emplace_back("X-Amz-Security-Token", credentials.session_token);
  }
  const Canonical canonical = canonicalize(request, {}, result.additions, options);
  result.canonical_request = canonical.request;
  result.string_to_sign = string_to_sign(when, options, canonical.request);
  result.signature = signature_of(result.string_to_sign, credentials, when, options);
  result.additions.emplace_back("X-Amz-Signature", result.signature);
  if (token && !options.sign_session_token) {
    result.additions.emplace_back("X-Amz-Security-Token", credentials.session_token);
  }
  return result;
}

}  // namespace wasmfaas::storage::s3
