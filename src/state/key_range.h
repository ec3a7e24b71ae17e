#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace wasmfaas::state {

// The keys one list_keys page may return, as a range in bytewise order:
// from `lower` (inclusive or not) up to `upper` (exclusive; none: no end).
// Both backends turn it into `key >= ? AND key < ?` on the primary key, so a
// page reads only the rows it returns (plus one, to know whether more follow).
struct KeyRange {
  std::string lower;
  bool lower_inclusive = true;
  std::optional<std::string> upper;

  // True when no key can be inside (a cursor past the prefix's keys).
  bool empty() const;
};

// The range of the keys starting with `prefix` that come after `cursor`.
KeyRange key_range(std::string_view prefix, const std::optional<std::string>& cursor);

// The smallest string greater than every string that starts with `prefix`,
// or nullopt when there is none (an empty prefix). When `prefix` is UTF-8
// the result is UTF-8 too (its last code point incremented), so PostgreSQL
// accepts it as text; otherwise its last byte below 0xff is incremented.
std::optional<std::string> prefix_successor(std::string_view prefix);

}  // namespace wasmfaas::state
