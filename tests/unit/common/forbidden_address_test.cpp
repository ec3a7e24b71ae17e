#include "common/forbidden_address.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/un.h>

#include <string>

namespace wasmfaas {
namespace {

// `text` (an IPv4 or IPv6 literal) as a socket address.
bool forbidden(const std::string& text) {
  sockaddr_storage storage{};
  if (text.find(':') == std::string::npos) {
    auto& v4 = reinterpret_cast<sockaddr_in&>(storage);
    v4.sin_family = AF_INET;
    EXPECT_EQ(inet_pton(AF_INET, text.c_str(), &v4.sin_addr), 1) << text;
  } else {
    auto& v6 = reinterpret_cast<sockaddr_in6&>(storage);
    v6.sin6_family = AF_INET6;
    EXPECT_EQ(inet_pton(AF_INET6, text.c_str(), &v6.sin6_addr), 1) << text;
  }
  return is_forbidden_address(reinterpret_cast<const sockaddr&>(storage));
}

// The cases of runtime-capi/src/http_policy.rs's test, and the edges.
TEST(ForbiddenAddressTest, LinkLocalAndMetadataAddressesAreForbidden) {
  for (const char* address :
       {"169.254.169.254", "169.254.170.2", "169.254.0.0", "169.254.255.255", "fd00:ec2::254",
        "::ffff:169.254.169.254", "fe80::1", "febf:ffff::1"}) {
    EXPECT_TRUE(forbidden(address)) << address;
  }
}

TEST(ForbiddenAddressTest, OtherAddressesAreNot) {
  for (const char* address : {"127.0.0.1", "169.253.255.255", "169.255.0.0", "10.0.0.1", "::1",
                              "fec0::1", "fd00:ec2::253", "::ffff:127.0.0.1", "2001:db8::1"}) {
    EXPECT_FALSE(forbidden(address)) << address;
  }
}

TEST(ForbiddenAddressTest, OtherFamiliesAreForbidden) {
  sockaddr_un local{};
  local.sun_family = AF_UNIX;
  EXPECT_TRUE(is_forbidden_address(reinterpret_cast<const sockaddr&>(local)));
}

}  // namespace
}  // namespace wasmfaas
