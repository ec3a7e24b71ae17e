# Writes wasmtime/conf.h from the crate's conf.h.in with exactly the cargo
# features that were enabled. Run as:
#   cmake -DCONF_IN=<conf.h.in> -DCONF_OUT=<conf.h> -DFEATURES="cranelift;wasi;..." -P this
foreach(feature IN LISTS FEATURES)
  string(TOUPPER "${feature}" upper)
  string(REPLACE "-" "_" upper "${upper}")
  set(WASMTIME_FEATURE_${upper} ON)
endforeach()
configure_file("${CONF_IN}" "${CONF_OUT}" @ONLY)
