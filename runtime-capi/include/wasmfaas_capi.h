// Entry points of the project's own crate (runtime-capi/src), beside
// Wasmtime's C API in the same static library.
#ifndef WASMFAAS_CAPI_H
#define WASMFAAS_CAPI_H

#include <stddef.h>
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

#ifdef __cplusplus
}
#endif

#endif
