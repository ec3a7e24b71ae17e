#include "common/forbidden_address.h"

#include <netinet/in.h>

#include <cstdint>
#include <cstring>

namespace wasmfaas {
namespace {

// 169.254.0.0/16, `ip` in host byte order.
bool is_forbidden_v4(uint32_t ip) { return (ip >> 16) == 0xa9fe; }

}  // namespace

bool is_forbidden_address(const sockaddr& address) {
  if (address.sa_family == AF_INET) {
    sockaddr_in v4;
    std::memcpy(&v4, &address, sizeof v4);
    return is_forbidden_v4(ntohl(v4.sin_addr.s_addr));
  }
  if (address.sa_family != AF_INET6) return true;
  sockaddr_in6 v6;
  std::memcpy(&v6, &address, sizeof v6);
  const uint8_t* bytes = v6.sin6_addr.s6_addr;
  static constexpr uint8_t kMappedPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::memcmp(bytes, kMappedPrefix, sizeof kMappedPrefix) == 0) {
    return is_forbidden_v4(uint32_t{bytes[12]} << 24 | uint32_t{bytes[13]} << 16 |
                           uint32_t{bytes[14]} << 8 | bytes[15]);
  }
  static constexpr uint8_t kAwsMetadata[16] = {0xfd, 0, 0x0e, 0xc2, 0, 0, 0,    0,
                                               0,    0, 0,    0,    0, 0, 0x02, 0x54};
  if (std::memcmp(bytes, kAwsMetadata, sizeof kAwsMetadata) == 0) return true;
  return bytes[0] == 0xfe && (bytes[1] & 0xc0) == 0x80;  // fe80::/10
}

}  // namespace wasmfaas
