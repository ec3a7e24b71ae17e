#include "json_input.h"

#include <stdlib.h>
#include <string.h>

/* A cursor over the document. */
typedef struct {
  const char *p;
  const char *end;
} cursor;

static void skip_ws(cursor *c) {
  while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r')) {
    c->p++;
  }
}

static int hex_value(char ch) {
  if (ch >= '0' && ch <= '9') return ch - '0';
  if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
  if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
  return -1;
}

static int read_hex4(cursor *c, uint32_t *value) {
  if (c->end - c->p < 4) return 0;
  *value = 0;
  for (int i = 0; i < 4; i++) {
    int h = hex_value(c->p[i]);
    if (h < 0) return 0;
    *value = (*value << 4) | (uint32_t)h;
  }
  c->p += 4;
  return 1;
}

static size_t put_utf8(uint32_t cp, char *out) {
  if (cp < 0x80) {
    out[0] = (char)cp;
    return 1;
  }
  if (cp < 0x800) {
    out[0] = (char)(0xC0 | (cp >> 6));
    out[1] = (char)(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    out[0] = (char)(0xE0 | (cp >> 12));
    out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
  }
  out[0] = (char)(0xF0 | (cp >> 18));
  out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
  out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
  out[3] = (char)(0x80 | (cp & 0x3F));
  return 4;
}

/* Parses a string at the cursor (which is on the opening quote). When `out`
 * is non-NULL, the decoded bytes are written there (it must hold at least as
 * many bytes as the raw string) and their count stored in *out_len. */
static int parse_string(cursor *c, char *out, size_t *out_len) {
  size_t n = 0;
  if (c->p >= c->end || *c->p != '"') return 0;
  c->p++;
  while (c->p < c->end) {
    unsigned char ch = (unsigned char)*c->p++;
    if (ch == '"') {
      if (out_len) *out_len = n;
      return 1;
    }
    if (ch < 0x20) return 0;
    if (ch != '\\') {
      if (out) out[n] = (char)ch;
      n++;
      continue;
    }
    if (c->p >= c->end) return 0;
    char esc = *c->p++;
    char decoded;
    switch (esc) {
      case '"': decoded = '"'; break;
      case '\\': decoded = '\\'; break;
      case '/': decoded = '/'; break;
      case 'b': decoded = '\b'; break;
      case 'f': decoded = '\f'; break;
      case 'n': decoded = '\n'; break;
      case 'r': decoded = '\r'; break;
      case 't': decoded = '\t'; break;
      case 'u': {
        uint32_t cp;
        if (!read_hex4(c, &cp)) return 0;
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          uint32_t low;
          if (c->end - c->p < 2 || c->p[0] != '\\' || c->p[1] != 'u') return 0;
          c->p += 2;
          if (!read_hex4(c, &low) || low < 0xDC00 || low > 0xDFFF) return 0;
          cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
        } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
          return 0;
        }
        char buf[4];
        size_t k = put_utf8(cp, buf);
        if (out) memcpy(out + n, buf, k);
        n += k;
        continue;
      }
      default: return 0;
    }
    if (out) out[n] = decoded;
    n++;
  }
  return 0;
}

static int parse_value(cursor *c, int depth);

static int parse_number(cursor *c) {
  const char *start = c->p;
  if (c->p < c->end && *c->p == '-') c->p++;
  if (c->p >= c->end) return 0;
  if (*c->p == '0') {
    c->p++;
  } else if (*c->p >= '1' && *c->p <= '9') {
    while (c->p < c->end && *c->p >= '0' && *c->p <= '9') c->p++;
  } else {
    return 0;
  }
  if (c->p < c->end && *c->p == '.') {
    c->p++;
    if (c->p >= c->end || *c->p < '0' || *c->p > '9') return 0;
    while (c->p < c->end && *c->p >= '0' && *c->p <= '9') c->p++;
  }
  if (c->p < c->end && (*c->p == 'e' || *c->p == 'E')) {
    c->p++;
    if (c->p < c->end && (*c->p == '+' || *c->p == '-')) c->p++;
    if (c->p >= c->end || *c->p < '0' || *c->p > '9') return 0;
    while (c->p < c->end && *c->p >= '0' && *c->p <= '9') c->p++;
  }
  return c->p > start;
}

static int parse_literal(cursor *c, const char *word) {
  size_t n = strlen(word);
  if ((size_t)(c->end - c->p) < n || memcmp(c->p, word, n) != 0) return 0;
  c->p += n;
  return 1;
}

/* Walks the members of the object at the cursor. When `key` is found at this
 * level, *found is set to the start of its value. */
