#include "http/json_views.h"

#include "common/time_format.h"

namespace wasmfaas::http {

nlohmann::json file_entry_json(const storage::ObjectVersion& version) {
  return {{"name", version.key},
          {"size", version.size},
          {"etag", version.etag},
          {"version", version.version_id},
          {"modified", format_rfc3339(version.created)}};
}

nlohmann::json version_entry_json(const storage::ObjectVersion& version) {
  return {{"version", version.version_id},
          {"etag", version.etag},
          {"size", version.size},
          {"created", format_rfc3339(version.created)},
          {"latest", version.latest}};
}

nlohmann::json files_json(const std::vector<storage::ObjectVersion>& versions) {
  nlohmann::json files = nlohmann::json::array();
  for (const auto& version : versions) files.push_back(file_entry_json(version));
  return {{"files", std::move(files)}};
}

nlohmann::json versions_json(const std::vector<storage::ObjectVersion>& versions) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& version : versions) list.push_back(version_entry_json(version));
  return {{"versions", std::move(list)}};
}

}  // namespace wasmfaas::http
