// Entry points of the project's own crate (runtime-capi/src), beside
// Wasmtime's C API in the same static library.
#ifndef WASMFAAS_CAPI_H
#define WASMFAAS_CAPI_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <wasi.h>

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
// traps ("forcing trap when growing memory ..."), unlike the C API's
// wasmtime_store_limiter, whose refused growth the host cannot see.
void wasmfaas_store_limit_growth(void *store, uint64_t memory_bytes, uint64_t table_elements);

#ifdef __cplusplus
}
#endif

#endif
