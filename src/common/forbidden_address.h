#pragma once

#include <sys/socket.h>

namespace wasmfaas {

// Whether no outgoing request of the server may connect to `address`,
// whatever an allow-list says: 169.254.0.0/16 (link-local, home of the cloud
// metadata endpoints 169.254.169.254 and 169.254.170.2), fe80::/10,
// fd00:ec2::254 (AWS metadata over IPv6) and the IPv4-mapped forms
// (::ffff:a.b.c.d) of the IPv4 ones. Mirrors `is_forbidden_address` in
// runtime-capi/src/http_policy.rs, which guards the functions' wasi:http:
// change both together. An address of another family than AF_INET and
// AF_INET6 is forbidden too. `address` is as large as its family's structure
// (sockaddr_in, sockaddr_in6). Pure, thread-safe.
bool is_forbidden_address(const sockaddr& address);

}  // namespace wasmfaas
