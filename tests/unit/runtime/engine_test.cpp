#include "runtime/engine.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "runtime/compiled_function.h"
#include "support/components.h"

namespace wasmfaas::runtime {
namespace {

using wasmfaas::testing::load_component;
using wasmfaas::testing::shared_engine;

Error compile_error(const std::vector<uint8_t>& bytes) {
  auto compiled = shared_engine().compile(bytes);
  EXPECT_FALSE(compiled.has_value());
  return compiled ? Error{ErrorCode::kInternal, "compiled"} : compiled.error();
}

TEST(EngineTest, CompilesTheHelloExample) {
  auto compiled = shared_engine().compile(load_component("hello"));
  ASSERT_TRUE(compiled.has_value()) << compiled.error().message;
  EXPECT_GT((*compiled)->compile_time().count(), 0);
}

TEST(EngineTest, RejectsGarbageBytes) {
  const Error error = compile_error({'h', 'e', 'l', 'l', 'o', ' ', 'w', 'o', 'r', 'l', 'd'});
  EXPECT_EQ(error.code, ErrorCode::kInvalidComponent);
  EXPECT_NE(error.message.find("not a WebAssembly binary"), std::string::npos) << error.message;
}

TEST(EngineTest, RejectsEmptyInput) {
  EXPECT_EQ(compile_error({}).code, ErrorCode::kInvalidComponent);
}

TEST(EngineTest, RejectsACoreModule) {
  const Error error = compile_error(load_component("fixture_core_module"));
  EXPECT_EQ(error.code, ErrorCode::kInvalidComponent);
  EXPECT_NE(error.message.find("core WebAssembly module, not a component"), std::string::npos)
      << error.message;
}

TEST(EngineTest, RejectsATruncatedComponent) {
  std::vector<uint8_t> bytes = load_component("hello");
  bytes.resize(bytes.size() / 2);
  const Error error = compile_error(bytes);
  EXPECT_EQ(error.code, ErrorCode::kInvalidComponent);
  EXPECT_NE(error.message.find("invalid component"), std::string::npos) << error.message;
}

TEST(EngineTest, RejectsAComponentWithoutExec) {
  const Error error = compile_error(load_component("fixture_wrong_export_name"));
  EXPECT_EQ(error.code, ErrorCode::kInvalidComponent);
  EXPECT_NE(error.message.find("does not export `exec`"), std::string::npos) << error.message;
}

TEST(EngineTest, RejectsAnExecWithTheWrongSignature) {
  const Error error = compile_error(load_component("fixture_wrong_signature"));
  EXPECT_EQ(error.code, ErrorCode::kInvalidComponent);
  EXPECT_NE(error.message.find("wrong signature"), std::string::npos) << error.message;
}

TEST(EngineTest, RejectsAComponentImportingWhatNoHostProvides) {
  // Linking happens once, at compile time: such a component never reaches
  // an exec.
  const Error error = compile_error(load_component("fixture_unknown_import"));
  EXPECT_EQ(error.code, ErrorCode::kInvalidComponent);
  EXPECT_NE(error.message.find("imports what wasmfaas does not provide"), std::string::npos)
      << error.message;
  EXPECT_NE(error.message.find("read-host-secrets"), std::string::npos) << error.message;
}

}  // namespace
}  // namespace wasmfaas::runtime
