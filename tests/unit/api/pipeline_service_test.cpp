// PipelineService: not-found errors by reason, and a pipeline's name free
// again once it is deleted (on both stores).
#include "api/pipeline_service.h"

#include <gtest/gtest.h>

#include "support/test_services.h"
#include "support/test_store.h"

namespace wasmfaas::api {
namespace {

using testing::StoreKind;
using testing::TestServices;
using testing::TestStore;

class PipelineServiceTest : public ::testing::TestWithParam<StoreKind> {
 protected:
  void SetUp() override {
    ASSERT_TRUE(services_.deployments().create_bucket("box").has_value());
    services_.deploy("box", "echo", "fixture_echo");
  }

  PipelineService& pipelines() { return services_.pipelines(); }

  TestStore store_{GetParam()};
  TestServices services_{*store_};
};

INSTANTIATE_TEST_SUITE_P(Stores, PipelineServiceTest,
                         ::testing::Values(StoreKind::kLocal, StoreKind::kS3),
                         testing::store_param_name);

TEST_P(PipelineServiceTest, NotFoundErrorsSayWhatIsMissing) {
  const Error missing = pipelines().get("box", "never").error();
  EXPECT_EQ(missing.reason, reason::kPipelineNotFound);
  EXPECT_EQ(missing.message, "no pipeline 'never' in bucket 'box'");
  EXPECT_EQ(pipelines().run("box", "never", "x", false, "").error().reason,
            reason::kPipelineNotFound);
  EXPECT_EQ(pipelines().remove("box", "never").error().reason, reason::kPipelineNotFound);
  EXPECT_EQ(pipelines().get("nobucket", "p").error().reason, reason::kBucketNotFound);
  EXPECT_EQ(pipelines().list("nobucket").error().reason, reason::kBucketNotFound);
  EXPECT_EQ(pipelines().put("nobucket", "p", R"({"steps":["echo"]})").error().reason,
            reason::kBucketNotFound);
  const Error step = pipelines().put("box", "p", R"({"steps":["echo","nope"]})").error();
  EXPECT_EQ(step.reason, reason::kFunctionNotFound);
  EXPECT_EQ(step.message,
            "pipeline step 2 ('nope') does not exist: no function 'nope' in bucket 'box'");
  EXPECT_EQ(pipelines().put("box", "p", R"({"steps":["echo@0123456789abcdef"]})").error().reason,
            reason::kVersionNotFound);
}

TEST_P(PipelineServiceTest, ADeletedPipelinesNameCanBeUsedAgain) {
  ASSERT_TRUE(pipelines().put("box", "p", R"({"steps":["echo"]})").has_value());
  ASSERT_TRUE(pipelines().put("box", "pp", R"({"steps":["echo","echo"]})").has_value());
  ASSERT_TRUE(pipelines().remove("box", "p").has_value());
  EXPECT_EQ(pipelines().list("box").value(), std::vector<std::string>{"pp"});  // "pp" stays
  ASSERT_TRUE(pipelines().put("box", "p", R"({"steps":["echo","echo","echo"]})").has_value());
  EXPECT_EQ(pipelines().get("box", "p").value().steps.size(), 3u);
  EXPECT_EQ(pipelines().run("box", "p", "hi", false, "").value().output, "hi");
}

}  // namespace
}  // namespace wasmfaas::api
