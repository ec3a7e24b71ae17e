// The web console: GET /console redirects to /console/, which serves the
// console's page; GET /console/{path+} its other files. All built into the
// binary (src/console); open routes, since the files hold no secret: the
// API calls the console makes carry the token. Every answer carries the
// console's Content-Security-Policy and hardening headers.
#include "console/console_assets.h"
#include "http/route_helpers.h"
#include "http/routes.h"

namespace wasmfaas::http {
namespace {

using beast_http::field;
using beast_http::status;
using beast_http::verb;

Response with_security_headers(Response response) {
  for (const auto& header : console::console_security_headers()) {
    response.set(header.name, header.value);
  }
  return response;
}

// Whether If-None-Match (a list of ETags, or "*") names `etag`.
bool etag_matches(std::string_view if_none_match, std::string_view etag) {
  if (if_none_match == "*") return true;
  while (!if_none_match.empty()) {
    const size_t comma = if_none_match.find(',');
    std::string_view candidate = if_none_match.substr(0, comma);
    while (!candidate.empty() && candidate.front() == ' ') candidate.remove_prefix(1);
    while (!candidate.empty() && candidate.back() == ' ') candidate.remove_suffix(1);
    if (candidate.starts_with("W/")) candidate.remove_prefix(2);
    if (candidate == etag) return true;
    if (comma == std::string_view::npos) break;
    if_none_match.remove_prefix(comma + 1);
  }
  return false;
}

Response handle_asset(const Call& call, std::string_view path) {
  const unsigned version = call.request.version();
  const console::ConsoleAsset* asset = console::find_console_asset(path);
  if (!asset) {
    return with_security_headers(error_response(
        Error{ErrorCode::kNotFound, "the console has no file '" + std::string(path) + "'"},
        version));
  }
  // No-cache: the browser keeps the file but asks each time; an unchanged
  // file costs a 304 and no body.
  const bool unchanged = etag_matches(call.request[field::if_none_match], asset->etag);
  Response response(unchanged ? status::not_modified : status::ok, version);
  response.set(field::etag, asset->etag);
  response.set(field::cache_control, "no-cache");
  if (!unchanged) {
    response.set(field::content_type, asset->content_type);
    response.body() = std::string(asset->body);
  }
  return with_security_headers(std::move(response));
}

Response handle_redirect(const Call& call) {
  Response response(status::permanent_redirect, call.request.version());
  response.set(field::location, "/console/");
  response.set(field::cache_control, "no-cache");
  return with_security_headers(std::move(response));
}

}  // namespace

void add_console_routes(RouteTable& table, const RouterDependencies&) {
  table.add({
      {.method = verb::get, .path = "/console", .access = Access::kOpen, .pool = Pool::kInline,
       .label = "console", .success = status::permanent_redirect, .handler = handle_redirect},
      {.method = verb::get, .path = "/console/", .access = Access::kOpen, .pool = Pool::kInline,
       .label = "console",
       .handler = [](const Call& call) { return handle_asset(call, "index.html"); }},
      {.method = verb::get, .path = "/console/{path+}", .access = Access::kOpen,
       .pool = Pool::kInline, .label = "console",
       .handler = [](const Call& call) { return handle_asset(call, call.param("path")); }},
  });
}

}  // namespace wasmfaas::http
