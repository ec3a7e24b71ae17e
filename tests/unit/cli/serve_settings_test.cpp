// `wasmfaas serve` settings: each precedence rule (flags > WASMFAAS_*
// environment > config file > defaults) and each kind of config error.
#include "cli/serve_settings.h"

#include "cli/token_command.h"

#include <gtest/gtest.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#include "common/hash.h"

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
    EXPECT_NE(options.error().message.find("wasmfaas.toml, key '" + key + "': "),
              std::string::npos)
        << options.error().message;
  }
}

// Every refusal says where the value came from, what it was and what is
// allowed, in words: no 309-digit bound, no flag named for a variable.
TEST_F(ServeSettingsTest, ABadValueNamesItsSourceTheValueAndWhatIsAllowed) {
  auto options = parse("--timeout-ms abc");
  ASSERT_FALSE(options.has_value());
  EXPECT_EQ(options.error().message,
            "--timeout-ms: 'abc' is not a whole number of milliseconds, 1 or more");
  options = parse("--timeout-ms 0");
  ASSERT_FALSE(options.has_value());
  EXPECT_EQ(options.error().message,
            "--timeout-ms: '0' is not a whole number of milliseconds, 1 or more");
  options = parse("--stack-kb 10");
  ASSERT_FALSE(options.has_value());
  EXPECT_EQ(options.error().message, "--stack-kb: '10' is not a whole number of KiB from 64 to 8192");
  options = parse("--store ftp");
  ASSERT_FALSE(options.has_value());
  EXPECT_EQ(options.error().message, "--store: 'ftp' is not one of local or s3");
  options = parse("--timeout-ms 99999999999999999999999");
  ASSERT_FALSE(options.has_value());
  EXPECT_NE(options.error().message.find("1 or more"), std::string::npos);

  environment_.set("WASMFAAS_TIMEOUT_MS", "soon");
  options = parse("");
  ASSERT_FALSE(options.has_value());
  EXPECT_EQ(options.error().message,
            "WASMFAAS_TIMEOUT_MS: 'soon' is not a whole number of milliseconds, 1 or more");

  options = parse("--timeout-ms 100 --config " + write_config("memory-mb = 0\n"));
  ASSERT_FALSE(options.has_value());
  EXPECT_NE(options.error().message.find("wasmfaas.toml, key 'memory-mb': '0' is not a whole "
                                         "number of MiB from 1 to 65536"),
            std::string::npos)
      << options.error().message;
}

// A value of the wrong TOML type is refused, naming both.
TEST_F(ServeSettingsTest, AValueOfTheWrongTomlTypeIsRefused) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"no-cache = \"yes\"\n", "key 'no-cache': the string 'yes' is not true or false"},
      {"[s3]\nendpoint = 5\n", "key 's3-endpoint': the integer 5 is not text"},
      {"timeout-ms = 1.5\n", "key 'timeout-ms': the decimal number 1.5 is not a whole number"},
      {"timeout-ms = \"100\"\n", "key 'timeout-ms': the string '100' is not a whole number"},
      {"insecure = 1\n", "key 'insecure': the integer 1 is not true or false"},
      {"token = [1]\n", "key 'token': the integer 1 is not a string or an array of strings"},
  };
  for (const auto& [text, expected] : cases) {
    const auto options = parse("--config " + write_config(text));
    ASSERT_FALSE(options.has_value()) << text;
    EXPECT_NE(options.error().message.find(expected), std::string::npos)
        << text << " -> " << options.error().message;
  }
}

// Every switch is given alike: --NAME, --NAME=true|false, a variable or a
// file key of true/false.
TEST_F(ServeSettingsTest, SwitchesBehaveAlike) {
  auto options = parse("--insecure --public-metrics --public-readyz=false --no-cache=false");
  ASSERT_TRUE(options.has_value()) << options.error().message;
  EXPECT_TRUE(options->insecure);
  EXPECT_TRUE(options->config.access.public_metrics);
  EXPECT_FALSE(options->config.access.public_readyz);
  EXPECT_TRUE(options->config.execution.use_compiled_cache);

  options = parse("--insecure=false --public-metrics=true --no-cache");
  ASSERT_TRUE(options.has_value()) << options.error().message;
  EXPECT_FALSE(options->insecure);
  EXPECT_TRUE(options->config.access.public_metrics);
  EXPECT_FALSE(options->config.execution.use_compiled_cache);

  environment_.set("WASMFAAS_INSECURE", "yes");
  environment_.set("WASMFAAS_PUBLIC_READYZ", "0");
  options = parse("--config " + write_config("public-metrics = true\nno-guard-pages = true\n"));
  ASSERT_TRUE(options.has_value()) << options.error().message;
  EXPECT_TRUE(options->insecure);
  EXPECT_FALSE(options->config.access.public_readyz);
  EXPECT_TRUE(options->config.access.public_metrics);
  EXPECT_FALSE(options->engine.guard_pages);

  options = parse("--public-metrics=maybe");
  ASSERT_FALSE(options.has_value());
  EXPECT_EQ(options.error().message, "--public-metrics: 'maybe' is not true or false");
}

