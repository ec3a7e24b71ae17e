#include "triggers/cron_field.h"

#include <array>
#include <cctype>
#include <charconv>
#include <optional>
#include <string>

#include "triggers/quoted.h"

namespace wasmfaas::triggers {

namespace {

constexpr std::array<std::string_view, 12> kMonthNames = {"jan", "feb", "mar", "apr", "may", "jun",
                                                          "jul", "aug", "sep", "oct", "nov", "dec"};
constexpr std::array<std::string_view, 7> kDayNames = {"sun", "mon", "tue", "wed",
                                                       "thu", "fri", "sat"};

// The values a field takes. `last` ends `*` and `A/S`; `largest` is the
// largest value written (day-of-week: 7, another Sunday).
struct FieldRange {
  int first;
  int last;
  int largest;
};

FieldRange range_of(CronFieldKind kind) {
  switch (kind) {
    case CronFieldKind::kSecond:
    case CronFieldKind::kMinute:
      return {0, 59, 59};
    case CronFieldKind::kHour:
      return {0, 23, 23};
    case CronFieldKind::kDayOfMonth:
      return {1, 31, 31};
    case CronFieldKind::kMonth:
      return {1, 12, 12};
    case CronFieldKind::kDayOfWeek:
      return {0, 6, 7};
  }
  return {0, 0, 0};
}

// A number or name as written, and whether it was the name "SUN".
struct ParsedValue {
  int value;
  bool sunday_name;
};

// Failures say which field and which element, e.g.
// "cron day-of-week field 'MON-FRX': unknown day 'FRX' (SUN-SAT or 0-7)".
std::unexpected<Error> field_error(CronFieldKind kind, std::string_view element,
                                   const std::string& what) {
  return make_error(ErrorCode::kInvalidArgument, "cron " + std::string(field_name(kind)) +
                                                     " field " + quoted(element) + ": " + what);
}

std::string lowercase(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower;
}

std::string range_text(FieldRange range) {
  return std::to_string(range.first) + "-" + std::to_string(range.largest);
}

// Quartz's L (last), W (nearest weekday) and # (nth weekday), which this
// parser does not take: "L", "LW", "5L", "L5", "15W", "W15".
bool is_quartz_extension(std::string_view lower) {
  if (lower == "l" || lower == "lw") return true;
  const auto digits = [](std::string_view text) {
    return !text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos;
  };
  const char head = lower.front();
  const char tail = lower.back();
  return ((head == 'l' || head == 'w') && digits(lower.substr(1))) ||
         ((tail == 'l' || tail == 'w') && digits(lower.substr(0, lower.size() - 1)));
}

std::unexpected<Error> unsupported_error(CronFieldKind kind, std::string_view element) {
  return field_error(kind, element, "L, W and # are not supported");
}

Result<ParsedValue> parse_value(std::string_view token, CronFieldKind kind,
                                std::string_view element) {
  if (token.empty()) return field_error(kind, element, "a number is missing");
  const std::string lower = lowercase(token);
  if (is_quartz_extension(lower)) return unsupported_error(kind, element);
  const FieldRange range = range_of(kind);
  if (std::isdigit(static_cast<unsigned char>(token[0]))) {
    int value = 0;
    const char* end = token.data() + token.size();
    const auto [stop, error] = std::from_chars(token.data(), end, value);
    if (stop != end) {
      return field_error(kind, element, quoted(token) + " is not a number");
    }
    if (error != std::errc() || value < range.first || value > range.largest) {
      return field_error(kind, element,
                         "value " + quoted(token) + " is outside " + range_text(range));
    }
    return ParsedValue{value, false};
  }
  if (kind == CronFieldKind::kMonth) {
    for (size_t i = 0; i < kMonthNames.size(); ++i) {
      if (lower == kMonthNames[i]) return ParsedValue{static_cast<int>(i) + 1, false};
    }
    return field_error(kind, element, "unknown month " + quoted(token) + " (JAN-DEC or 1-12)");
  }
  if (kind == CronFieldKind::kDayOfWeek) {
    for (size_t i = 0; i < kDayNames.size(); ++i) {
      if (lower == kDayNames[i]) return ParsedValue{static_cast<int>(i), i == 0};
    }
    return field_error(kind, element, "unknown day " + quoted(token) + " (SUN-SAT or 0-7)");
  }
  return field_error(kind, element, quoted(token) + " is not a number");
}

Result<int> parse_step(std::string_view token, CronFieldKind kind, std::string_view element) {
  const bool digits =
      !token.empty() && token.find_first_not_of("0123456789") == std::string_view::npos;
  if (!digits) return field_error(kind, element, "step " + quoted(token) + " is not a number");
  int step = 0;
  const auto [stop, error] = std::from_chars(token.data(), token.data() + token.size(), step);
  if (error != std::errc())
    return field_error(kind, element, "step " + quoted(token) + " is too large");
  if (step < 1) return field_error(kind, element, "step " + quoted(token) + " must be at least 1");
  return step;
}

// Adds one list element (no commas) to `field`.
Result<void> add_element(std::string_view element, CronFieldKind kind, CronField& field) {
  const FieldRange range = range_of(kind);
  if (element.find('#') != std::string_view::npos) return unsupported_error(kind, element);
  std::string_view span = element;
  std::optional<int> step;
  if (const size_t slash = element.find('/'); slash != std::string_view::npos) {
    auto parsed = parse_step(element.substr(slash + 1), kind, element);
    if (!parsed) return std::unexpected(parsed.error());
    step = *parsed;
    span = element.substr(0, slash);
  }
  int low = 0;
  int high = 0;
  if (span == "*") {
    low = range.first;
    high = range.last;
    if (!step) field.has_wildcard = true;
  } else if (const size_t dash = span.find('-'); dash != std::string_view::npos) {
    auto first = parse_value(span.substr(0, dash), kind, element);
    if (!first) return std::unexpected(first.error());
    auto last = parse_value(span.substr(dash + 1), kind, element);
    if (!last) return std::unexpected(last.error());
    low = first->value;
    high = last->value;
    // FRI-SUN: Sunday as the end of the week.
    if (kind == CronFieldKind::kDayOfWeek && last->sunday_name && low > 0) high = 7;
    if (low > high) {
      return field_error(kind, element,
                         "range " + quoted(span) + " runs backwards (write it as two ranges)");
    }
  } else {
    auto value = parse_value(span, kind, element);
    if (!value) return std::unexpected(value.error());
    low = value->value;
    high = step ? range.last : low;
    if (low > high) {
      return field_error(kind, element,
                         "a step must start at " + std::to_string(range.last) + " or below");
    }
  }
  for (int value = low; value <= high; value += step.value_or(1)) {
    field.values |= uint64_t{1} << (kind == CronFieldKind::kDayOfWeek ? value % 7 : value);
    if (high - value < step.value_or(1)) break;  // no overflow for huge steps
  }
  return {};
}

}  // namespace

std::string_view field_name(CronFieldKind kind) {
  switch (kind) {
    case CronFieldKind::kSecond:
      return "second";
    case CronFieldKind::kMinute:
      return "minute";
    case CronFieldKind::kHour:
      return "hour";
    case CronFieldKind::kDayOfMonth:
      return "day-of-month";
    case CronFieldKind::kMonth:
      return "month";
    case CronFieldKind::kDayOfWeek:
      return "day-of-week";
  }
  return "?";
}

Result<CronField> parse_cron_field(std::string_view text, CronFieldKind kind) {
  CronField field;
  if (text == "?") {
    if (kind != CronFieldKind::kDayOfMonth && kind != CronFieldKind::kDayOfWeek) {
      return field_error(kind, text, "'?' is only allowed in day-of-month and day-of-week");
    }
    text = "*";
  }
  size_t start = 0;
  while (true) {
    const size_t comma = text.find(',', start);
    const std::string_view element = text.substr(
        start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    if (element.empty()) return field_error(kind, text, "an empty list element");
    if (auto added = add_element(element, kind, field); !added) {
      return std::unexpected(added.error());
    }
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return field;
}

}  // namespace wasmfaas::triggers
