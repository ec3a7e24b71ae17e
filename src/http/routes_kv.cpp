// Key-value stores for operators: GET /kv/{bucket}/{store} lists keys,
// GET|PUT|DELETE /kv/{bucket}/{store}/{key} reads, writes and removes one.
#include "common/hex.h"
#include "http/route_helpers.h"
#include "http/routes.h"

namespace wasmfaas::http {
namespace {

using beast_http::status;
using beast_http::verb;

// A list cursor is the last key of the page, hex-encoded so that it is one
// opaque token in a query string.
std::string encode_cursor(std::string_view last_key) { return hex_encode(last_key); }

Result<std::string> decode_cursor(std::string_view cursor) {
  auto key = hex_decode(cursor);
  if (!key)
    return make_error(ErrorCode::kInvalidArgument, "bad cursor '" + std::string(cursor) + "'");
  return std::move(*key);
}

// The store the call names, after checking that its bucket exists.
Result<state::StoreRef> store_of(const RouterDependencies& deps, const Call& call) {
  if (!deps.keyvalue) {
    return make_error(ErrorCode::kNotFound, "key-value stores are not enabled on this server");
  }
  if (auto exists = deps.deployments.require_bucket(call.param("bucket")); !exists) {
    return std::unexpected(exists.error());
  }
  return state::StoreRef{call.param("bucket"), call.param("store")};
}

Response handle_list(const RouterDependencies& deps, const Call& call) {
  const unsigned version = call.request.version();
  auto store = store_of(deps, call);
  if (!store) return error_response(store.error(), version);
  auto limit = parse_limit(call.target.query_value("limit"), deps.keyvalue->limits().max_list_keys,
                           deps.keyvalue->limits().max_list_keys);
  if (!limit) return error_response(limit.error(), version);
  std::optional<std::string> cursor;
  if (const auto text = call.target.query_value("cursor"); text && !text->empty()) {
    auto decoded = decode_cursor(*text);
    if (!decoded) return error_response(decoded.error(), version);
    cursor = std::move(*decoded);
  }
  const std::string prefix = call.target.query_value("prefix").value_or("");
  auto page = deps.keyvalue->list_keys(*store, prefix, cursor, *limit);
  if (!page) return error_response(page.error(), version);
  nlohmann::json body = {{"bucket", store->bucket}, {"store", store->store}, {"keys", page->keys}};
  body["cursor"] = page->next_cursor ? nlohmann::json(encode_cursor(*page->next_cursor))
                                     : nlohmann::json(nullptr);
  return json_response(status::ok, dump(body), version);
}

Response handle_get(const RouterDependencies& deps, const Call& call) {
  const unsigned version = call.request.version();
  auto store = store_of(deps, call);
  if (!store) return error_response(store.error(), version);
  const std::string& key = call.param("key");
  auto value = deps.keyvalue->get(*store, key);
  if (!value) return error_response(value.error(), version);
  if (!*value) {
    return error_response(Error{ErrorCode::kNotFound,
                                "key '" + key + "' does not exist in store '" + store->store + "'",
                                reason::kKeyNotFound},
                          version);
  }
  Response response(status::ok, version);
  response.set(beast_http::field::content_type, "application/octet-stream");
  response.body() = std::move(**value);
  response.prepare_payload();
  return response;
}

Response handle_put(const RouterDependencies& deps, const Call& call) {
  const unsigned version = call.request.version();
  auto store = store_of(deps, call);
  if (!store) return error_response(store.error(), version);
  const std::string& key = call.param("key");
  const std::string& value = call.request.body();
  if (auto stored = deps.keyvalue->set(*store, key, value); !stored) {
    return error_response(stored.error(), version);
  }
  nlohmann::json body = {
      {"bucket", store->bucket}, {"store", store->store}, {"key", key}, {"bytes", value.size()}};
  return json_response(status::ok, dump(body), version);
}

Response handle_delete(const RouterDependencies& deps, const Call& call) {
  const unsigned version = call.request.version();
  auto store = store_of(deps, call);
  if (!store) return error_response(store.error(), version);
  if (auto removed = deps.keyvalue->remove(*store, call.param("key")); !removed) {
    return error_response(removed.error(), version);
  }
  Response response(status::no_content, version);
  response.prepare_payload();
  return response;
}

}  // namespace

void add_keyvalue_routes(RouteTable& table, const RouterDependencies& deps) {
  table.add({
      {.method = verb::get,
       .path = "/kv/{bucket}/{store}",
       .access = Access::kAdmin,
       .bucket_scoped = true,
       .label = "kv",
       .query = {"prefix", "cursor", "limit"},
       .handler = [&deps](const Call& call) { return handle_list(deps, call); }},
      {.method = verb::get,
       .path = "/kv/{bucket}/{store}/{key+}",
       .access = Access::kAdmin,
       .bucket_scoped = true,
       .label = "kv",
       .handler = [&deps](const Call& call) { return handle_get(deps, call); }},
      {.method = verb::put,
       .path = "/kv/{bucket}/{store}/{key+}",
       .access = Access::kAdmin,
       .bucket_scoped = true,
       .label = "kv",
       .audited = true,
       .handler = [&deps](const Call& call) { return handle_put(deps, call); }},
      {.method = verb::delete_,
       .path = "/kv/{bucket}/{store}/{key+}",
       .access = Access::kAdmin,
       .bucket_scoped = true,
       .label = "kv",
       .audited = true,
       .success = status::no_content,
       .handler = [&deps](const Call& call) { return handle_delete(deps, call); }},
  });
}

}  // namespace wasmfaas::http
