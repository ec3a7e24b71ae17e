#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>

#include "common/error.h"

namespace wasmfaas::storage {

// Writes `data` to `path` durably: fsync'ed before it returns.
Result<void> write_file_synced(const std::filesystem::path& path, std::span<const uint8_t> data);

// fsyncs a directory so that renames and unlinks in it survive a crash.
Result<void> sync_directory(const std::filesystem::path& dir);

// Replaces `target` atomically with `data`: writes a temp file beside it,
// fsyncs, renames over `target` and fsyncs the directory.
Result<void> replace_file_atomically(const std::filesystem::path& target, std::string_view data);

}  // namespace wasmfaas::storage
