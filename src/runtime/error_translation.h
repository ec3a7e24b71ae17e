#pragma once

#include <chrono>
#include <string>
#include <wasmtime/error.hh>

#include "common/error.h"

namespace wasmfaas::runtime {

// Turns a Wasmtime error into the project's Error: an epoch interrupt is
// kTimeout naming `timeout`; traps keep their trap message; anything else
// keeps the first line of Wasmtime's message.
Error translate_call_error(const wasmtime::Error& error, std::chrono::milliseconds timeout);

// The one-line summary of a Wasmtime error message (its first line).
std::string first_line(const std::string& message);

}  // namespace wasmfaas::runtime
