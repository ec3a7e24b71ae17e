// parse_multipart on arbitrary bodies: no crash, and every part it returns
// points inside the body it was given.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "http/multipart.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  // The first line is the Content-Type header, the rest the body.
  const size_t newline = input.find('\n');
  const std::string_view content_type = input.substr(0, newline);
  const std::string_view body =
      newline == std::string_view::npos ? std::string_view() : input.substr(newline + 1);
  auto boundary = wasmfaas::http::multipart_boundary(content_type);
  if (!boundary) return 0;
  auto parts = wasmfaas::http::parse_multipart(body, *boundary);
  if (!parts) return 0;
  for (const auto& part : *parts) {
    if (part.data.data() < body.data() ||
        part.data.data() + part.data.size() > body.data() + body.size()) {
      std::abort();
    }
  }
  return 0;
}
