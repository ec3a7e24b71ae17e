#include "api/pipeline.h"

#include <nlohmann/json.hpp>

#include "api/function_alias.h"
#include "storage/naming.h"

namespace wasmfaas::api {
namespace {

Error invalid(std::string message) { return Error{ErrorCode::kInvalidArgument, std::move(message)}; }

// "key@version" -> key and version, "key#alias" -> key and alias; a key may
// itself contain '@' and '#', so only a last '@' followed by a valid version
// id pins, and (unpinned) a last '#' followed by a valid alias name.
Result<PipelineStep> parse_step(std::string_view text) {
  PipelineStep step;
  step.key = std::string(text);
  if (const size_t at = text.rfind('@'); at != std::string_view::npos && at > 0) {
    const std::string_view version = text.substr(at + 1);
    if (storage::validate_version_id(version)) {
      step.key = std::string(text.substr(0, at));
      step.version_id = std::string(version);
    }
  }
  if (const size_t hash = text.rfind('#');
      !step.version_id && hash != std::string_view::npos && hash > 0) {
    const std::string_view alias = text.substr(hash + 1);
    if (validate_alias_name(alias)) {
      step.key = std::string(text.substr(0, hash));
      step.alias = std::string(alias);
    }
  }
  if (auto valid = storage::validate_object_key(step.key); !valid) {
    return std::unexpected(invalid("step '" + std::string(text) + "': " + valid.error().message));
  }
  return step;
}

Result<std::vector<std::string>> step_strings(const nlohmann::json& steps, size_t max_steps) {
  if (!steps.is_array()) return std::unexpected(invalid("field 'steps' must be an array of strings"));
  if (steps.empty()) return std::unexpected(invalid("field 'steps' must not be empty"));
  if (steps.size() > max_steps) {
    return std::unexpected(invalid("a pipeline has at most " + std::to_string(max_steps) +
                                   " steps, not " + std::to_string(steps.size())));
  }
  std::vector<std::string> result;
  for (const auto& step : steps) {
    if (!step.is_string()) return std::unexpected(invalid("field 'steps' must be an array of strings"));
    result.push_back(step.get<std::string>());
  }
  return result;
}

}  // namespace

std::string PipelineStep::describe() const {
  std::string text = bucket.empty() ? key : bucket + "/" + key;
  if (version_id) text += "@" + *version_id;
  if (alias) text += "#" + *alias;
  return text;
}

Result<PipelineDefinition> parse_pipeline(std::string_view json, size_t max_steps) {
  const auto document = nlohmann::json::parse(json, nullptr, false);
  if (document.is_discarded() || !document.is_object()) {
    return std::unexpected(invalid("a pipeline is a JSON object such as {\"steps\":[\"a\",\"b\"]}"));
  }
  for (const auto& [field, value] : document.items()) {
    if (field != "steps") return std::unexpected(invalid("unknown field '" + field + "'"));
  }
  if (!document.contains("steps")) return std::unexpected(invalid("missing field 'steps'"));
  auto steps = step_strings(document["steps"], max_steps);
  if (!steps) return std::unexpected(steps.error());
  PipelineDefinition definition;
  for (const std::string& text : *steps) {
    auto step = parse_step(text);
    if (!step) return std::unexpected(step.error());
    definition.steps.push_back(std::move(*step));
  }
  return definition;
}

Result<std::vector<PipelineStep>> parse_qualified_steps(const std::vector<std::string>& steps,
                                                        size_t max_steps) {
  auto checked = step_strings(nlohmann::json(steps), max_steps);
  if (!checked) return std::unexpected(checked.error());
  std::vector<PipelineStep> result;
  for (const std::string& text : steps) {
    const size_t slash = text.find('/');
    if (slash == std::string::npos) {
      return std::unexpected(invalid("step '" + text + "' must be 'bucket/key'"));
    }
    auto step = parse_step(std::string_view(text).substr(slash + 1));
    if (!step) return std::unexpected(step.error());
    step->bucket = text.substr(0, slash);
    if (auto valid = storage::validate_bucket_name(step->bucket); !valid) {
      return std::unexpected(invalid("step '" + text + "': " + valid.error().message));
    }
    result.push_back(std::move(*step));
  }
  return result;
}

std::string pipeline_json(const PipelineDefinition& definition) {
  nlohmann::json steps = nlohmann::json::array();
  for (const auto& step : definition.steps) steps.push_back(step.describe());
  return nlohmann::json{{"steps", steps}}.dump();
}

Result<void> validate_pipeline_name(std::string_view name) {
  if (name.empty() || name.size() > 128) {
    return std::unexpected(invalid("pipeline name must be 1 to 128 characters"));
  }
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
                    c == '-';
    if (!ok) {
      return std::unexpected(
          invalid("pipeline name '" + std::string(name) +
                  "' may use only lowercase letters, digits, dots, underscores and hyphens"));
    }
  }
  return {};
}

}  // namespace wasmfaas::api
