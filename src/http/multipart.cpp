#include "http/multipart.h"

#include "http/header_values.h"

namespace wasmfaas::http {
namespace {

Error malformed(std::string_view why) {
  return Error{ErrorCode::kInvalidArgument, "malformed multipart body: " + std::string(why)};
}

// Parses the header block of one part (lines up to, not including, the
// blank line) into `part`.
Result<void> parse_part_headers(std::string_view headers, MultipartPart& part) {
  while (!headers.empty()) {
    const size_t end = headers.find("\r\n");
    const std::string_view line = headers.substr(0, end);
    headers = end == std::string_view::npos ? std::string_view() : headers.substr(end + 2);
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) return std::unexpected(malformed("bad part header"));
    const std::string_view name = line.substr(0, colon);
    const std::string_view value = line.substr(colon + 1);
    if (iequals(name, "Content-Disposition")) {
      if (media_type(value) != "form-data") {
        return std::unexpected(malformed("part is not form-data"));
      }
      part.name = header_parameter(value, "name").value_or("");
      part.filename = header_parameter(value, "filename").value_or("");
    } else if (iequals(name, "Content-Type")) {
      part.content_type = media_type(value);
    }
  }
  return {};
}

}  // namespace

Result<std::string> multipart_boundary(std::string_view content_type) {
  auto boundary = header_parameter(content_type, "boundary");
  if (!boundary || boundary->empty()) {
    return make_error(ErrorCode::kInvalidArgument,
                      "multipart/form-data without a boundary parameter");
  }
  if (boundary->size() > 70) {
    return make_error(ErrorCode::kInvalidArgument, "multipart boundary longer than 70 characters");
  }
  return *boundary;
}

Result<std::vector<MultipartPart>> parse_multipart(std::string_view body,
                                                   std::string_view boundary) {
  const std::string delimiter = "--" + std::string(boundary);
  const std::string separator = "\r\n" + delimiter;
  // The first delimiter starts the body or follows a preamble line.
  size_t pos;
  if (body.substr(0, delimiter.size()) == delimiter) {
    pos = delimiter.size();
  } else {
    const size_t found = body.find(separator);
    if (found == std::string_view::npos) {
      return std::unexpected(malformed("the boundary does not occur in the body"));
    }
    pos = found + separator.size();
  }

  std::vector<MultipartPart> parts;
  for (;;) {
    const std::string_view rest = body.substr(pos);
    if (rest.substr(0, 2) == "--") return parts;  // closing delimiter
    if (rest.substr(0, 2) != "\r\n") return std::unexpected(malformed("bad delimiter line"));
    pos += 2;
    const size_t headers_end = body.find("\r\n\r\n", pos);
    const size_t next = body.find(separator, pos);
    MultipartPart part;
    if (next == std::string_view::npos) {
      return std::unexpected(malformed("a part has no closing boundary"));
    }
    if (body.substr(pos, 2) == "\r\n") {  // a part without headers
      pos += 2;
    } else {
      if (headers_end == std::string_view::npos || headers_end > next) {
        return std::unexpected(malformed("unterminated part headers"));
      }
      if (auto ok = parse_part_headers(body.substr(pos, headers_end - pos), part); !ok) {
        return std::unexpected(ok.error());
      }
      pos = headers_end + 4;
    }
    part.data = body.substr(pos, next - pos);
    parts.push_back(std::move(part));
    pos = next + separator.size();
  }
}

}  // namespace wasmfaas::http
