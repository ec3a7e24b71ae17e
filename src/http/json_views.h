#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "storage/object_store.h"

namespace wasmfaas::http {

// JSON shapes of the API's success bodies.
nlohmann::json file_entry_json(const storage::ObjectVersion& version);
nlohmann::json version_entry_json(const storage::ObjectVersion& version);
nlohmann::json files_json(const std::vector<storage::ObjectVersion>& versions);
nlohmann::json versions_json(const std::vector<storage::ObjectVersion>& versions);

}  // namespace wasmfaas::http
