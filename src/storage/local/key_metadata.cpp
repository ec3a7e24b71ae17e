#include "storage/local/key_metadata.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "storage/local/durable_file.h"

namespace wasmfaas::storage {

const VersionRecord* KeyMetadata::visible() const {
  if (history.empty() || history.back().delete_marker) return nullptr;
  return &history.back();
}

const VersionRecord* KeyMetadata::find(std::string_view version_id) const {
  for (const auto& record : history) {
    if (!record.delete_marker && record.id == version_id) return &record;
  }
  return nullptr;
}

ObjectVersion KeyMetadata::describe(const VersionRecord& record) const {
  ObjectVersion version;
  version.key = key;
  version.version_id = record.id;
  version.etag = record.etag;
  version.sha256 = record.sha256;
  version.size = record.size;
  version.created = std::chrono::system_clock::time_point(
      std::chrono::milliseconds(record.created_unix_ms));
  version.latest = visible() == &record;
  return version;
}

Result<std::optional<KeyMetadata>> read_key_metadata(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) return std::optional<KeyMetadata>();
  std::stringstream text;
  text << in.rdbuf();
  try {
    const auto json = nlohmann::json::parse(text.str());
    KeyMetadata metadata;
    metadata.key = json.at("key").get<std::string>();
    for (const auto& entry : json.at("history")) {
      VersionRecord record;
      record.id = entry.at("id").get<std::string>();
      record.delete_marker = entry.value("delete_marker", false);
      record.etag = entry.value("etag", "");
      record.sha256 = entry.value("sha256", "");
      record.size = entry.value("size", uint64_t{0});
      record.created_unix_ms = entry.at("created_unix_ms").get<int64_t>();
      metadata.history.push_back(std::move(record));
    }
    return std::optional<KeyMetadata>(std::move(metadata));
  } catch (const nlohmann::json::exception& error) {
    return make_error(ErrorCode::kInternal,
                      "corrupt metadata " + file.string() + ": " + error.what());
  }
}

Result<void> write_key_metadata(const std::filesystem::path& file, const KeyMetadata& metadata) {
  nlohmann::json history = nlohmann::json::array();
  for (const auto& record : metadata.history) {
    nlohmann::json entry = {{"id", record.id}, {"created_unix_ms", record.created_unix_ms}};
    if (record.delete_marker) {
      entry["delete_marker"] = true;
    } else {
      entry["etag"] = record.etag;
      entry["sha256"] = record.sha256;
      entry["size"] = record.size;
    }
    history.push_back(std::move(entry));
  }
  const nlohmann::json json = {{"key", metadata.key}, {"history", std::move(history)}};
  return replace_file_atomically(file, json.dump());
}

}  // namespace wasmfaas::storage
