#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace wasmfaas::api {

// One step of a pipeline: a function key, optionally pinned to a version
// or running one of the function's aliases (never both).
struct PipelineStep {
  std::string bucket;  // empty in a stored pipeline: the pipeline's own bucket
  std::string key;
  std::optional<std::string> version_id;
  std::optional<std::string> alias;

  // "key", "key@version" or "key#alias"; with `bucket` given,
  // "bucket/key[@version|#alias]".
  std::string describe() const;
};

struct PipelineDefinition {
  std::vector<PipelineStep> steps;
};

// Parses a stored pipeline's JSON, {"steps":["validate","hello#prod","upper@<version>"]}:
// keys of functions in one bucket, "@<version id>" pinning a step,
// "#<alias>" running an alias. A key may itself contain '@' and '#': only a
// last '@' followed by a valid version id pins, and, when nothing pins,
// only a last '#' followed by a valid alias name selects an alias. Unknown
// fields, an empty or over-long step list and malformed steps are
// kInvalidArgument naming the field or step.
Result<PipelineDefinition> parse_pipeline(std::string_view json, size_t max_steps);

// Parses an ad hoc pipeline's steps, "bucket/key[@version|#alias]" each.
Result<std::vector<PipelineStep>> parse_qualified_steps(const std::vector<std::string>& steps,
                                                        size_t max_steps);

// {"steps":[...]} as stored.
std::string pipeline_json(const PipelineDefinition& definition);

// kInvalidArgument unless `name` is 1-128 of a-z 0-9 . _ -.
Result<void> validate_pipeline_name(std::string_view name);

}  // namespace wasmfaas::api
