// `wasmfaas serve` settings: each precedence rule (flags > WASMFAAS_*
// environment > config file > defaults) and each kind of config error.
#include "cli/serve_settings.h"

#include <gtest/gtest.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <fstream>
#include <set>

#include "support/temp_dir.h"

namespace wasmfaas::cli {
namespace {

// Sets environment variables for one test and removes them afterwards.
class ScopedEnvironment {
 public:
  ~ScopedEnvironment() {
    for (const auto& name : names_) unsetenv(name.c_str());
  }
  void set(const std::string& name, const std::string& value) {
    setenv(name.c_str(), value.c_str(), 1);
    names_.push_back(name);
  }

 private:
  std::vector<std::string> names_;
};

class ServeSettingsTest : public ::testing::Test {
 protected:
  std::string write_config(const std::string& text) {
    const auto path = dir_.path() / "wasmfaas.toml";
    std::ofstream(path) << text;
    return path.string();
  }

  // Parses `serve <arguments>` as main does.
  Result<ServeCommandOptions> parse(const std::string& arguments) {
    CLI::App app;
    CLI::App* serve = app.add_subcommand("serve");
    ServeSettings settings(*serve);
    try {
      app.parse("serve " + arguments, false);
    } catch (const CLI::Error& error) {
      return make_error(ErrorCode::kInvalidArgument, error.what());
    }
    return settings.finish();
  }

