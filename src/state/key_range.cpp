#include "state/key_range.h"

#include "common/utf8.h"

namespace wasmfaas::state {
namespace {

// The start of the last UTF-8 sequence of `text` (valid UTF-8, not empty).
size_t last_code_point_start(std::string_view text) {
  size_t start = text.size() - 1;
  while (start > 0 && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80) --start;
  return start;
}

uint32_t decode(std::string_view sequence) {
  const auto byte = [&](size_t index) { return static_cast<unsigned char>(sequence[index]); };
  switch (sequence.size()) {
    case 1:
      return byte(0);
    case 2:
      return (byte(0) & 0x1Fu) << 6 | (byte(1) & 0x3Fu);
    case 3:
      return (byte(0) & 0x0Fu) << 12 | (byte(1) & 0x3Fu) << 6 | (byte(2) & 0x3Fu);
    default:
      return (byte(0) & 0x07u) << 18 | (byte(1) & 0x3Fu) << 12 | (byte(2) & 0x3Fu) << 6 |
             (byte(3) & 0x3Fu);
  }
}

void append_utf8(std::string& out, uint32_t code_point) {
  const auto push = [&](uint32_t byte) { out.push_back(static_cast<char>(byte)); };
  if (code_point < 0x80) {
    push(code_point);
  } else if (code_point < 0x800) {
    push(0xC0 | code_point >> 6);
    push(0x80 | (code_point & 0x3F));
  } else if (code_point < 0x10000) {
    push(0xE0 | code_point >> 12);
    push(0x80 | (code_point >> 6 & 0x3F));
    push(0x80 | (code_point & 0x3F));
  } else {
    push(0xF0 | code_point >> 18);
    push(0x80 | (code_point >> 12 & 0x3F));
    push(0x80 | (code_point >> 6 & 0x3F));
    push(0x80 | (code_point & 0x3F));
  }
}

// UTF-8's byte order is its code point order and no sequence is a prefix of
// another, so the strings starting with `prefix` are exactly those from
// `prefix` up to (excluding) `prefix` with its last code point incremented.
std::optional<std::string> utf8_successor(std::string_view prefix) {
  while (!prefix.empty()) {
    const size_t start = last_code_point_start(prefix);
    uint32_t next = decode(prefix.substr(start)) + 1;
    if (next == 0xD800) next = 0xE000;  // surrogates are not UTF-8
    if (next <= 0x10FFFF) {
      std::string successor(prefix.substr(0, start));
      append_utf8(successor, next);
      return successor;
    }
    prefix = prefix.substr(0, start);  // U+10FFFF: carry into the code point before
  }
  return std::nullopt;
}

std::optional<std::string> byte_successor(std::string_view prefix) {
  std::string successor(prefix);
  while (!successor.empty() && static_cast<unsigned char>(successor.back()) == 0xFF) {
    successor.pop_back();
  }
  if (successor.empty()) return std::nullopt;
  successor.back() = static_cast<char>(static_cast<unsigned char>(successor.back()) + 1);
  return successor;
}

}  // namespace

bool KeyRange::empty() const {
  if (!upper) return false;
  return lower >= *upper;
}

KeyRange key_range(std::string_view prefix, const std::optional<std::string>& cursor) {
  KeyRange range;
  if (cursor && std::string_view(*cursor) >= prefix) {
    range.lower = *cursor;
    range.lower_inclusive = false;
  } else {
    range.lower = std::string(prefix);
  }
  range.upper = prefix_successor(prefix);
  return range;
}

std::optional<std::string> prefix_successor(std::string_view prefix) {
  return is_valid_utf8(prefix) ? utf8_successor(prefix) : byte_successor(prefix);
}

}  // namespace wasmfaas::state
