#pragma once

#include <boost/beast/http.hpp>

namespace wasmfaas::http {

namespace beast_http = boost::beast::http;
using Request = beast_http::request<beast_http::string_body>;
using Response = beast_http::response<beast_http::string_body>;

}  // namespace wasmfaas::http
