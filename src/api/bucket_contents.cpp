#include "api/bucket_contents.h"

#include <set>
#include <vector>

#include "api/reserved_keys.h"
#include "api/store_errors.h"

namespace wasmfaas::api {
namespace {

std::string count_of(size_t count, std::string_view singular, std::string_view plural) {
  return std::to_string(count) + " " + std::string(count == 1 ? singular : plural);
}

}  // namespace

Result<BucketContents> count_bucket_contents(storage::ObjectStore& store,
                                             const SystemBucket& system, std::string_view bucket) {
  auto versions = store.list_object_versions(bucket, "");
  if (!versions) return std::unexpected(bucket_error(bucket, versions.error()));
  BucketContents contents;
  std::set<std::string_view> visible;
  for (const storage::ObjectVersion& version : *versions) {
    if (version.latest) visible.insert(version.key);
  }
  for (const storage::ObjectVersion& version : *versions) {
    if (is_reserved_key(version.key)) {
      ++contents.legacy_metadata;
    } else if (version.latest) {
      ++contents.functions;
    } else if (!visible.contains(version.key)) {
      ++contents.hidden_versions;
    }
  }
  auto pipelines =
      store.list_object_versions(system.name(), SystemBucket::pipelines_prefix(bucket));
  if (!pipelines) {
    if (pipelines.error().reason != reason::kBucketNotFound) {
      return std::unexpected(pipelines.error());
    }
  } else {
    for (const storage::ObjectVersion& version : *pipelines) {
      if (version.latest) ++contents.pipelines;
    }
  }
  return contents;
}

Error bucket_not_empty(std::string_view bucket, const BucketContents& contents) {
  std::vector<std::string> parts;
  if (contents.functions) parts.push_back(count_of(contents.functions, "function", "functions"));
  if (contents.hidden_versions) {
    parts.push_back(count_of(contents.hidden_versions, "hidden version", "hidden versions"));
  }
  if (contents.pipelines) parts.push_back(count_of(contents.pipelines, "pipeline", "pipelines"));
  std::string message = "bucket '" + std::string(bucket) + "' is not empty: ";
  for (size_t i = 0; i < parts.size(); ++i) message += (i ? ", " : "") + parts[i];
  message += " (delete them first";
  if (contents.hidden_versions) {
    message += "; hidden versions are those of deleted functions: DELETE /file/" +
               std::string(bucket) + "/<key>?version=<id> deletes one for good";
  }
  message += ")";
  return Error{ErrorCode::kConflict, std::move(message), reason::kBucketNotEmpty};
}

}  // namespace wasmfaas::api
