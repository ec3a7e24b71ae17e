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

// Adds the host interfaces wasmfaas gives components beside WASI preview 2
// to `linker` (a wasmtime_component_linker_t* with WASI p2 added):
// - wasi:http (types, outgoing-handler): a request leaves only if the
//   store's policy allows it; one to an origin outside the allow-list fails
//   in the guest with HTTP-request-denied, one whose host resolves to a
//   link-local or cloud metadata address with destination-IP-prohibited;
// - wasi:keyvalue@0.2.0-draft (store, atomics, batch), served by the
//   store's wasmfaas_kv_host_t;
// - wasi:config/store@0.2.0-rc.1, serving the store's config values.
// Returns false if the definitions could not be added.
bool wasmfaas_component_linker_add_host(wasmtime_component_linker_t *linker);

// What a wasi:keyvalue call asks the host for.
typedef enum wasmfaas_kv_op {
  WASMFAAS_KV_OPEN = 0,
  WASMFAAS_KV_GET = 1,
  WASMFAAS_KV_SET = 2,
  WASMFAAS_KV_DELETE = 3,
  WASMFAAS_KV_EXISTS = 4,
  WASMFAAS_KV_LIST_KEYS = 5,
  WASMFAAS_KV_INCREMENT = 6,
  WASMFAAS_KV_GET_MANY = 7,
  WASMFAAS_KV_SET_MANY = 8,
  WASMFAAS_KV_DELETE_MANY = 9,
} wasmfaas_kv_op_t;

// How a request failed, as wasi:keyvalue's error variant.
enum {
  WASMFAAS_KV_NO_SUCH_STORE = 1,
  WASMFAAS_KV_ACCESS_DENIED = 2,
  WASMFAAS_KV_OTHER = 3,  // with a message for the guest
};

typedef struct wasmfaas_bytes {
  const unsigned char *data;
  size_t len;
} wasmfaas_bytes_t;

// One request; the fields an operation does not use are empty.
typedef struct wasmfaas_kv_request {
  wasmfaas_kv_op_t op;
  uint32_t store;                // the handle OPEN answered (all but OPEN)
  wasmfaas_bytes_t name_or_key;  // OPEN: the store's name; single-key ops: the key
  wasmfaas_bytes_t value;        // SET
  uint64_t delta;                // INCREMENT
  bool has_cursor;               // LIST_KEYS: continue after `cursor`, a
  wasmfaas_bytes_t cursor;       //   cursor the host answered before
  const wasmfaas_bytes_t *keys;  // batch ops: `count` keys,
  const wasmfaas_bytes_t *values;  // and for SET_MANY their values
  size_t count;
} wasmfaas_kv_request_t;

// The answer being built for one request (owned by the crate).
typedef struct wasmfaas_kv_reply wasmfaas_kv_reply_t;

// Answers with a failure (`status` one of WASMFAAS_KV_NO_SUCH_STORE...);
// the message is what the guest sees in other(...).
void wasmfaas_kv_reply_error(wasmfaas_kv_reply_t *reply, uint32_t status,
                             const unsigned char *message, size_t len);
// OPEN: the store's handle; INCREMENT: the new value; EXISTS: 0 or 1.
void wasmfaas_kv_reply_number(wasmfaas_kv_reply_t *reply, uint64_t number);
// GET: once if the key exists; GET_MANY: once per key in order, `found`
// false for a missing one.
void wasmfaas_kv_reply_value(wasmfaas_kv_reply_t *reply, bool found, const unsigned char *data,
                             size_t len);
// LIST_KEYS: one call per key of the page, then the cursor of the next page
// when more keys follow.
void wasmfaas_kv_reply_key(wasmfaas_kv_reply_t *reply, const unsigned char *data, size_t len);
void wasmfaas_kv_reply_cursor(wasmfaas_kv_reply_t *reply, const unsigned char *data, size_t len);

// The host side of wasi:keyvalue for one store. `handle` answers a request
// through the wasmfaas_kv_reply_* functions (no error call: success); it
// runs on the thread running the store, during the guest's call.
typedef struct wasmfaas_kv_host {
  void *context;
  void (*handle)(void *context, const wasmfaas_kv_request_t *request,
                 wasmfaas_kv_reply_t *reply);
} wasmfaas_kv_host_t;

// The settings of one store's host interfaces.
typedef struct wasmfaas_store_host {
  const wasmfaas_http_policy_t *http_policy;
  // Null: every wasi:keyvalue open is access-denied.
  const wasmfaas_kv_host_t *keyvalue;
  // wasi:config/store's values: `config_count` UTF-8 names and values.
  const char *const *config_keys;
  const char *const *config_values;
  size_t config_count;
} wasmfaas_store_host_t;

// Installs the host state of `store` (a wasmtime_store_t* whose WASI context
// was just set). Everything is copied except keyvalue->context, which must
// outlive the store. Returns false if the store's WASI table was used
// already. wasmfaas_instance_pre_instantiate refuses a store without one.
bool wasmfaas_store_init_host(wasmtime_store_t *store, const wasmfaas_store_host_t *host);

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
