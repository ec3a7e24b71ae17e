#include "common/origins.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace wasmfaas {
namespace {

TEST(OriginsTest, NormalizesToSchemeHostAndPort) {
  EXPECT_EQ(normalize_origin("https://API.Example.com"), "https://api.example.com:443");
  EXPECT_EQ(normalize_origin("http://localhost:9000/"), "http://localhost:9000");
  EXPECT_EQ(normalize_origin("http://example.com"), "http://example.com:80");
  EXPECT_EQ(normalize_origin("https://*.example.com"), "https://*.example.com:443");
  EXPECT_EQ(normalize_origin("http://[fd00:ec2::254]"), "http://[fd00:ec2::254]:80");
  EXPECT_EQ(normalize_origin("http://[::1]:8080"), "http://[::1]:8080");
  EXPECT_EQ(normalize_origin("http://127.0.0.1:08080"), "http://127.0.0.1:8080");
}

TEST(OriginsTest, RefusesWhatIsNotAnOriginAndSaysWhy) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"example.com", "'example.com' is not scheme://host[:port]"},
      {"FTP://example.com", "'ftp://example.com': the scheme must be http or https"},
      {"https://example.com/path", "only scheme, host and port, no path or user"},
      {"https://user@example.com", "only scheme, host and port, no path or user"},
      {"https://example.com?q", "only scheme, host and port, no path or user"},
      {"https://example.com:0", "the port must be 1 to 65535"},
      {"https://example.com:65536", "the port must be 1 to 65535"},
      {"https://example.com:", "the port must be 1 to 65535"},
      {"https://*example.com", "bad host"},
      {"https://a.*.example.com", "bad host"},
      {"https://", "bad host"},
      {"https://exa mple.com", "bad host"},
  };
  for (const auto& [text, problem] : cases) {
    const Result<std::string> origin = normalize_origin(text);
    ASSERT_FALSE(origin) << text;
    EXPECT_EQ(origin.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(origin.error().message.find(problem), std::string::npos)
        << text << ": " << origin.error().message;
  }
}

TEST(OriginsTest, MatchesSchemeHostAndPortExactly) {
  const std::vector<std::string> allowed = {"http://localhost:9000", "https://api.example.com:443"};
  EXPECT_TRUE(origin_allowed(allowed, "http", "localhost", 9000));
  EXPECT_TRUE(origin_allowed(allowed, "HTTPS", "API.example.COM", 443));
  EXPECT_FALSE(origin_allowed(allowed, "https", "localhost", 9000));
  EXPECT_FALSE(origin_allowed(allowed, "http", "localhost", 9001));
  EXPECT_FALSE(origin_allowed(allowed, "https", "example.com", 443));
  EXPECT_FALSE(origin_allowed(allowed, "https", "api.example.com.evil.test", 443));
}

TEST(OriginsTest, AWildcardMatchesSubdomainsOnly) {
  const std::vector<std::string> allowed = {"https://*.example.com:443"};
  EXPECT_TRUE(origin_allowed(allowed, "https", "a.example.com", 443));
  EXPECT_TRUE(origin_allowed(allowed, "https", "a.b.EXAMPLE.com", 443));
  EXPECT_FALSE(origin_allowed(allowed, "https", "example.com", 443));
  EXPECT_FALSE(origin_allowed(allowed, "https", "evilexample.com", 443));
  EXPECT_FALSE(origin_allowed(allowed, "http", "a.example.com", 443));
  EXPECT_FALSE(origin_allowed(allowed, "https", "a.example.com", 8443));
}

TEST(OriginsTest, Ipv6LiteralsMatchWithOrWithoutBrackets) {
  const std::vector<std::string> allowed = {"http://[::1]:8080"};
  EXPECT_TRUE(origin_allowed(allowed, "http", "::1", 8080));
  EXPECT_TRUE(origin_allowed(allowed, "http", "[::1]", 8080));
  EXPECT_FALSE(origin_allowed(allowed, "http", "[::2]", 8080));
}

TEST(OriginsTest, AnEmptyListAllowsNothing) {
  EXPECT_FALSE(origin_allowed({}, "http", "localhost", 80));
}

}  // namespace
}  // namespace wasmfaas
