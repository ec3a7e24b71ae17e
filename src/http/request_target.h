#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace wasmfaas::http {

// A request target split into percent-decoded path segments and query
// parameters. "/file/b/dir%2Fx.wasm?version=v1" -> {"file","b","dir/x.wasm"}.
struct RequestTarget {
  std::vector<std::string> segments;
  std::map<std::string, std::string> query;

  bool has_query(const std::string& name) const { return query.count(name) > 0; }
  std::optional<std::string> query_value(const std::string& name) const;
  // Segments from `first` on, joined with '/': the object key of a route.
  std::string join_from(size_t first) const;
};

// kInvalidArgument for a target that is not origin-form ("/...") or has a
// malformed percent escape.
Result<RequestTarget> parse_request_target(std::string_view target);

Result<std::string> percent_decode(std::string_view text, bool plus_is_space);

}  // namespace wasmfaas::http
