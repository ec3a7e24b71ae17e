#pragma once

#include <chrono>
#include <cstddef>

namespace wasmfaas::http {

// Bounds of what one connection may send and how long it may take.
struct HttpLimits {
  size_t max_header_bytes = 16 * 1024;
  size_t max_body_bytes = 6 * 1024 * 1024;        // exec input and other bodies
  size_t max_upload_bytes = 50 * 1024 * 1024;     // POST /file (the seed's 50 MB)
  std::chrono::seconds idle_timeout{60};          // keep-alive connection between requests
  std::chrono::seconds request_timeout{60};       // reading one request
};

}  // namespace wasmfaas::http
