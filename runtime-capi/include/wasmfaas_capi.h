// Entry points of the project's own crate (runtime-capi/src), beside
// Wasmtime's C API in the same static library.
#ifndef WASMFAAS_CAPI_H
#define WASMFAAS_CAPI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <wasi.h>
#include <wasmtime.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef ptrdiff_t (*wasmfaas_write_callback_t)(void *data, const unsigned char *bytes, size_t len);

// Sends the guest's stdout and stderr synchronously to the callbacks (the C
// API's wasi_config_set_stdout_custom goes through a background task per
// write). `stdout_data` and `stderr_data` must outlive every store built
// from `config`.
void wasmfaas_wasi_config_capture_output(wasi_config_t *config,
                                         wasmfaas_write_callback_t stdout_callback,
                                         void *stdout_data,
                                         wasmfaas_write_callback_t stderr_callback,
                                         void *stderr_data);

// Limits each linear memory of `store` (a wasmtime_store_t*) to
// `memory_bytes` and each table to `table_elements`; growing past either
// traps with an error wasmfaas_error_kind() names (WASMFAAS_ERROR_MEMORY_LIMIT
// or WASMFAAS_ERROR_TABLE_LIMIT), unlike the C API's wasmtime_store_limiter,
// whose refused growth the host cannot see.
void wasmfaas_store_limit_growth(void *store, uint64_t memory_bytes, uint64_t table_elements);

// What kind of failure a wasmtime_error_t is, from the types in its error
// chain (never from its message).
typedef enum wasmfaas_error_kind {
  WASMFAAS_ERROR_OTHER = 0,           // not a trap (a host or linking failure, ...)
  WASMFAAS_ERROR_TRAP = 1,            // any trap not named below
  WASMFAAS_ERROR_INTERRUPT = 2,       // the epoch deadline passed
  WASMFAAS_ERROR_OUT_OF_FUEL = 3,     // the store's fuel ran out
  WASMFAAS_ERROR_MEMORY_LIMIT = 4,    // wasmfaas_store_limit_growth refused a memory growth
  WASMFAAS_ERROR_TABLE_LIMIT = 5,     // ... or a table growth
  WASMFAAS_ERROR_INVALID_STRING = 6,  // a string the guest passed out is not valid UTF-8/UTF-16
} wasmfaas_error_kind_t;

wasmfaas_error_kind_t wasmfaas_error_kind(const wasmtime_error_t *error);

// The wasi:http policy of one store (see wasmfaas_store_set_http_policy).
typedef struct wasmfaas_http_policy {
  // "scheme://host[:port]"; host may be "*.example.com" (any subdomain).
  const char *const *allowed_origins;
  size_t allowed_origin_count;
  uint64_t connect_timeout_ms;
  uint64_t first_byte_timeout_ms;
  // From sending the request to the last byte of the response body.
  uint64_t total_timeout_ms;
  uint64_t max_response_bytes;
  uint32_t max_concurrent_requests;
} wasmfaas_http_policy_t;

// Adds wasi:http (types, outgoing-handler) to `linker` (a
// wasmtime_component_linker_t* with WASI p2 added). Each store's requests
// leave only if its policy allows them: a request to an origin outside the
// allow-list fails in the guest with HTTP-request-denied, one whose host
// resolves to a link-local or cloud metadata address with
// destination-IP-prohibited. A store without a policy may reach nothing.
// Returns false if the definitions could not be added.
bool wasmfaas_component_linker_add_wasi_http(void *linker);

// Sets the wasi:http policy of `store` (a wasmtime_store_t* whose WASI
// context is set). The policy is copied.
void wasmfaas_store_set_http_policy(void *store, const wasmfaas_http_policy_t *policy);

// Calls `callback` once per denied outgoing request of `store` since the
// last call, with a one-line message, and forgets them.
void wasmfaas_store_take_http_denials(void *store, wasmfaas_write_callback_t callback, void *data);

// A component whose imports are resolved, once, against a linker
// (Linker::instantiate_pre). Immutable; usable from many threads at once.
typedef struct wasmfaas_instance_pre wasmfaas_instance_pre_t;

// Resolves the imports of `component` (a wasmtime_component_t*) against
// `linker` (a wasmtime_component_linker_t*) and stores a new handle in
// `out`. Returns null, or the error (a missing or mistyped import).
wasmtime_error_t *wasmfaas_instance_pre_new(const void *linker, const void *component,
                                            wasmfaas_instance_pre_t **out);

// Instantiates `pre` in the store of `context`, like
// wasmtime_component_linker_instantiate without resolving imports again.
wasmtime_error_t *wasmfaas_instance_pre_instantiate(const wasmfaas_instance_pre_t *pre,
                                                    wasmtime_context_t *context,
                                                    wasmtime_component_instance_t *instance_out);

// Frees a handle from wasmfaas_instance_pre_new (null is ignored).
void wasmfaas_instance_pre_delete(wasmfaas_instance_pre_t *pre);

#ifdef __cplusplus
}
#endif

#endif
