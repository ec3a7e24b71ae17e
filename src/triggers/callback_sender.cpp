#include "triggers/callback_sender.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cctype>
#include <memory>

#include "common/forbidden_address.h"
#include "triggers/callback_destination.h"

namespace wasmfaas::triggers {
namespace {

// Runs curl_global_init once, before the first handle.
void init_curl_once() {
  static const CURLcode initialized = curl_global_init(CURL_GLOBAL_DEFAULT);
  (void)initialized;
}

struct CurlEasyDeleter {
  void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
};
struct CurlListDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

// What one exchange collects from libcurl's callbacks.
struct Exchange {
  size_t max_response_bytes = 0;
  std::string response_body;  // at most max_response_bytes
  bool response_too_large = false;
  std::string refused_address;  // the last forbidden address not connected to
};

std::string address_text(const sockaddr& address) {
  char text[INET6_ADDRSTRLEN] = "?";
  if (address.sa_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in&>(address).sin_addr, text, sizeof text);
  } else if (address.sa_family == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6&>(address).sin6_addr, text,
              sizeof text);
  }
  return text;
}

// libcurl's CURLOPT_OPENSOCKETFUNCTION: the socket for an address it is
// about to connect to (resolved already), or none for a forbidden one.
curl_socket_t open_guarded_socket(void* exchange, curlsocktype purpose, curl_sockaddr* address) {
  if (purpose != CURLSOCKTYPE_IPCXN || is_forbidden_address(address->addr)) {
    static_cast<Exchange*>(exchange)->refused_address = address_text(address->addr);
    return CURL_SOCKET_BAD;
  }
  return socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
}

size_t keep_response(char* data, size_t size, size_t count, void* exchange_pointer) {
  auto& exchange = *static_cast<Exchange*>(exchange_pointer);
  const size_t length = size * count;
  const size_t room = exchange.max_response_bytes - exchange.response_body.size();
  if (length > room) {
    exchange.response_too_large = true;
    return 0;  // ends the transfer: CURLE_WRITE_ERROR
  }
  exchange.response_body.append(data, length);
  return length;
}

// Appends `line` to `list`; false when out of memory (the list stays whole).
bool append_line(std::unique_ptr<curl_slist, CurlListDeleter>& list, const std::string& line) {
  curl_slist* head = curl_slist_append(list.get(), line.c_str());
  if (!head) return false;
  (void)list.release();
  list.reset(head);
  return true;
}

// A header name that is an HTTP token, a value without CR, LF or NUL.
bool valid_header(const std::string& name, const std::string& value) {
  const auto token_char = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) ||
           std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
  };
  return !name.empty() && std::all_of(name.begin(), name.end(), token_char) &&
         value.find_first_of(std::string_view("\r\n\0", 3)) == std::string::npos;
}

// A line of the response body for `detail`: printable ASCII, at most 200.
std::string body_excerpt(std::string_view body) {
  std::string excerpt(body.substr(0, 200));
  for (char& c : excerpt) {
    if (c < 0x20 || c > 0x7e) c = ' ';
  }
  return excerpt;
}

CallbackAttempt failed_attempt(bool retryable, std::string detail) {
  CallbackAttempt attempt;
  attempt.retryable = retryable;
  attempt.detail = std::move(detail);
  return attempt;
}

CallbackAttempt final_attempt(std::string detail) {
  return failed_attempt(false, std::move(detail));
}

CallbackAttempt answered(int status, const Exchange& exchange, const std::string& origin) {
  CallbackAttempt attempt;
  attempt.status = status;
  attempt.delivered = status >= 200 && status < 300;
  attempt.retryable = status == 408 || status == 429 || (status >= 500 && status < 600);
  attempt.detail = "the callback receiver at " + origin + " answered " + std::to_string(status);
  if (!attempt.delivered && !exchange.response_body.empty()) {
    attempt.detail += ": " + body_excerpt(exchange.response_body);
  }
  return attempt;
}

}  // namespace

CallbackSender::CallbackSender(CallbackPolicy policy) : policy_(std::move(policy)) {
  init_curl_once();
}

Result<void> CallbackSender::check_destination(std::string_view url) const {
  auto destination = parse_callback_destination(url, policy_.allowed_origins);
  if (!destination) return std::unexpected(destination.error());
  return {};
}

CallbackAttempt CallbackSender::send(
    std::string_view url, const std::vector<std::pair<std::string, std::string>>& headers,
    std::string_view body) const {
  auto destination = parse_callback_destination(url, policy_.allowed_origins);
  if (!destination) return final_attempt(destination.error().message);
  const std::string& origin = destination->origin;

  std::unique_ptr<curl_slist, CurlListDeleter> header_list;
  for (const auto& [name, value] : headers) {
    if (!valid_header(name, value)) return final_attempt("invalid callback header '" + name + "'");
    if (!append_line(header_list, name + ": " + value)) return final_attempt("out of memory");
  }
  // No "Expect: 100-continue" round trip before the body.
  if (!append_line(header_list, "Expect:")) return final_attempt("out of memory");
  std::unique_ptr<curl_slist, CurlListDeleter> resolve_list;
  for (const std::string& entry : policy_.resolve) {
    if (!append_line(resolve_list, entry)) return final_attempt("out of memory");
  }

  Exchange exchange;
  exchange.max_response_bytes = policy_.max_response_bytes;
  char error_text[CURL_ERROR_SIZE] = "";
  std::unique_ptr<CURL, CurlEasyDeleter> handle(curl_easy_init());
  if (!handle) return failed_attempt(true, "curl_easy_init failed");
  CURL* curl = handle.get();
  curl_easy_setopt(curl, CURLOPT_CURLU, destination->url.get());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl, CURLOPT_PROXY, "");  // never one from http_proxy and the like
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(policy_.connect_timeout.count()));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(policy_.timeout.count()));
  curl_easy_setopt(curl, CURLOPT_OPENSOCKETFUNCTION, open_guarded_socket);
  curl_easy_setopt(curl, CURLOPT_OPENSOCKETDATA, &exchange);
  if (resolve_list) curl_easy_setopt(curl, CURLOPT_RESOLVE, resolve_list.get());
  curl_easy_setopt(curl, CURLOPT_USERAGENT, "wasmfaas-callback");
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, header_list.get());
  curl_easy_setopt(curl, CURLOPT_POST, 1L);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.empty() ? "" : body.data());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, keep_response);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &exchange);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_text);

  const CURLcode code = curl_easy_perform(curl);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  if (code == CURLE_OK || (code == CURLE_WRITE_ERROR && exchange.response_too_large && status)) {
    return answered(static_cast<int>(status), exchange, origin);
  }
  if (code == CURLE_COULDNT_CONNECT && !exchange.refused_address.empty()) {
    return final_attempt("the callback to " + origin + " was refused: it resolves to " +
                         exchange.refused_address +
                         ", a link-local or cloud metadata address no request may reach");
  }
  return failed_attempt(true, "the callback to " + origin + " failed: " +
                                  (error_text[0] ? error_text : curl_easy_strerror(code)));
}

}  // namespace wasmfaas::triggers
