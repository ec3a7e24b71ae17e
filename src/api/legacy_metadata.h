#pragma once

#include <cstddef>
#include <string_view>

#include "api/system_bucket.h"
#include "common/error.h"
#include "storage/object_store.h"

namespace wasmfaas::api {

// Moves the metadata older releases kept inside users' buckets into the
// system bucket:
//
//   <bucket>/.wasmfaas/config/<key>/<version>  ->  config/<bucket>/<key>/<version>
//   <bucket>/.wasmfaas/pipelines/<name>        ->  pipeline/<bucket>/<name>
//   <bucket>/.wasmfaas/<other>                 ->  legacy/<bucket>/<other>
//
// Each visible object is copied unless its new key exists already, then
// every version of the old key is deleted for good (deleted pipelines are
// only deleted). Copy before delete: a crash loses nothing, and the next run
// finishes the job. Idempotent, and safe when several nodes run it at once:
// at worst two of them copy the same bytes (two identical versions).
// Buckets the store refuses to list (other users' on a shared S3 account)
// are skipped. Returns how many objects it moved.
Result<size_t> migrate_legacy_metadata(storage::ObjectStore& store, const SystemBucket& system);

// The same for one bucket.
Result<size_t> migrate_bucket_metadata(storage::ObjectStore& store, const SystemBucket& system,
                                       std::string_view bucket);

}  // namespace wasmfaas::api
