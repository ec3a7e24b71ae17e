#ifndef WASMFAAS_EXAMPLES_GUEST_OUTPUT_H
#define WASMFAAS_EXAMPLES_GUEST_OUTPUT_H

/* Helpers for the C examples to hand an exec result back to the host. */

#include <stdlib.h>
#include <string.h>

#include "faas_exec.h"

/* Sets *ret to a malloc'ed copy of `text`; the bindings free it after the
 * host has read it. */
static inline void guest_set_output(faas_exec_string_t *ret, const char *text, size_t len) {
  ret->ptr = (uint8_t *)malloc(len ? len : 1);
  memcpy(ret->ptr, text, len);
  ret->len = len;
}

static inline void guest_set_output_cstr(faas_exec_string_t *ret, const char *text) {
  guest_set_output(ret, text, strlen(text));
}

#endif
