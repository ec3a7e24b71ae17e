# Builds example functions written in Rust, C++, JavaScript, Python and Go
# into faas-exec components, as ordinary build outputs (docs/languages.md):
#  - add_rust_component():   cargo (Debian's rustc, -Zbuild-std) -> wasm32-wasip1
#                            cdylib -> wasm-tools component new --adapt
#  - add_cpp_component():    wit-bindgen cpp + clang++-19/libc++ -> wasm32-wasi
#                            reactor -> wasm-tools component new --adapt
#  - add_js_component():     ComponentizeJS (StarlingMonkey), a component at once
#  - add_python_component(): componentize-py (CPython), a component at once
#  - add_go_component():     go build (wasip1, c-shared reactor) -> wasm-tools
#                            component embed + component new --adapt
# Components land in <OUTPUT_DIR>/<name>.wasm with a target <name>_component,
# which is also added to the global property WASMFAAS_LANGUAGE_COMPONENTS.
#
# The toolchains' paths come from the file scripts/guest-toolchains.sh writes
# (WASMFAAS_GUEST_TOOLCHAINS_FILE). Include this file after
# GuestComponents.cmake (it uses WASM_TOOLS, WIT_BINDGEN, WASI_ADAPTER_REACTOR
# and WASMFAAS_FUNCTIONS_DIR).

set(WASMFAAS_GUEST_TOOLCHAINS_FILE "${CMAKE_BINARY_DIR}/guest-toolchains.cmake" CACHE FILEPATH
    "CMake file with the guest toolchains' paths that scripts/guest-toolchains.sh wrote")
if(NOT EXISTS "${WASMFAAS_GUEST_TOOLCHAINS_FILE}")
  message(FATAL_ERROR "${WASMFAAS_GUEST_TOOLCHAINS_FILE} is missing: run "
                      "scripts/guest-toolchains.sh ${WASMFAAS_GUEST_TOOLCHAINS_FILE} (make does)")
endif()
include("${WASMFAAS_GUEST_TOOLCHAINS_FILE}")

find_program(WASM_CLANGXX NAMES clang++-19 REQUIRED)
set(WASMFAAS_WIT_DIR "${PROJECT_SOURCE_DIR}/wit")
file(GLOB_RECURSE WASMFAAS_WIT_FILES CONFIGURE_DEPENDS "${WASMFAAS_WIT_DIR}/*.wit")

# The language toolchains are heavy (cargo, StarlingMonkey's and CPython's
# pre-initialisation): under Ninja they run one at a time, beside the rest.
set_property(GLOBAL APPEND PROPERTY JOB_POOLS wasmfaas_guest_toolchain=1)

# _add_language_component(<name> <component> <core or "">): the target, and
# `component new` when the language produced a core module.
function(_add_language_component name component core)
  if(core)
    add_custom_command(
      OUTPUT "${component}"
      COMMAND "${WASM_TOOLS}" component new "${core}"
              --adapt "wasi_snapshot_preview1=${WASI_ADAPTER_REACTOR}" -o "${component}"
      DEPENDS "${core}" "${WASI_ADAPTER_REACTOR}"
      COMMENT "wasm-tools component new: ${name}"
      VERBATIM)
  endif()
  add_custom_target(${name}_component ALL DEPENDS "${component}")
  set_property(GLOBAL APPEND PROPERTY WASMFAAS_LANGUAGE_COMPONENTS ${name}_component)
endfunction()

# add_rust_component(<name> WORKSPACE <dir> PACKAGE <cargo package> OUTPUT_DIR <dir>)
# The workspace's Cargo.lock pins every crate (--locked).
function(add_rust_component name)
  cmake_parse_arguments(ARG "" "WORKSPACE;PACKAGE;OUTPUT_DIR" "" ${ARGN})
  string(REPLACE "-" "_" lib "${ARG_PACKAGE}")
  set(target_dir "${CMAKE_BINARY_DIR}/guest/rust-target")
  set(core "${target_dir}/wasm32-wasip1/release/${lib}.wasm")
  file(GLOB_RECURSE sources CONFIGURE_DEPENDS "${ARG_WORKSPACE}/*.rs" "${ARG_WORKSPACE}/*.toml")
  add_custom_command(
    OUTPUT "${core}"
    COMMAND "${CMAKE_COMMAND}" -E env
            "CARGO_HOME=${GUEST_CARGO_HOME}" "CARGO_TARGET_DIR=${target_dir}"
            "RUSTC=${GUEST_RUSTC}" RUSTC_BOOTSTRAP=1
            "RUSTFLAGS=-C linker=${GUEST_WASM_LD} -C link-self-contained=no -L native=${GUEST_WASI_LIBC_DIR}"
            "${GUEST_CARGO}" build --quiet --locked --release -p "${ARG_PACKAGE}"
            --target wasm32-wasip1 -Zbuild-std=std,panic_abort
    # cargo leaves an up-to-date output alone; the build tool wants it newer.
    COMMAND "${CMAKE_COMMAND}" -E touch "${core}"
    WORKING_DIRECTORY "${ARG_WORKSPACE}"
    DEPENDS ${sources} "${ARG_WORKSPACE}/Cargo.lock" ${WASMFAAS_WIT_FILES}
    JOB_POOL wasmfaas_guest_toolchain
    COMMENT "cargo build (wasm32-wasip1, std from source): ${name}"
    VERBATIM)
  _add_language_component(${name} "${ARG_OUTPUT_DIR}/${name}.wasm" "${core}")
