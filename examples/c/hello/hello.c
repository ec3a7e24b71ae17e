/* hello: {"name":"World"} -> {"result":"Hello World, how are you?"}.
 * Prints "--- Test output ---" to stdout on every call, as the seed's does. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faas_exec.h"
#include "guest_output.h"
#include "json_input.h"

static const char kPrefix[] = "{\"result\":\"Hello ";
static const char kSuffix[] = ", how are you?\"}";

void exports_faas_exec_exec(faas_exec_string_t *input, faas_exec_string_t *ret) {
  printf("--- Test output ---\n");
  fflush(stdout);

  char *name = NULL;
  size_t name_len = 0;
  switch (json_get_string((const char *)input->ptr, input->len, "name", &name, &name_len)) {
    case JSON_OK: {
      size_t prefix_len = sizeof(kPrefix) - 1;
      size_t suffix_len = sizeof(kSuffix) - 1;
      char *out = malloc(prefix_len + 6 * name_len + suffix_len);
      size_t n = 0;
      memcpy(out, kPrefix, prefix_len);
      n += prefix_len;
      n += json_escape(name, name_len, out + n);
      memcpy(out + n, kSuffix, suffix_len);
      n += suffix_len;
      guest_set_output(ret, out, n);
      free(out);
      free(name);
      break;
    }
    case JSON_SYNTAX_ERROR:
      guest_set_output_cstr(ret, "{\"error\":\"input must be a JSON object such as {\\\"name\\\":\\\"World\\\"}\"}");
      break;
    case JSON_MISSING:
      guest_set_output_cstr(ret, "{\"error\":\"missing field `name`\"}");
      break;
    case JSON_WRONG_TYPE:
      guest_set_output_cstr(ret, "{\"error\":\"field `name` must be a string\"}");
      break;
  }
  faas_exec_string_free(input);
}
