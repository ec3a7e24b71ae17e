/* fibonacci: {"n":7} -> {"result":34}, with the seed's algorithm on u32:
 * a = 1, b = 1; n times: t = a, a = b, b += t (wrapping); the answer is b. */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>

#include "faas_exec.h"
#include "guest_output.h"
#include "json_input.h"

static uint32_t fibonacci(uint32_t n) {
  uint32_t a = 1;
  uint32_t b = 1;
  for (uint32_t i = 0; i < n; i++) {
    uint32_t t = a;
    a = b;
    b += t;
  }
  return b;
}

void exports_faas_exec_exec(faas_exec_string_t *input, faas_exec_string_t *ret) {
  uint32_t n = 0;
  switch (json_get_u32((const char *)input->ptr, input->len, "n", &n)) {
    case JSON_OK: {
      char out[32];
      int len = snprintf(out, sizeof out, "{\"result\":%" PRIu32 "}", fibonacci(n));
      guest_set_output(ret, out, (size_t)len);
      break;
    }
    case JSON_SYNTAX_ERROR:
      guest_set_output_cstr(ret, "{\"error\":\"input must be a JSON object such as {\\\"n\\\":7}\"}");
      break;
    case JSON_MISSING:
      guest_set_output_cstr(ret, "{\"error\":\"missing field `n`\"}");
      break;
    case JSON_WRONG_TYPE:
      guest_set_output_cstr(ret, "{\"error\":\"field `n` must be an integer from 0 to 4294967295\"}");
      break;
  }
  faas_exec_string_free(input);
}