TEST_F(ServeSettingsTest, MalformedTomlNamesTheLine) {
  const auto options = parse("--config " + write_config("listen = \"a\"\ntimeout-ms = = 3\n"));
  ASSERT_FALSE(options.has_value());
  EXPECT_NE(options.error().message.find("wasmfaas.toml:2"), std::string::npos)
      << options.error().message;
}

TEST_F(ServeSettingsTest, ContradictionsAreNamed) {
  const auto options = parse("--memory-mb 256 --max-memory-mb 128");
  ASSERT_FALSE(options.has_value());
  EXPECT_NE(options.error().message.find("memory-mb (256) is above max-memory-mb (128)"),
            std::string::npos);
}

// The line of `token create`'s output that starts with `label`, without it.
std::string printed_form(const std::string& printed, const std::string& label) {
  std::istringstream lines(printed);
  for (std::string line; std::getline(lines, line);) {
    const size_t at = line.find(label);
    if (at != std::string::npos) return line.substr(at + label.size());
  }
  ADD_FAILURE() << "no '" << label << "' in:\n" << printed;
  return "";
}

http::ApiToken test_token(const std::string& name, const std::string& secret,
                          std::vector<std::string> buckets) {
  http::ApiToken token;
  token.name = name;
  token.scope = http::TokenScope::kInvoke;
  token.sha256_hex = sha256_hex(secret);
  token.buckets = std::move(buckets);
  return token;
}

// What `token create` prints for the config file, WASMFAAS_TOKEN and
// --token works as printed, for two tokens at once in each place.
TEST_F(ServeSettingsTest, TokenCreateLinesWorkAsPrintedInEachPlace) {
  const auto first = test_token("ci", "wfs_one", {"functions"});
  const auto second = test_token("ops.team", "wfs_two", {});
  const std::string one = token_instructions(first, "wfs_one");
  const std::string two = token_instructions(second, "wfs_two");
  const auto expect_both = [&](const Result<ServeCommandOptions>& options, const std::string& how) {
    ASSERT_TRUE(options.has_value()) << how << ": " << options.error().message;
    ASSERT_EQ(options->config.access.tokens.size(), 2u) << how;
    const auto& tokens = options->config.access.tokens;
    EXPECT_EQ(tokens[0].name, "ci") << how;
    EXPECT_EQ(tokens[0].sha256_hex, first.sha256_hex) << how;
    EXPECT_EQ(tokens[0].buckets, std::vector<std::string>{"functions"}) << how;
    EXPECT_TRUE(tokens[0].covers_bucket("functions")) << how;
    EXPECT_EQ(tokens[1].name, "ops.team") << how;
    EXPECT_EQ(tokens[1].sha256_hex, second.sha256_hex) << how;
  };

  // Config file: the two lines pasted one after the other, above a table.
  const std::string file = write_config(printed_form(one, "                ") + "\n" +
                                        printed_form(two, "                ") +
                                        "\n[s3]\nregion = \"eu-west-1\"\n");
  expect_both(parse("--config " + file), "config file");

  // Flag: what follows `wasmfaas serve`, twice.
  expect_both(parse(printed_form(one, "wasmfaas serve ") + " " + printed_form(two, "wasmfaas serve ")),
              "--token");

  // Environment: both export lines run by a shell, one after the other.
  const std::string script = printed_form(one, "environment:  ") + "; " +
                             printed_form(two, "environment:  ") +
                             "; printf %s \"$WASMFAAS_TOKEN\"";
  const std::string output_path = (dir_.path() / "token.txt").string();
  const std::string command = "env -u WASMFAAS_TOKEN bash -c '" + script + "' > " + output_path;
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
  std::ifstream output(output_path);
  const std::string variable((std::istreambuf_iterator<char>(output)),
                             std::istreambuf_iterator<char>());
  environment_.set("WASMFAAS_TOKEN", variable);
  expect_both(parse(""), "WASMFAAS_TOKEN");
}

// A token entry that does not parse is refused at start, whichever way it
// came: the whole quoted config line pasted into --token, the secret
// itself, a bucket that is no bucket name.
TEST_F(ServeSettingsTest, ATokenEntryThatDoesNotParseIsRefusedAtStart) {
  const std::string hash(64, 'a');
  for (const std::string& arguments :
       {"--token '\"ci:invoke:" + hash + ":functions\"'", "--token '[\"ci:invoke:" + hash + "\"]'",
        std::string("--token wfs_0123456789abcdef"), "--token ci:invoke:" + hash + ":Bad_Bucket",
        "--token ci:root:" + hash}) {
    const auto options = parse(arguments);
    ASSERT_FALSE(options.has_value()) << arguments;
    EXPECT_NE(options.error().message.find("token"), std::string::npos) << options.error().message;
    EXPECT_EQ(options.error().message.find("0123456789abcdef"), std::string::npos)
        << "the secret is echoed: " << options.error().message;
  }
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
