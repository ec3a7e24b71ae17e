#include "state/counter.h"

#include <charconv>

namespace wasmfaas::state {

std::optional<int64_t> parse_counter(std::string_view text) {
  // from_chars takes exactly "-?[0-9]+" (no '+', no spaces) and reports overflow.
  int64_t value = 0;
  const char* end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, value);
  if (error != std::errc() || stop != end) return std::nullopt;
  return value;
}

Result<int64_t> incremented_counter(const std::optional<std::string>& current, int64_t delta) {
  int64_t value = 0;
  if (current) {
    const auto parsed = parse_counter(*current);
    if (!parsed) {
      // A value made only of digits (and a leading '-') is an integer out of range.
      const bool digits =
          !current->empty() &&
          current->find_first_not_of("0123456789", (*current)[0] == '-') == std::string::npos &&
          *current != "-";
      return std::unexpected(digits ? counter_overflow_error(*current, delta)
                                    : not_a_counter_error());
    }
    value = *parsed;
  }
  int64_t sum = 0;
  if (__builtin_add_overflow(value, delta, &sum)) {
    return std::unexpected(counter_overflow_error(std::to_string(value), delta));
  }
  return sum;
}

Error not_a_counter_error() {
  return Error{ErrorCode::kInvalidArgument,
               "cannot increment: the key's value is not a decimal integer"};
}

Error counter_overflow_error(std::string_view current, int64_t delta) {
  // `current` is digits only here, safe to show; long ones are cut.
  std::string shown(current.substr(0, 40));
  if (current.size() > 40) shown += "...";
  return Error{ErrorCode::kInvalidArgument, "cannot increment: " + shown + " + " +
                                                std::to_string(delta) +
                                                " is outside the 64-bit integer range"};
}

}  // namespace wasmfaas::state
