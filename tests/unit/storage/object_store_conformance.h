#pragma once
// One conformance suite for every ObjectStore implementation. An
// implementation's test file instantiates it with a factory:
//   INSTANTIATE_TEST_SUITE_P(Local, ObjectStoreConformance,
//                            ::testing::Values(StoreFactory{"local", ...}));

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>

#include "storage/object_store.h"

namespace wasmfaas::storage {

struct StoreFactory {
  std::string name;
  // Creates a store with no buckets. Shared ownership lets the pointer keep
  // what the store lives on (a temp directory, a server) alive with it.
  std::function<std::shared_ptr<ObjectStore>()> create;
};

inline std::string PrintToString(const StoreFactory& factory) { return factory.name; }

class ObjectStoreConformance : public ::testing::TestWithParam<StoreFactory> {
 protected:
  void SetUp() override { store_ = GetParam().create(); }
  ObjectStore& store() { return *store_; }
  std::shared_ptr<ObjectStore> store_;
};

}  // namespace wasmfaas::storage
