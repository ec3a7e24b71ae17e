#include "http/multipart.h"

#include <gtest/gtest.h>

namespace wasmfaas::http {
namespace {

TEST(MultipartTest, ParsesPartsWithHeaders) {
  using namespace std::string_literals;
  const std::string body =
      "--xx\r\nContent-Disposition: form-data; name=\"comment\"\r\n\r\nhello\r\n"
      "--xx\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a;b.wasm\"\r\n"
      "Content-Type: Application/Wasm\r\n\r\n\0asm\r\n--x\r\n--xx--\r\n"s;
  const std::string_view view(body.data(), body.size());
  auto parts = parse_multipart(view, "xx");
  ASSERT_TRUE(parts.has_value()) << parts.error().message;
  ASSERT_EQ(parts->size(), 2u);
  EXPECT_EQ((*parts)[0].name, "comment");
  EXPECT_EQ((*parts)[0].data, "hello");
  EXPECT_EQ((*parts)[1].name, "file");
  EXPECT_EQ((*parts)[1].filename, "a;b.wasm");
  EXPECT_EQ((*parts)[1].content_type, "application/wasm");
  // Binary data, including bytes that look like a shorter delimiter, is kept.
  EXPECT_EQ((*parts)[1].data, std::string_view("\0asm\r\n--x", 9));
}

TEST(MultipartTest, AcceptsAPreamble) {
  auto parts = parse_multipart(
      "preamble text\r\n--b\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\nv\r\n--b--", "b");
  ASSERT_TRUE(parts.has_value());
  ASSERT_EQ(parts->size(), 1u);
  EXPECT_EQ((*parts)[0].data, "v");
}

TEST(MultipartTest, RejectsMalformedBodies) {
  for (const char* body : {
           "",                                                         // empty
           "no delimiter here",                                        // no boundary
           "--b\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\nv",  // unterminated part
           "--b\r\nContent-Disposition: form-data; name=\"f\"\r\nv\r\n--b--",  // no blank line
           "--bXX\r\n\r\nv\r\n--b--",                                   // bad delimiter line
           "--b\r\nNo-Colon-Header\r\n\r\nv\r\n--b--",                 // bad header
           "--b\r\nContent-Disposition: attachment\r\n\r\nv\r\n--b--",  // not form-data
       }) {
    auto parts = parse_multipart(body, "b");
    EXPECT_FALSE(parts.has_value()) << body;
    if (!parts) {
      EXPECT_EQ(parts.error().code, ErrorCode::kInvalidArgument);
    }
  }
}

TEST(MultipartTest, BoundaryFromContentType) {
  EXPECT_EQ(multipart_boundary("multipart/form-data; boundary=abc").value(), "abc");
  EXPECT_EQ(multipart_boundary("multipart/form-data; charset=x; BOUNDARY=\"a b\"").value(), "a b");
  EXPECT_FALSE(multipart_boundary("multipart/form-data").has_value());
  EXPECT_FALSE(multipart_boundary("multipart/form-data; boundary=").has_value());
  EXPECT_FALSE(multipart_boundary("multipart/form-data; boundary=" + std::string(71, 'a')));
}

}  // namespace
}  // namespace wasmfaas::http
