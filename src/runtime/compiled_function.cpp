#include "runtime/compiled_function.h"

#include "runtime/wasmtime_handles.h"

namespace wasmfaas::runtime {

CompiledFunction::CompiledFunction(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
CompiledFunction::~CompiledFunction() = default;

std::chrono::nanoseconds CompiledFunction::compile_time() const { return impl_->compile_time; }

Result<std::vector<uint8_t>> CompiledFunction::serialize() const {
  auto bytes = impl_->component.serialize();
  if (!bytes) {
    return make_error(ErrorCode::kInternal, "cannot serialize: " + bytes.err().message());
  }
  return bytes.unwrap();
}

}  // namespace wasmfaas::runtime
