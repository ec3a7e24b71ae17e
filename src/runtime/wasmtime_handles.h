#pragma once
// Private to src/runtime: the Wasmtime objects behind the runtime's public
// types. No header outside src/runtime may include this file or Wasmtime.

#include <wasmfaas_capi.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <wasmtime.hh>
#include <wasmtime/component.hh>

#include "runtime/compiled_function.h"
#include "runtime/engine.h"

namespace wasmfaas::runtime {

struct Engine::Impl {
  EngineOptions options;
  std::string fingerprint;
  wasmtime::Engine engine;
  // Shared by every instantiation; holds WASI preview 2. Instantiating takes
  // it by const reference, which Wasmtime allows from many threads at once.
  wasmtime::component::Linker linker;
  // Advances the epoch every options.epoch_tick; stopped and joined first
  // on destruction (declared last).
  std::jthread epoch_ticker;
};

// Owns a wasmfaas_instance_pre_t (runtime-capi/src/instance_pre.rs).
struct InstancePreDeleter {
  void operator()(wasmfaas_instance_pre_t* pre) const { wasmfaas_instance_pre_delete(pre); }
};
using InstancePre = std::unique_ptr<wasmfaas_instance_pre_t, InstancePreDeleter>;

struct CompiledFunction::Impl {
  wasmtime::component::Component component;
  // The component linked against the engine's linker once, at compile
  // time: each call only instantiates it.
  InstancePre instance_pre;
  // Index of the `exec` export, resolved once at compile time.
  wasmtime::component::ExportIndex exec_index;
  std::chrono::nanoseconds compile_time{};
};

}  // namespace wasmfaas::runtime
