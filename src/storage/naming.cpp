#include "storage/naming.h"

#include <string>

#include "common/utf8.h"

namespace wasmfaas::storage {
namespace {

bool is_lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

bool looks_like_ipv4(std::string_view name) {
  int dots = 0;
  for (char c : name) {
    if (c == '.') {
      ++dots;
    } else if (c < '0' || c > '9') {
      return false;
    }
  }
  return dots == 3;
}

std::string quoted(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (static_cast<unsigned char>(c) < 0x20) {
      out += '?';
    } else {
      out += c;
    }
  }
  return out + "'";
}

}  // namespace

Result<void> validate_bucket_name(std::string_view bucket) {
  const auto invalid = [&](std::string_view why) {
    return make_error(ErrorCode::kInvalidArgument,
                      "invalid bucket name " + quoted(bucket.substr(0, 80)) + ": " +
                          std::string(why));
  };
  if (bucket.size() < 3 || bucket.size() > 63) return invalid("must be 3 to 63 characters");
  for (char c : bucket) {
    if (!is_lower_alnum(c) && c != '.' && c != '-') {
      return invalid("only lowercase letters, digits, dots and hyphens are allowed");
    }
  }
  if (!is_lower_alnum(bucket.front()) || !is_lower_alnum(bucket.back())) {
    return invalid("must start and end with a letter or digit");
  }
  if (bucket.find("..") != std::string_view::npos) return invalid("must not contain '..'");
  if (looks_like_ipv4(bucket)) return invalid("must not be formatted as an IP address");
  return {};
}

Result<void> validate_object_key(std::string_view key) {
  if (key.empty()) return make_error(ErrorCode::kInvalidArgument, "object key is empty");
  if (key.size() > 1024) {
    return make_error(ErrorCode::kInvalidArgument, "object key is longer than 1024 bytes");
  }
  if (!is_valid_utf8(key)) {
    return make_error(ErrorCode::kInvalidArgument, "object key is not valid UTF-8");
  }
  for (char c : key) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
      return make_error(ErrorCode::kInvalidArgument,
                        "object key contains a control character");
    }
  }
  return {};
}

Result<void> validate_version_id(std::string_view version_id) {
  if (version_id.empty() || version_id.size() > 64) {
    return make_error(ErrorCode::kInvalidArgument, "invalid version id");
  }
  for (char c : version_id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    if (!ok) return make_error(ErrorCode::kInvalidArgument, "invalid version id");
  }
  return {};
}

}  // namespace wasmfaas::storage
