# Builds WebAssembly components as part of the normal build:
#  - add_c_bindings(): C bindings for a WIT world (wit-bindgen c).
#  - add_c_component(): C sources + bindings -> core module (clang-19,
#    wasm32-wasi, reactor) -> component (wasm-tools component new with a
#    WASI preview1 adapter).
#  - add_wat_component(): component text -> binary (wasm-tools parse).
# Components land in <OUTPUT_DIR>/<name>.wasm with a target <name>_component.

find_program(WASM_CLANG NAMES clang-19 REQUIRED)
# Initial linear memory of the C and C++ examples: room for what one call
# allocates (the preview1 adapter's state, the input, the output), so that
# no call grows memory. A call that grows it costs page-protection changes
# (mprotect, a TLB shootdown each) when its pooled slot is reused
# (docs/performance.md, "Memory growth per call").
set(WASMFAAS_GUEST_INITIAL_MEMORY 1048576)
# Example functions (deployed by `make run`) and test-only components.
set(WASMFAAS_FUNCTIONS_DIR "${CMAKE_BINARY_DIR}/functions")
set(WASMFAAS_TEST_COMPONENTS_DIR "${CMAKE_BINARY_DIR}/test-components")
file(MAKE_DIRECTORY "${WASMFAAS_FUNCTIONS_DIR}" "${WASMFAAS_TEST_COMPONENTS_DIR}")

# add_c_bindings(<name> WIT_DIR <dir> WORLD <world> PREFIX <file prefix>)
# Writes <build>/bindings/<name>/<prefix>.{c,h} and <prefix>_component_type.o.
function(add_c_bindings name)
  cmake_parse_arguments(ARG "" "WIT_DIR;WORLD;PREFIX" "" ${ARGN})
  set(dir "${CMAKE_BINARY_DIR}/bindings/${name}")
  file(MAKE_DIRECTORY "${dir}")
  file(GLOB_RECURSE wit_files CONFIGURE_DEPENDS "${ARG_WIT_DIR}/*.wit")
  set(outputs "${dir}/${ARG_PREFIX}.c" "${dir}/${ARG_PREFIX}.h"
              "${dir}/${ARG_PREFIX}_component_type.o")
  add_custom_command(
    OUTPUT ${outputs}
    COMMAND "${WIT_BINDGEN}" c --world "${ARG_WORLD}" --out-dir "${dir}" "${ARG_WIT_DIR}"
    DEPENDS ${wit_files}
    COMMENT "wit-bindgen c: ${ARG_WORLD}"
    VERBATIM)
  add_custom_target(${name}_bindings DEPENDS ${outputs})
  set_target_properties(${name}_bindings PROPERTIES
    BINDINGS_DIR "${dir}" BINDINGS_SOURCES "${dir}/${ARG_PREFIX}.c"
    BINDINGS_OBJECT "${dir}/${ARG_PREFIX}_component_type.o")
endfunction()

add_c_bindings(faas_exec WIT_DIR "${PROJECT_SOURCE_DIR}/wit" WORLD faas-exec PREFIX faas_exec)

# add_c_component(<name> OUTPUT_DIR <dir> SOURCES <file>... [INCLUDE_DIRS <dir>...]
#                 [BINDINGS <bindings name>] [ADAPTER <preview1 adapter>] [CXX])
# BINDINGS defaults to faas_exec and ADAPTER to the reactor adapter.
function(add_c_component name)
  cmake_parse_arguments(ARG "" "OUTPUT_DIR;BINDINGS;ADAPTER" "SOURCES;INCLUDE_DIRS" ${ARGN})
  if(NOT ARG_BINDINGS)
    set(ARG_BINDINGS faas_exec)
  endif()
  if(NOT ARG_ADAPTER)
    set(ARG_ADAPTER "${WASI_ADAPTER_REACTOR}")
  endif()
  get_target_property(bindings_dir ${ARG_BINDINGS}_bindings BINDINGS_DIR)
  get_target_property(bindings_source ${ARG_BINDINGS}_bindings BINDINGS_SOURCES)
  get_target_property(bindings_object ${ARG_BINDINGS}_bindings BINDINGS_OBJECT)
  set(core "${CMAKE_CURRENT_BINARY_DIR}/${name}.core.wasm")
  set(component "${ARG_OUTPUT_DIR}/${name}.wasm")
  set(include_flags "-I${bindings_dir}")
  foreach(dir IN LISTS ARG_INCLUDE_DIRS)
    list(APPEND include_flags "-I${dir}")
  endforeach()
  add_custom_command(
    OUTPUT "${core}"
    COMMAND "${WASM_CLANG}" --target=wasm32-wasi -mexec-model=reactor -O2 -Wall -Werror
            ${include_flags} ${ARG_SOURCES} "${bindings_source}" "${bindings_object}"
            -Wl,--initial-memory=${WASMFAAS_GUEST_INITIAL_MEMORY} -o "${core}"
    DEPENDS ${ARG_SOURCES} ${ARG_BINDINGS}_bindings "${bindings_source}"
    COMMENT "clang wasm32-wasi: ${name}"
    VERBATIM)
  add_custom_command(
    OUTPUT "${component}"
    COMMAND "${WASM_TOOLS}" component new "${core}"
            --adapt "wasi_snapshot_preview1=${ARG_ADAPTER}" -o "${component}"
    DEPENDS "${core}" "${ARG_ADAPTER}"
    COMMENT "wasm-tools component new: ${name}"
    VERBATIM)
  add_custom_target(${name}_component ALL DEPENDS "${component}")
endfunction()

# add_wat_component(<name> <file.wat> <output dir>)
function(add_wat_component name source output_dir)
  set(component "${output_dir}/${name}.wasm")
  add_custom_command(
    OUTPUT "${component}"
    COMMAND "${WASM_TOOLS}" parse "${source}" -o "${component}"
    DEPENDS "${source}"
    COMMENT "wasm-tools parse: ${name}"
    VERBATIM)
  add_custom_target(${name}_component ALL DEPENDS "${component}")
endfunction()
