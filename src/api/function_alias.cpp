#include "api/function_alias.h"

#include <cmath>
#include <nlohmann/json.hpp>
#include <random>

#include "storage/naming.h"

namespace wasmfaas::api {
namespace {

Error invalid(std::string message) {
  return Error{ErrorCode::kInvalidArgument, std::move(message)};
}

Result<std::string> version_field(const nlohmann::json& object, std::string_view where) {
  const auto found = object.find("version");
  if (found == object.end() || !found->is_string()) {
    return std::unexpected(
        invalid("field '" + std::string(where) + "' must be a version id string"));
  }
  std::string version = found->get<std::string>();
  if (!storage::validate_version_id(version)) {
    return std::unexpected(invalid("field '" + std::string(where) + "': '" + version +
                                   "' is not a version id"));
  }
  return version;
}

Result<AliasCanary> parse_canary(const nlohmann::json& canary) {
  if (!canary.is_object()) {
    return std::unexpected(
        invalid("field 'canary' must be an object {\"version\":\"<id>\",\"weight\":<0-100>}"));
  }
  for (const auto& [field, value] : canary.items()) {
    if (field != "version" && field != "weight") {
      return std::unexpected(invalid("unknown field 'canary." + field + "'"));
    }
  }
  auto version = version_field(canary, "canary.version");
  if (!version) return std::unexpected(version.error());
  // An integer, written 10 or 10.0 (JSON Schema's integer), from 0 to 100.
  const auto weight = canary.find("weight");
  const double value = weight != canary.end() && weight->is_number() ? weight->get<double>() : -1;
  if (value < 0 || value > 100 || value != std::floor(value)) {
    return std::unexpected(
        invalid("field 'canary.weight' must be an integer percent from 0 to 100"));
  }
  return AliasCanary{std::move(*version), static_cast<uint32_t>(value)};
}

nlohmann::json alias_object(const FunctionAlias& alias) {
  nlohmann::json object = {{"name", alias.name}, {"version", alias.version_id}};
  if (alias.canary) {
    object["canary"] = {{"version", alias.canary->version_id}, {"weight", alias.canary->weight}};
  }
  return object;
}

}  // namespace

Result<void> validate_alias_name(std::string_view name) {
  const auto refuse = [&] {
    return std::unexpected(invalid("alias name '" + std::string(name) +
                                   "' must be 1 to 64 of a-z, 0-9, '_' and '-', not all digits"));
  };
  if (name.empty() || name.size() > 64) return refuse();
  bool all_digits = true;
  for (char c : name) {
    const bool digit = c >= '0' && c <= '9';
    if (!digit && !(c >= 'a' && c <= 'z') && c != '_' && c != '-') return refuse();
    all_digits = all_digits && digit;
  }
  if (all_digits) return refuse();
  return {};
}

Result<FunctionAlias> parse_alias(std::string_view name, std::string_view json) {
  if (auto valid = validate_alias_name(name); !valid) return std::unexpected(valid.error());
  const auto document = nlohmann::json::parse(json, nullptr, false);
  if (document.is_discarded()) {
    return make_error(ErrorCode::kInvalidArgument,
                      "an alias is JSON such as {\"version\":\"<id>\"}", reason::kInvalidJson);
  }
  if (!document.is_object()) {
    return std::unexpected(invalid("an alias is a JSON object such as {\"version\":\"<id>\"}"));
  }
  for (const auto& [field, value] : document.items()) {
    if (field != "version" && field != "canary") {
      return std::unexpected(invalid("unknown field '" + field + "'"));
    }
  }
  auto version = version_field(document, "version");
  if (!version) return std::unexpected(version.error());
  FunctionAlias alias{std::string(name), std::move(*version), std::nullopt};
  if (const auto canary = document.find("canary"); canary != document.end()) {
    auto parsed = parse_canary(*canary);
    if (!parsed) return std::unexpected(parsed.error());
    alias.canary = std::move(*parsed);
  }
  return alias;
}

std::string alias_json(const FunctionAlias& alias) { return alias_object(alias).dump(); }

std::string aliases_json(const std::vector<FunctionAlias>& aliases) {
  nlohmann::json list = nlohmann::json::array();
  for (const FunctionAlias& alias : aliases) list.push_back(alias_object(alias));
  return nlohmann::json{{"aliases", list}}.dump();
}

Result<std::vector<FunctionAlias>> parse_aliases(std::string_view json) {
  const auto document = nlohmann::json::parse(json, nullptr, false);
  const auto unreadable = [] {
    return make_error(ErrorCode::kInternal, "a function's stored aliases are unreadable");
  };
  if (!document.is_object() || !document.contains("aliases") || !document["aliases"].is_array()) {
    return unreadable();
  }
  std::vector<FunctionAlias> aliases;
  for (const auto& entry : document["aliases"]) {
    if (!entry.is_object() || !entry.contains("name") || !entry["name"].is_string()) {
      return unreadable();
    }
    nlohmann::json body = entry;
    body.erase("name");
    auto alias = parse_alias(entry["name"].get<std::string>(), body.dump());
    if (!alias) return unreadable();
    aliases.push_back(std::move(*alias));
  }
  return aliases;
}

const std::string& alias_version_for(const FunctionAlias& alias, uint32_t roll) {
  if (alias.canary && roll < alias.canary->weight) return alias.canary->version_id;
  return alias.version_id;
}

uint32_t alias_roll() {
  thread_local std::mt19937 generator{std::random_device{}()};
  return std::uniform_int_distribution<uint32_t>(0, 99)(generator);
}

}  // namespace wasmfaas::api
