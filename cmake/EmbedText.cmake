# cmake -DINPUT=<file> -DOUTPUT=<file.cpp> -DNAMESPACE=<ns> -DFUNCTION=<name> -P EmbedText.cmake
# Writes a C++ source defining `std::string_view <ns>::<name>()` that returns
# the contents of INPUT, built into the binary (any size: the length is the
# array's, not counted at compile time).
file(READ "${INPUT}" content)
set(delimiter "wfs_embedded")
string(FIND "${content}" ")${delimiter}\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${INPUT} contains the raw-string delimiter")
endif()
file(WRITE "${OUTPUT}.tmp"
  "// Generated from ${INPUT} by cmake/EmbedText.cmake; do not edit.\n"
  "#include <string_view>\n"
  "namespace ${NAMESPACE} {\n"
  "std::string_view ${FUNCTION}() {\n"
  "  // An array, not a constexpr string_view: measuring a long literal at\n"
  "  // compile time would exceed the compiler's constexpr loop limit.\n"
  "  static constexpr char kText[] = R\"${delimiter}(${content})${delimiter}\";\n"
  "  return {kText, sizeof kText - 1};\n"
  "}\n"
  "}  // namespace ${NAMESPACE}\n")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