endfunction()

# C++ bindings for the faas-exec world (wit-bindgen cpp), shared by all C++
# functions, and an include directory with only nlohmann/json (header-only,
# Debian's nlohmann-json3-dev; /usr/include itself would shadow wasi-libc).
set(_cpp_bindings_dir "${CMAKE_BINARY_DIR}/bindings/faas_exec_cpp")
set(_cpp_bindings "${_cpp_bindings_dir}/faas_exec.cpp" "${_cpp_bindings_dir}/faas_exec_cpp.h"
                  "${_cpp_bindings_dir}/wit.h" "${_cpp_bindings_dir}/faas_exec_component_type.o")
add_custom_command(
  OUTPUT ${_cpp_bindings}
  COMMAND "${WIT_BINDGEN}" cpp --world faas-exec --out-dir "${_cpp_bindings_dir}" "${WASMFAAS_WIT_DIR}"
  DEPENDS ${WASMFAAS_WIT_FILES}
  COMMENT "wit-bindgen cpp: faas-exec"
  VERBATIM)
add_custom_target(faas_exec_cpp_bindings DEPENDS ${_cpp_bindings})
set(_cpp_json_include "${CMAKE_BINARY_DIR}/guest/cpp-include")
file(MAKE_DIRECTORY "${_cpp_json_include}")
file(CREATE_LINK /usr/include/nlohmann "${_cpp_json_include}/nlohmann" SYMBOLIC)

# add_cpp_component(<name> OUTPUT_DIR <dir> SOURCES <file>... [INCLUDE_DIRS <dir>...])
# C++23 with libc++ and without exceptions (Debian's wasm32 libc++ has none).
function(add_cpp_component name)
  cmake_parse_arguments(ARG "" "OUTPUT_DIR" "SOURCES;INCLUDE_DIRS" ${ARGN})
  set(core "${CMAKE_CURRENT_BINARY_DIR}/${name}.core.wasm")
  set(include_flags "-I${_cpp_bindings_dir}" "-I${_cpp_json_include}")
  foreach(dir IN LISTS ARG_INCLUDE_DIRS)
    list(APPEND include_flags "-I${dir}")
  endforeach()
  add_custom_command(
    OUTPUT "${core}"
    COMMAND "${WASM_CLANGXX}" --target=wasm32-wasi -mexec-model=reactor -std=c++23 -Os
            -fno-exceptions -Wall -Werror ${include_flags}
            ${ARG_SOURCES} "${_cpp_bindings_dir}/faas_exec.cpp"
            "${_cpp_bindings_dir}/faas_exec_component_type.o" -Wl,--strip-all
            -Wl,--initial-memory=${WASMFAAS_GUEST_INITIAL_MEMORY} -o "${core}"
    DEPENDS ${ARG_SOURCES} faas_exec_cpp_bindings ${_cpp_bindings}
    COMMENT "clang++ wasm32-wasi: ${name}"
    VERBATIM)
  _add_language_component(${name} "${ARG_OUTPUT_DIR}/${name}.wasm" "${core}")
endfunction()

