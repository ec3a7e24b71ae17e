#ifndef WASMFAAS_EXAMPLES_JSON_INPUT_H
#define WASMFAAS_EXAMPLES_JSON_INPUT_H

/* A small, strict JSON reader for the C example functions: validates a whole
 * document that must be an object, and extracts one top-level member. */

#include <stddef.h>
#include <stdint.h>

typedef enum {
  JSON_OK = 0,
  JSON_SYNTAX_ERROR,  /* not valid JSON, or not an object */
  JSON_MISSING,       /* the object has no such member */
  JSON_WRONG_TYPE,    /* the member has another type or range */
} json_status;

/* Finds member `key` and decodes its string value into a malloc'ed UTF-8
 * buffer (*out, *out_len); the caller frees *out. */
json_status json_get_string(const char *json, size_t len, const char *key, char **out,
                            size_t *out_len);

/* Finds member `key` whose value must be an integer in 0..4294967295. */
json_status json_get_u32(const char *json, size_t len, const char *key, uint32_t *out);

/* Writes `text` as JSON string content (no quotes) into `out`, which must
 * hold 6 * len bytes; returns the bytes written. */
size_t json_escape(const char *text, size_t len, char *out);

#endif
