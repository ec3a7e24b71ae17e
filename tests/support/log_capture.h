#pragma once
// Test support: a logger whose lines (the message only, one per line) land
// in a string stream, for tests that read what the server logged.

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <memory>
#include <sstream>

namespace wasmfaas::testing {

inline std::shared_ptr<spdlog::logger> logger_into(std::ostringstream& sink) {
  auto logger = std::make_shared<spdlog::logger>(
      "test", std::make_shared<spdlog::sinks::ostream_sink_mt>(sink));
  logger->set_pattern("%v");
  return logger;
}

}  // namespace wasmfaas::testing
