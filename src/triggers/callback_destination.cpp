#include "triggers/callback_destination.h"

#include <charconv>
#include <cstdint>
#include <optional>

#include "common/origins.h"

namespace wasmfaas::triggers {
namespace {

std::unexpected<Error> invalid(std::string message) {
  return make_error(ErrorCode::kInvalidArgument, std::move(message));
}

// One part of `url` (CURLUE_OK and its text), or the code saying why not.
struct UrlPart {
  CURLUcode code;
  std::string text;
};

UrlPart url_part(CURLU* url, CURLUPart part, unsigned flags = 0) {
  char* text = nullptr;
  const CURLUcode code = curl_url_get(url, part, &text, flags);
  UrlPart result{code, text ? text : ""};
  curl_free(text);
  return result;
}

}  // namespace

Result<CallbackDestination> parse_callback_destination(
    std::string_view text, const std::vector<std::string>& allowed_origins) {
  if (text.find('\0') != std::string_view::npos) {
    return invalid("the callback URL is not a valid URL: it contains NUL");
  }
  CallbackDestination destination{std::unique_ptr<CURLU, CurlUrlDeleter>(curl_url()), {}};
  if (!destination.url) return make_error(ErrorCode::kInternal, "curl_url failed");
  CURLU* url = destination.url.get();
  if (const CURLUcode code = curl_url_set(url, CURLUPART_URL, std::string(text).c_str(), 0);
      code != CURLUE_OK) {
    return invalid(std::string("the callback URL is not a valid absolute URL: ") +
                   curl_url_strerror(code));
  }
  const UrlPart scheme = url_part(url, CURLUPART_SCHEME);
  if (scheme.code != CURLUE_OK || (scheme.text != "http" && scheme.text != "https")) {
    return invalid("the callback URL's scheme '" + scheme.text + "' is not http or https");
  }
  for (const CURLUPart part : {CURLUPART_USER, CURLUPART_PASSWORD, CURLUPART_OPTIONS}) {
    if (url_part(url, part).code == CURLUE_OK) {
      return invalid("the callback URL must not carry user information (user:password@)");
    }
  }
  const UrlPart host = url_part(url, CURLUPART_HOST);
  const UrlPart port_text = url_part(url, CURLUPART_PORT, CURLU_DEFAULT_PORT);
  uint16_t port = 0;
  const auto [end, error] =
      std::from_chars(port_text.text.data(), port_text.text.data() + port_text.text.size(), port);
  if (host.code != CURLUE_OK || host.text.empty() || port_text.code != CURLUE_OK ||
      error != std::errc() || end != port_text.text.data() + port_text.text.size()) {
    return invalid("the callback URL has no valid host and port");
  }
  destination.origin = scheme.text + "://" + host.text + ":" + std::to_string(port);
  if (!origin_allowed(allowed_origins, scheme.text, host.text, port)) {
    return invalid("the callback origin '" + destination.origin +
                   "' is not permitted by the server's callback allow-list" +
                   (allowed_origins.empty() ? " (which is empty: callbacks are off)" : ""));
  }
  return destination;
}

}  // namespace wasmfaas::triggers
