#include "common/file_util.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

namespace wasmfaas {

Result<std::vector<uint8_t>> read_file_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return make_error(ErrorCode::kNotFound,
                      "cannot open " + path.string() + ": " + std::strerror(errno));
  }
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
  if (in.bad()) {
    return make_error(ErrorCode::kInternal, "cannot read " + path.string());
  }
  return bytes;
}

}  // namespace wasmfaas
