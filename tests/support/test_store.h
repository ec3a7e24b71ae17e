#pragma once
// Test support: an ObjectStore of either kind with what it lives on, the
// embedded LocalStore in a temp directory or an S3Store on a versitygw
// started for it.

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "storage/local/local_store.h"
#include "storage/s3/s3_store.h"
#include "support/temp_dir.h"
#include "support/versitygw.h"

namespace wasmfaas::testing {

// Which ObjectStore a test runs on.
enum class StoreKind { kLocal, kS3 };

inline std::string store_name(StoreKind kind) { return kind == StoreKind::kLocal ? "Local" : "S3"; }

// For INSTANTIATE_TEST_SUITE_P over both stores.
inline std::string store_param_name(const ::testing::TestParamInfo<StoreKind>& info) {
  return store_name(info.param);
}

class TestStore {
 public:
  explicit TestStore(StoreKind kind) {
    if (kind == StoreKind::kS3) {
      gateway_ = std::make_unique<VersityGateway>();
      store_ = gateway_->open_store();
    } else {
      store_ = std::move(*storage::LocalStore::open(dir_.path() / "data"));
    }
  }

  storage::ObjectStore& operator*() { return *store_; }
  storage::ObjectStore* operator->() { return store_.get(); }

 private:
  TempDir dir_;
  std::unique_ptr<VersityGateway> gateway_;
  std::unique_ptr<storage::ObjectStore> store_;
};

}  // namespace wasmfaas::testing
