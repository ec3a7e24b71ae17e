#include "runtime/keyvalue_bridge.h"

#include <exception>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "runtime/keyvalue_host.h"

namespace wasmfaas::runtime {
namespace {

using Failure = KeyValueHost::Failure;

std::string_view view(wasmfaas_bytes_t bytes) {
  return bytes.len == 0 ? std::string_view()
                        : std::string_view(reinterpret_cast<const char*>(bytes.data), bytes.len);
}

const unsigned char* data_of(std::string_view text) {
  return reinterpret_cast<const unsigned char*>(text.data());
}

std::vector<std::string> keys_of(const wasmfaas_kv_request_t& request) {
  std::vector<std::string> keys;
  keys.reserve(request.count);
  for (size_t i = 0; i < request.count; ++i) keys.emplace_back(view(request.keys[i]));
  return keys;
}

void reply_failure(wasmfaas_kv_reply_t* reply, const Failure& failure) {
  uint32_t status = WASMFAAS_KV_OTHER;
  if (failure.kind == Failure::Kind::kNoSuchStore) status = WASMFAAS_KV_NO_SUCH_STORE;
  if (failure.kind == Failure::Kind::kAccessDenied) status = WASMFAAS_KV_ACCESS_DENIED;
  wasmfaas_kv_reply_error(reply, status, data_of(failure.message), failure.message.size());
}

// Answers `outcome`: its failure, or its value through `encode`.
template <typename T, typename Encode>
void answer(wasmfaas_kv_reply_t* reply, KeyValueHost::Outcome<T> outcome, Encode encode) {
  if (!outcome) {
    reply_failure(reply, outcome.error());
    return;
  }
  if constexpr (!std::is_void_v<T>) {
    encode(*outcome);
  } else {
    encode();
  }
}

void dispatch(KeyValueHost& host, const wasmfaas_kv_request_t& request,
              wasmfaas_kv_reply_t* reply) {
  const uint32_t store = request.store;
  const std::string_view key = view(request.name_or_key);
  const auto nothing = [] {};
  switch (request.op) {
    case WASMFAAS_KV_OPEN:
      return answer(reply, host.open(key),
                    [&](uint32_t handle) { wasmfaas_kv_reply_number(reply, handle); });
    case WASMFAAS_KV_GET:
      return answer(reply, host.get(store, key), [&](const std::optional<std::string>& value) {
        if (value) wasmfaas_kv_reply_value(reply, true, data_of(*value), value->size());
      });
    case WASMFAAS_KV_SET:
      return answer(reply, host.set(store, key, view(request.value)), nothing);
    case WASMFAAS_KV_DELETE:
      return answer(reply, host.remove(store, key), nothing);
    case WASMFAAS_KV_EXISTS:
      return answer(reply, host.exists(store, key),
                    [&](bool exists) { wasmfaas_kv_reply_number(reply, exists ? 1 : 0); });
    case WASMFAAS_KV_LIST_KEYS: {
      std::optional<std::string> cursor;
      if (request.has_cursor) cursor.emplace(view(request.cursor));
      return answer(reply, host.list_keys(store, cursor), [&](const KeyValueHost::KeyPage& page) {
        for (const std::string& listed : page.keys) {
          wasmfaas_kv_reply_key(reply, data_of(listed), listed.size());
        }
        if (page.next_cursor) {
          wasmfaas_kv_reply_cursor(reply, data_of(*page.next_cursor), page.next_cursor->size());
        }
      });
    }
    case WASMFAAS_KV_INCREMENT:
      return answer(reply, host.increment(store, key, request.delta),
                    [&](uint64_t value) { wasmfaas_kv_reply_number(reply, value); });
    case WASMFAAS_KV_GET_MANY:
      return answer(reply, host.get_many(store, keys_of(request)),
                    [&](const std::vector<std::optional<std::string>>& values) {
                      for (const auto& value : values) {
                        if (value) {
                          wasmfaas_kv_reply_value(reply, true, data_of(*value), value->size());
                        } else {
                          wasmfaas_kv_reply_value(reply, false, nullptr, 0);
                        }
                      }
                    });
    case WASMFAAS_KV_SET_MANY: {
      std::vector<std::pair<std::string, std::string>> entries;
      entries.reserve(request.count);
      for (size_t i = 0; i < request.count; ++i) {
        entries.emplace_back(view(request.keys[i]), view(request.values[i]));
      }
      return answer(reply, host.set_many(store, entries), nothing);
    }
    case WASMFAAS_KV_DELETE_MANY:
      return answer(reply, host.remove_many(store, keys_of(request)), nothing);
  }
  reply_failure(reply, Failure{Failure::Kind::kOther, "unknown key-value operation"});
}

}  // namespace

void handle_keyvalue_request(void* host, const wasmfaas_kv_request_t* request,
                             wasmfaas_kv_reply_t* reply) {
  try {
    dispatch(*static_cast<KeyValueHost*>(host), *request, reply);
  } catch (const std::exception& e) {
    reply_failure(reply, Failure{Failure::Kind::kOther, std::string("host error: ") + e.what()});
  } catch (...) {
    reply_failure(reply, Failure{Failure::Kind::kOther, "host error"});
  }
}

}  // namespace wasmfaas::runtime