  testing::TempDir dir_;
  ScopedEnvironment environment_;
};

TEST_F(ServeSettingsTest, DefaultsWithoutAnything) {
  const auto options = parse("");
  ASSERT_TRUE(options.has_value()) << options.error().message;
  EXPECT_EQ(options->listen, "127.0.0.1:3000");
  EXPECT_EQ(options->config.execution.invocation.timeout, std::chrono::milliseconds(30000));
  EXPECT_EQ(options->config.execution.invocation.max_memory_bytes, 64ull << 20);
}

TEST_F(ServeSettingsTest, TheFileOverridesDefaults) {
  const std::string file = write_config(
      "listen = \"127.0.0.1:4000\"\ntimeout-ms = 1500\nmemory-mb = 32\n[s3]\nregion = \"eu-west-1\"\n");
  const auto options = parse("--config " + file);
  ASSERT_TRUE(options.has_value()) << options.error().message;
  EXPECT_EQ(options->listen, "127.0.0.1:4000");
  EXPECT_EQ(options->config.execution.invocation.timeout, std::chrono::milliseconds(1500));
  EXPECT_EQ(options->config.execution.invocation.max_memory_bytes, 32ull << 20);
  EXPECT_EQ(options->s3.region, "eu-west-1");
}

TEST_F(ServeSettingsTest, TheEnvironmentOverridesTheFile) {
  const std::string file = write_config("timeout-ms = 1500\nmemory-mb = 32\n");
  environment_.set("WASMFAAS_TIMEOUT_MS", "2500");
  const auto options = parse("--config " + file);
  ASSERT_TRUE(options.has_value()) << options.error().message;
  EXPECT_EQ(options->config.execution.invocation.timeout, std::chrono::milliseconds(2500));
  EXPECT_EQ(options->config.execution.invocation.max_memory_bytes, 32ull << 20);
}

TEST_F(ServeSettingsTest, FlagsOverrideTheEnvironmentAndTheFile) {
  const std::string file = write_config("timeout-ms = 1500\n");
  environment_.set("WASMFAAS_TIMEOUT_MS", "2500");
  const auto options = parse("--config " + file + " --timeout-ms 3500");
  ASSERT_TRUE(options.has_value()) << options.error().message;
  EXPECT_EQ(options->config.execution.invocation.timeout, std::chrono::milliseconds(3500));
}

TEST_F(ServeSettingsTest, TheConfigFileCanComeFromTheEnvironment) {
  environment_.set("WASMFAAS_CONFIG", write_config("exec-workers = 7\n"));
  const auto options = parse("");
  ASSERT_TRUE(options.has_value()) << options.error().message;
  EXPECT_EQ(options->config.exec_workers, 7u);
}

// AWS_REGION is only the default of --s3-region: every source of our own
// (flag, WASMFAAS_S3_REGION, the file) overrides it.
TEST_F(ServeSettingsTest, AwsRegionRanksBelowFlagsEnvironmentAndFile) {
  environment_.set("AWS_REGION", "ap-south-1");
  const auto from_aws = parse("--store s3");
  ASSERT_TRUE(from_aws.has_value()) << from_aws.error().message;
  EXPECT_EQ(from_aws->s3.region, "ap-south-1");

  const auto from_flag = parse("--store s3 --s3-region eu-west-1");
  ASSERT_TRUE(from_flag.has_value()) << from_flag.error().message;
  EXPECT_EQ(from_flag->s3.region, "eu-west-1");

  const std::string file = write_config("[s3]\nregion = \"eu-central-1\"\n");
  const auto from_file = parse("--store s3 --config " + file);
  ASSERT_TRUE(from_file.has_value()) << from_file.error().message;
  EXPECT_EQ(from_file->s3.region, "eu-central-1");

  environment_.set("WASMFAAS_S3_REGION", "sa-east-1");
  const auto from_environment = parse("--store s3 --config " + file);
  ASSERT_TRUE(from_environment.has_value()) << from_environment.error().message;
  EXPECT_EQ(from_environment->s3.region, "sa-east-1");
}

TEST_F(ServeSettingsTest, WithoutAnyRegionItIsUsEast1) {
  if (std::getenv("AWS_REGION") || std::getenv("AWS_DEFAULT_REGION")) {
    GTEST_SKIP() << "the environment names a region";
  }
  const auto options = parse("--store s3");
  ASSERT_TRUE(options.has_value()) << options.error().message;
  EXPECT_EQ(options->s3.region, "us-east-1");
}

TEST_F(ServeSettingsTest, AnUnknownKeyIsNamed) {
  const auto options = parse("--config " + write_config("timeout-msec = 5\n"));
  ASSERT_FALSE(options.has_value());
  EXPECT_NE(options.error().message.find("unknown setting 'timeout-msec'"), std::string::npos)
      << options.error().message;
}

TEST_F(ServeSettingsTest, AnInvalidValueInTheFileIsNamed) {
  for (const std::string text : {"timeout-ms = -5\n", "timeout-ms = \"soon\"\n",
                                 "store = \"ftp\"\n", "stack-kb = 1\n"}) {
    const auto options = parse("--config " + write_config(text));
    ASSERT_FALSE(options.has_value()) << text;
    const std::string key = text.substr(0, text.find(' '));
    EXPECT_NE(options.error().message.find("invalid value for '" + key + "'"), std::string::npos)
        << options.error().message;
  }
}

TEST_F(ServeSettingsTest, MalformedTomlNamesTheLine) {
  const auto options = parse("--config " + write_config("listen = \"a\"\ntimeout-ms = = 3\n"));
  ASSERT_FALSE(options.has_value());
  EXPECT_NE(options.error().message.find("wasmfaas.toml:2"), std::string::npos)
      << options.error().message;
}

TEST_F(ServeSettingsTest, AnInvalidEnvironmentValueIsNamed) {
  environment_.set("WASMFAAS_TIMEOUT_MS", "soon");
  const auto options = parse("");
  ASSERT_FALSE(options.has_value());
  EXPECT_NE(options.error().message.find("timeout-ms"), std::string::npos)
      << options.error().message;
}

TEST_F(ServeSettingsTest, ContradictionsAreNamed) {
  const auto options = parse("--memory-mb 256 --max-memory-mb 128");
  ASSERT_FALSE(options.has_value());
  EXPECT_NE(options.error().message.find("memory-mb (256) is above max-memory-mb (128)"),
            std::string::npos);
}

// The example file documents every setting and is itself a valid config.
TEST_F(ServeSettingsTest, TheExampleConfigCoversEverySettingAndLoads) {
  const std::string example = std::string(WASMFAAS_SOURCE_DIR) + "/wasmfaas.example.toml";
  std::ifstream file(example);
  ASSERT_TRUE(file.good()) << example;
  const std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  CLI::App app;
  CLI::App* serve = app.add_subcommand("serve");
  ServeSettings settings(*serve);
  for (const CLI::Option* option : serve->get_options()) {
    if (option->get_lnames().empty()) continue;
    const std::string name = option->get_lnames().front();
    if (name == "help" || name == "config") continue;
    // Either "name =" or, inside a table, its last part (s3-endpoint as [s3] endpoint).
    const std::string last = name.starts_with("s3-") ? name.substr(3) : name;
    EXPECT_TRUE(text.find("\n" + name + " =") != std::string::npos ||
                text.find("\n# " + name + " =") != std::string::npos ||
                text.find("\n" + last + " =") != std::string::npos ||
                text.find("\n# " + last + " =") != std::string::npos)
        << "the example config does not document " << name;
  }
  const auto options = parse("--config " + example);
  EXPECT_TRUE(options.has_value()) << options.error().message;
}

}  // namespace
}  // namespace wasmfaas::cli