static int parse_object(cursor *c, int depth, const char *key, const char **found) {
  c->p++; /* '{' */
  skip_ws(c);
  if (c->p < c->end && *c->p == '}') {
    c->p++;
    return 1;
  }
  for (;;) {
    skip_ws(c);
    const char *key_start = c->p;
    size_t raw = 0;
    if (!parse_string(c, NULL, &raw)) return 0;
    int matches = 0;
    if (key) {
      cursor again = {key_start, c->p};
      char *decoded = malloc(raw + 1);
      size_t decoded_len = 0;
      if (!decoded) return 0;
      parse_string(&again, decoded, &decoded_len);
      matches = decoded_len == strlen(key) && memcmp(decoded, key, decoded_len) == 0;
      free(decoded);
    }
    skip_ws(c);
    if (c->p >= c->end || *c->p != ':') return 0;
    c->p++;
    skip_ws(c);
    if (matches && found) *found = c->p;
    if (!parse_value(c, depth + 1)) return 0;
    skip_ws(c);
    if (c->p < c->end && *c->p == ',') {
      c->p++;
      continue;
    }
    if (c->p < c->end && *c->p == '}') {
      c->p++;
      return 1;
    }
    return 0;
  }
}

static int parse_array(cursor *c, int depth) {
  c->p++; /* '[' */
  skip_ws(c);
  if (c->p < c->end && *c->p == ']') {
    c->p++;
    return 1;
  }
  for (;;) {
    skip_ws(c);
    if (!parse_value(c, depth + 1)) return 0;
    skip_ws(c);
    if (c->p < c->end && *c->p == ',') {
      c->p++;
      continue;
    }
    if (c->p < c->end && *c->p == ']') {
      c->p++;
      return 1;
    }
    return 0;
  }
}

static int parse_value(cursor *c, int depth) {
  if (depth > 128 || c->p >= c->end) return 0;
  switch (*c->p) {
    case '{': return parse_object(c, depth, NULL, NULL);
    case '[': return parse_array(c, depth);
    case '"': return parse_string(c, NULL, NULL);
    case 't': return parse_literal(c, "true");
    case 'f': return parse_literal(c, "false");
    case 'n': return parse_literal(c, "null");
    default: return parse_number(c);
  }
}

/* Validates the document and locates the value of top-level member `key`. */
static json_status find_member(const char *json, size_t len, const char *key,
                               const char **value) {
  cursor c = {json, json + len};
  *value = NULL;
  skip_ws(&c);
  if (c.p >= c.end || *c.p != '{') return JSON_SYNTAX_ERROR;
  if (!parse_object(&c, 0, key, value)) return JSON_SYNTAX_ERROR;
  skip_ws(&c);
  if (c.p != c.end) return JSON_SYNTAX_ERROR;
  return *value ? JSON_OK : JSON_MISSING;
}

json_status json_get_string(const char *json, size_t len, const char *key, char **out,
                            size_t *out_len) {
  const char *value;
  json_status status = find_member(json, len, key, &value);
  if (status != JSON_OK) return status;
  if (*value != '"') return JSON_WRONG_TYPE;
  cursor c = {value, json + len};
  size_t raw = 0;
  cursor probe = c;
  parse_string(&probe, NULL, &raw);
  *out = malloc(raw + 1);
  if (!*out) return JSON_WRONG_TYPE;
  parse_string(&c, *out, out_len);
  (*out)[*out_len] = '\0';
  return JSON_OK;
}

json_status json_get_u32(const char *json, size_t len, const char *key, uint32_t *out) {
  const char *value;
  json_status status = find_member(json, len, key, &value);
  if (status != JSON_OK) return status;
  const char *end = json + len;
  uint64_t n = 0;
  const char *p = value;
  if (p >= end || *p < '0' || *p > '9') return JSON_WRONG_TYPE;
  while (p < end && *p >= '0' && *p <= '9') {
    n = n * 10 + (uint64_t)(*p - '0');
    if (n > UINT32_MAX) return JSON_WRONG_TYPE;
    p++;
  }
  if (p < end && (*p == '.' || *p == 'e' || *p == 'E')) return JSON_WRONG_TYPE;
  *out = (uint32_t)n;
  return JSON_OK;
}

size_t json_escape(const char *text, size_t len, char *out) {
  static const char hex[] = "0123456789abcdef";
  size_t n = 0;
  for (size_t i = 0; i < len; i++) {
    unsigned char ch = (unsigned char)text[i];
    if (ch == '"' || ch == '\\') {
      out[n++] = '\\';
      out[n++] = (char)ch;
    } else if (ch == '\n') {
      out[n++] = '\\';
      out[n++] = 'n';
    } else if (ch < 0x20) {
      out[n++] = '\\';
      out[n++] = 'u';
      out[n++] = '0';
      out[n++] = '0';
      out[n++] = hex[ch >> 4];
      out[n++] = hex[ch & 0xF];
    } else {
      out[n++] = (char)ch;
    }
  }
  return n;
}
