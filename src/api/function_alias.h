#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace wasmfaas::api {

// A second version an alias runs for `weight` percent of its calls.
struct AliasCanary {
  std::string version_id;
  uint32_t weight = 0;  // 0-100

  friend bool operator==(const AliasCanary&, const AliasCanary&) = default;
};

// A named pointer of a function ("prod", "canary") to one of its versions,
// optionally with a weighted canary version. A plain value.
struct FunctionAlias {
  std::string name;
  std::string version_id;
  std::optional<AliasCanary> canary;

  friend bool operator==(const FunctionAlias&, const FunctionAlias&) = default;
};

// kInvalidArgument unless `name` is 1-64 of a-z 0-9 _ - and not all digits.
Result<void> validate_alias_name(std::string_view name);

// Parses a PUT body, {"version":"<id>"} or
// {"version":"<id>","canary":{"version":"<id>","weight":10}} (weight an
// integer 0-100), into alias `name`. kInvalidArgument (reason invalid_json
// for text that is no JSON) naming the field otherwise.
Result<FunctionAlias> parse_alias(std::string_view name, std::string_view json);

// {"name":..,"version":..[,"canary":{"version":..,"weight":..}]}.
std::string alias_json(const FunctionAlias& alias);
// {"aliases":[...]}: a function's aliases as stored and as listed.
std::string aliases_json(const std::vector<FunctionAlias>& aliases);
// The inverse of aliases_json; kInternal for an unreadable document.
Result<std::vector<FunctionAlias>> parse_aliases(std::string_view json);

// The version a call of `alias` runs for a roll drawn uniformly from
// [0, 100): the canary's when the roll is below its weight.
const std::string& alias_version_for(const FunctionAlias& alias, uint32_t roll);
// Rolls for this call (a generator per thread, seeded from the OS).
uint32_t alias_roll();

}  // namespace wasmfaas::api
