/* The hello example as a wasi:http/proxy component, for `wasmtime serve`:
 * the same work as examples/c/hello (print a line, parse {"name":...},
 * answer {"result":"Hello <name>, how are you?"}), so that the benchmark
 * compares the two hosts on equal guest work. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_input.h"
#include "proxy.h"

static const char kPrefix[] = "{\"result\":\"Hello ";
static const char kSuffix[] = ", how are you?\"}";

/* Reads the whole request body into a malloc'ed buffer. */
static char *read_body(wasi_http_types_own_incoming_request_t request, size_t *len) {
  size_t capacity = 256;
  char *data = malloc(capacity);
  *len = 0;
  wasi_http_types_own_incoming_body_t body;
  if (!wasi_http_types_method_incoming_request_consume(
          wasi_http_types_borrow_incoming_request(request), &body)) {
    return data;
  }
  wasi_http_types_own_input_stream_t stream;
  if (wasi_http_types_method_incoming_body_stream(wasi_http_types_borrow_incoming_body(body),
                                                  &stream)) {
    for (;;) {
      proxy_list_u8_t chunk;
      wasi_io_streams_stream_error_t error;
      if (!wasi_io_streams_method_input_stream_blocking_read(
              wasi_io_streams_borrow_input_stream(stream), 65536, &chunk, &error)) {
        if (error.tag == WASI_IO_STREAMS_STREAM_ERROR_LAST_OPERATION_FAILED) {
          wasi_io_error_error_drop_own(error.val.last_operation_failed);
        }
        break;
      }
      if (*len + chunk.len > capacity) {
        while (*len + chunk.len > capacity) capacity *= 2;
        data = realloc(data, capacity);
      }
      memcpy(data + *len, chunk.ptr, chunk.len);
      *len += chunk.len;
      proxy_list_u8_free(&chunk);
    }
    wasi_io_streams_input_stream_drop_own(stream);
  }
  wasi_http_types_incoming_body_drop_own(body);
  return data;
}

static void respond(wasi_http_types_own_response_outparam_t response_out, const char *text,
                    size_t len) {
  wasi_http_types_own_fields_t headers = wasi_http_types_constructor_fields();
  wasi_http_types_field_name_t name = {(uint8_t *)"content-type", 12};
  wasi_http_types_field_value_t value = {(uint8_t *)"application/json", 16};
  wasi_http_types_header_error_t header_error;
  wasi_http_types_method_fields_append(wasi_http_types_borrow_fields(headers), &name, &value,
                                       &header_error);
  wasi_http_types_own_outgoing_response_t response =
      wasi_http_types_constructor_outgoing_response(headers);
  wasi_http_types_own_outgoing_body_t body;
  wasi_http_types_method_outgoing_response_body(wasi_http_types_borrow_outgoing_response(response),
                                                &body);
  wasi_http_types_result_own_outgoing_response_error_code_t result = {.is_err = false};
  result.val.ok = response;
  wasi_http_types_static_response_outparam_set(response_out, &result);

  wasi_http_types_own_output_stream_t stream;
  if (wasi_http_types_method_outgoing_body_write(wasi_http_types_borrow_outgoing_body(body),
                                                 &stream)) {
    proxy_list_u8_t contents = {(uint8_t *)text, len};
    wasi_io_streams_stream_error_t error;
    if (!wasi_io_streams_method_output_stream_blocking_write_and_flush(
            wasi_io_streams_borrow_output_stream(stream), &contents, &error) &&
        error.tag == WASI_IO_STREAMS_STREAM_ERROR_LAST_OPERATION_FAILED) {
      wasi_io_error_error_drop_own(error.val.last_operation_failed);
    }
    wasi_io_streams_output_stream_drop_own(stream);
  }
  wasi_http_types_error_code_t finish_error;
  wasi_http_types_static_outgoing_body_finish(body, NULL, &finish_error);
}

void exports_wasi_http_incoming_handler_handle(
    exports_wasi_http_incoming_handler_own_incoming_request_t request,
    exports_wasi_http_incoming_handler_own_response_outparam_t response_out) {
  printf("--- Test output ---\n");
  fflush(stdout);
  size_t input_len = 0;
  char *input = read_body(request, &input_len);
  wasi_http_types_incoming_request_drop_own(request);

  char *name = NULL;
  size_t name_len = 0;
  if (json_get_string(input, input_len, "name", &name, &name_len) != JSON_OK) {
    static const char kError[] = "{\"error\":\"missing field `name`\"}";
    respond(response_out, kError, sizeof(kError) - 1);
  } else {
    char *out = malloc(sizeof(kPrefix) + 6 * name_len + sizeof(kSuffix));
    size_t n = 0;
    memcpy(out, kPrefix, sizeof(kPrefix) - 1);
    n += sizeof(kPrefix) - 1;
    n += json_escape(name, name_len, out + n);
    memcpy(out + n, kSuffix, sizeof(kSuffix) - 1);
    n += sizeof(kSuffix) - 1;
    respond(response_out, out, n);
    free(out);
    free(name);
  }
  free(input);
}
