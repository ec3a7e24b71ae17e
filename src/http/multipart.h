#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace wasmfaas::http {

// One part of a multipart/form-data body. `data` points into the body.
struct MultipartPart {
  std::string name;
  std::string filename;
  std::string content_type;
  std::string_view data;
};

// The boundary parameter of a multipart/form-data Content-Type header.
Result<std::string> multipart_boundary(std::string_view content_type);

// Splits a multipart/form-data body (RFC 7578) into its parts. Malformed
// bodies (no opening delimiter, unterminated parts or headers, no closing
// delimiter) are kInvalidArgument.
Result<std::vector<MultipartPart>> parse_multipart(std::string_view body,
                                                   std::string_view boundary);

}  // namespace wasmfaas::http
