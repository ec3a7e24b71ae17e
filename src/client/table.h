#pragma once
// Plain-text tables for people: a header row and left-aligned columns two
// spaces apart (no trailing blanks). Not thread-safe.

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

namespace wasmfaas::client {

class Table {
 public:
  explicit Table(std::vector<std::string> header) : rows_{std::move(header)} {}
  void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  size_t size() const { return rows_.size() - 1; }  // rows without the header
  void print(std::ostream& out) const;

 private:
  std::vector<std::vector<std::string>> rows_;
};

// 1536 -> "1.5 KiB", 18874368 -> "18.0 MiB", 12 -> "12 B".
std::string human_bytes(uint64_t bytes);

}  // namespace wasmfaas::client
