#pragma once

#include <string>
#include <wasmtime/error.hh>

#include "common/error.h"

namespace wasmfaas::runtime {

// Turns a Wasmtime error into the project's Error: traps keep their trap
// message, everything else the first line of Wasmtime's message.
Error translate_call_error(const wasmtime::Error& error);

// The one-line summary of a Wasmtime error message (its first line).
std::string first_line(const std::string& message);

}  // namespace wasmfaas::runtime
