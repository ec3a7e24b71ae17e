#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "api/system_bucket.h"
#include "common/error.h"
#include "storage/object_store.h"

namespace wasmfaas::api {

// What a user sees in a bucket, counted as a user counts it: what keeps it
// from being deleted. A plain value.
struct BucketContents {
  size_t functions = 0;        // keys with a current version
  size_t hidden_versions = 0;  // versions of deleted keys (DELETE /file without ?version)
  size_t pipelines = 0;
  // ".wasmfaas/" objects an older node wrote after this node's start-up
  // migration (not user-visible; moved before the bucket is deleted).
  size_t legacy_metadata = 0;

  bool empty() const { return functions == 0 && hidden_versions == 0 && pipelines == 0; }
};

// Counts them: one version listing of the bucket and one of its pipelines.
Result<BucketContents> count_bucket_contents(storage::ObjectStore& store,
                                             const SystemBucket& system, std::string_view bucket);

// kConflict, reason bucket_not_empty, in the user's words: "bucket 'b' is
// not empty: 14 functions, 3 hidden versions, 2 pipelines ...".
Error bucket_not_empty(std::string_view bucket, const BucketContents& contents);

}  // namespace wasmfaas::api
