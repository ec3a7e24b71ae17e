# Builds WebAssembly components as part of the normal build:
#  - add_c_component(): C sources -> core module (clang, wasm32-wasi, reactor)
#    -> component (wasm-tools component new with the WASI preview1 adapter),
#    using the faas-exec C bindings that wit-bindgen generates from wit/.
#  - add_wat_component(): component text -> binary (wasm-tools parse).
# Each writes <OUTPUT_DIR>/<name>.wasm and a target <name>_component.

find_program(WASM_CLANG NAMES clang-19 REQUIRED)
# Example functions (deployed by `make run`) and test-only components.
set(WASMFAAS_FUNCTIONS_DIR "${CMAKE_BINARY_DIR}/functions")
set(WASMFAAS_TEST_COMPONENTS_DIR "${CMAKE_BINARY_DIR}/test-components")
set(WASMFAAS_C_BINDINGS_DIR "${CMAKE_BINARY_DIR}/bindings/c")
file(MAKE_DIRECTORY "${WASMFAAS_FUNCTIONS_DIR}" "${WASMFAAS_TEST_COMPONENTS_DIR}"
     "${WASMFAAS_C_BINDINGS_DIR}")

file(GLOB_RECURSE WASMFAAS_WIT_FILES CONFIGURE_DEPENDS "${PROJECT_SOURCE_DIR}/wit/*.wit")
set(WASMFAAS_C_BINDINGS
  "${WASMFAAS_C_BINDINGS_DIR}/faas_exec.c"
  "${WASMFAAS_C_BINDINGS_DIR}/faas_exec.h"
  "${WASMFAAS_C_BINDINGS_DIR}/faas_exec_component_type.o")
add_custom_command(
  OUTPUT ${WASMFAAS_C_BINDINGS}
  COMMAND "${WIT_BINDGEN}" c --world faas-exec --out-dir "${WASMFAAS_C_BINDINGS_DIR}"
          "${PROJECT_SOURCE_DIR}/wit"
  DEPENDS ${WASMFAAS_WIT_FILES}
  COMMENT "wit-bindgen c: faas-exec bindings"
  VERBATIM)
add_custom_target(faas_exec_c_bindings DEPENDS ${WASMFAAS_C_BINDINGS})

# add_c_component(<name> OUTPUT_DIR <dir> SOURCES <file>... [INCLUDE_DIRS <dir>...])
function(add_c_component name)
  cmake_parse_arguments(ARG "" "OUTPUT_DIR" "SOURCES;INCLUDE_DIRS" ${ARGN})
  set(core "${CMAKE_CURRENT_BINARY_DIR}/${name}.core.wasm")
  set(component "${ARG_OUTPUT_DIR}/${name}.wasm")
  set(include_flags "-I${WASMFAAS_C_BINDINGS_DIR}")
  foreach(dir IN LISTS ARG_INCLUDE_DIRS)
    list(APPEND include_flags "-I${dir}")
  endforeach()
  add_custom_command(
    OUTPUT "${core}"
    COMMAND "${WASM_CLANG}" --target=wasm32-wasi -mexec-model=reactor -O2 -Wall -Werror
            ${include_flags} ${ARG_SOURCES}
            "${WASMFAAS_C_BINDINGS_DIR}/faas_exec.c"
            "${WASMFAAS_C_BINDINGS_DIR}/faas_exec_component_type.o"
            -o "${core}"
    DEPENDS ${ARG_SOURCES} ${WASMFAAS_C_BINDINGS}
    COMMENT "clang wasm32-wasi: ${name}"
    VERBATIM)
  add_custom_command(
    OUTPUT "${component}"
    COMMAND "${WASM_TOOLS}" component new "${core}"
            --adapt "wasi_snapshot_preview1=${WASI_ADAPTER_REACTOR}" -o "${component}"
    DEPENDS "${core}" "${WASI_ADAPTER_REACTOR}"
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