# add_js_component(<name> SOURCE <file.js> OUTPUT_DIR <dir> [WORLD <world>])
# The module exports `exec(input)`; ComponentizeJS embeds the StarlingMonkey
# engine, so the component needs no adapter. WORLD (default faas-exec) names
# a world of wit/, e.g. faas-exec-kv for functions using wasi:keyvalue.
function(add_js_component name)
  cmake_parse_arguments(ARG "" "SOURCE;OUTPUT_DIR;WORLD" "" ${ARGN})
  if(NOT ARG_WORLD)
    set(ARG_WORLD faas-exec)
  endif()
  set(component "${ARG_OUTPUT_DIR}/${name}.wasm")
  set(script "${PROJECT_SOURCE_DIR}/examples/js/componentize.mjs")
  add_custom_command(
    OUTPUT "${component}"
    COMMAND "${GUEST_NODE}" "${script}" "${GUEST_JS_NODE_MODULES}" "${ARG_SOURCE}"
            "${WASMFAAS_WIT_DIR}" "${component}" "${ARG_WORLD}"
    DEPENDS "${ARG_SOURCE}" "${script}" ${WASMFAAS_WIT_FILES}
    JOB_POOL wasmfaas_guest_toolchain
    COMMENT "ComponentizeJS: ${name}"
    VERBATIM)
  _add_language_component(${name} "${component}" "")
endfunction()

# add_python_component(<name> APP_DIR <dir> MODULE <module> OUTPUT_DIR <dir> [WORLD <world>])
# The module defines `class WitWorld(wit_world.WitWorld)` with `exec`; the
# bindings (wit_world) come from the WORLD of wit/ (default faas-exec) at
# build time. The app is copied into the build tree first (componentize-py
# writes caches beside the sources it imports).
function(add_python_component name)
  cmake_parse_arguments(ARG "" "APP_DIR;MODULE;OUTPUT_DIR;WORLD" "" ${ARGN})
  if(NOT ARG_WORLD)
    set(ARG_WORLD faas-exec)
  endif()
  set(component "${ARG_OUTPUT_DIR}/${name}.wasm")
  set(staged "${CMAKE_CURRENT_BINARY_DIR}/${name}-app")
  file(GLOB_RECURSE sources CONFIGURE_DEPENDS "${ARG_APP_DIR}/*.py")
  add_custom_command(
    OUTPUT "${component}"
    COMMAND "${CMAKE_COMMAND}" -E rm -rf "${staged}"
    COMMAND "${CMAKE_COMMAND}" -E copy_directory "${ARG_APP_DIR}" "${staged}"
    COMMAND "${GUEST_COMPONENTIZE_PY}" --quiet -d "${WASMFAAS_WIT_DIR}" -w "${ARG_WORLD}"
            componentize -p "${staged}" "${ARG_MODULE}" -o "${component}"
    WORKING_DIRECTORY "${CMAKE_CURRENT_BINARY_DIR}"
    DEPENDS ${sources} ${WASMFAAS_WIT_FILES}
    JOB_POOL wasmfaas_guest_toolchain
    COMMENT "componentize-py: ${name}"
    VERBATIM)
  _add_language_component(${name} "${component}" "")
endfunction()

# add_go_component(<name> MODULE_DIR <dir> PACKAGE <./path> OUTPUT_DIR <dir>)
# The package registers its handler with the module's faas package (the
# hand-written canonical-ABI glue); the WIT is embedded afterwards.
function(add_go_component name)
  cmake_parse_arguments(ARG "" "MODULE_DIR;PACKAGE;OUTPUT_DIR" "" ${ARGN})
  set(core "${CMAKE_CURRENT_BINARY_DIR}/${name}.core.wasm")
  set(embedded "${CMAKE_CURRENT_BINARY_DIR}/${name}.embed.wasm")
  file(GLOB_RECURSE sources CONFIGURE_DEPENDS "${ARG_MODULE_DIR}/*.go" "${ARG_MODULE_DIR}/go.mod")
  add_custom_command(
    OUTPUT "${core}"
    COMMAND "${CMAKE_COMMAND}" -E env GOOS=wasip1 GOARCH=wasm
            "${GUEST_GO}" build -buildmode=c-shared -trimpath -o "${core}" "${ARG_PACKAGE}"
    WORKING_DIRECTORY "${ARG_MODULE_DIR}"
    DEPENDS ${sources}
    COMMENT "go build (wasip1 reactor): ${name}"
    VERBATIM)
  add_custom_command(
    OUTPUT "${embedded}"
    COMMAND "${WASM_TOOLS}" component embed "${WASMFAAS_WIT_DIR}" --world faas-exec "${core}"
            -o "${embedded}"
    DEPENDS "${core}" ${WASMFAAS_WIT_FILES}
    COMMENT "wasm-tools component embed: ${name}"
    VERBATIM)
  _add_language_component(${name} "${ARG_OUTPUT_DIR}/${name}.wasm" "${embedded}")
endfunction()
