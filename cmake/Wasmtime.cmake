# Imports the Wasmtime C API that scripts/build-wasmtime-capi.sh built from
# the crate wasmtime-c-api-impl (see runtime-capi/). WASMTIME_PREFIX holds
# lib/libwasmfaas_wasmtime.a and include/ with a generated wasmtime/conf.h.
if(NOT EXISTS "${WASMTIME_PREFIX}/lib/libwasmfaas_wasmtime.a")
  message(FATAL_ERROR "Wasmtime C API not found under '${WASMTIME_PREFIX}'")
endif()
add_library(wasmtime::capi STATIC IMPORTED GLOBAL)
set_target_properties(wasmtime::capi PROPERTIES
  IMPORTED_LOCATION "${WASMTIME_PREFIX}/lib/libwasmfaas_wasmtime.a"
  INTERFACE_INCLUDE_DIRECTORIES "${WASMTIME_PREFIX}/include"
  INTERFACE_LINK_LIBRARIES "pthread;dl;m")
