#pragma once

#include <wasmfaas_capi.h>

namespace wasmfaas::runtime {

// The crate's wasi:keyvalue callback (wasmfaas_kv_host_t::handle) for a
// KeyValueHost* context: decodes the request, calls the host and encodes its
// answer. Never throws: an exception from the host is an `other` error.
void handle_keyvalue_request(void* host, const wasmfaas_kv_request_t* request,
                             wasmfaas_kv_reply_t* reply);

}  // namespace wasmfaas::runtime
