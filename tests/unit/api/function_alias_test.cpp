// Alias values: names, the PUT body and the stored document, the canary
// pick, and alias steps of pipelines ("key#alias").
#include "api/function_alias.h"

#include <gtest/gtest.h>

#include <array>

#include "api/pipeline.h"

namespace wasmfaas::api {
namespace {

TEST(AliasNameTest, TakesLowercaseDigitsUnderscoresAndHyphensNotAllDigits) {
  for (const char* name : {"prod", "canary", "v2", "a", "blue_green-2", "7up"}) {
    EXPECT_TRUE(validate_alias_name(name).has_value()) << name;
  }
  for (const char* name : {"", "Prod", "a.b", "a b", "a#b", "a@b", "a/b", "123", "0"}) {
    const auto refused = validate_alias_name(name);
    ASSERT_FALSE(refused.has_value()) << name;
    EXPECT_EQ(refused.error().code, ErrorCode::kInvalidArgument);
  }
  EXPECT_TRUE(validate_alias_name(std::string(64, 'a')).has_value());
  EXPECT_FALSE(validate_alias_name(std::string(65, 'a')).has_value());
}

TEST(ParseAliasTest, ReadsAVersionAndAnOptionalCanary) {
  const auto plain = parse_alias("prod", R"({"version":"v7"})").value();
  EXPECT_EQ(plain, (FunctionAlias{"prod", "v7", std::nullopt}));
  const auto weighted =
      parse_alias("prod", R"({"version":"v7","canary":{"version":"v8","weight":10}})").value();
  EXPECT_EQ(weighted, (FunctionAlias{"prod", "v7", AliasCanary{"v8", 10}}));
  EXPECT_EQ(parse_alias("p", R"({"version":"a","canary":{"version":"b","weight":20.0}})")
                .value()
                .canary->weight,
            20u);
  EXPECT_EQ(parse_alias("p", R"({"version":"a","canary":{"version":"b","weight":0}})")
                .value()
                .canary->weight,
            0u);
  EXPECT_EQ(parse_alias("p", R"({"version":"a","canary":{"version":"b","weight":100}})")
                .value()
                .canary->weight,
            100u);
}

TEST(ParseAliasTest, RefusesMalformedBodiesNamingTheField) {
  const auto refused = [](std::string_view name, std::string_view body) {
    const auto parsed = parse_alias(name, body);
    EXPECT_FALSE(parsed.has_value()) << body;
    return parsed ? Error{} : parsed.error();
  };
  EXPECT_EQ(refused("prod", "not json").reason, reason::kInvalidJson);
  EXPECT_EQ(refused("prod", "[]").code, ErrorCode::kInvalidArgument);
  EXPECT_NE(refused("prod", "{}").message.find("'version'"), std::string::npos);
  EXPECT_NE(refused("prod", R"({"version":7})").message.find("'version'"), std::string::npos);
  EXPECT_NE(refused("prod", R"({"version":"a/b"})").message.find("not a version id"),
            std::string::npos);
  EXPECT_NE(refused("prod", R"({"version":"v1","weight":3})").message.find("'weight'"),
            std::string::npos);
  for (const char* weight : {"-1", "101", "10.5", "\"10\"", "null"}) {
    const Error error = refused(
        "prod", std::string(R"({"version":"a","canary":{"version":"b","weight":)") + weight + "}}");
    EXPECT_NE(error.message.find("canary.weight"), std::string::npos) << weight;
  }
  EXPECT_NE(refused("prod", R"({"version":"a","canary":null})").message.find("'canary'"),
            std::string::npos);
  EXPECT_NE(refused("prod", R"({"version":"a","canary":{"weight":5}})").message.find(
                "canary.version"),
            std::string::npos);
  EXPECT_NE(refused("prod", R"({"version":"a","canary":{"version":"b","weight":5,"x":1}})")
                .message.find("canary.x"),
            std::string::npos);
  EXPECT_NE(refused("PROD", R"({"version":"a"})").message.find("alias name"), std::string::npos);
}

TEST(AliasesDocumentTest, RoundTripsAndRefusesWhatIsUnreadable) {
  const std::vector<FunctionAlias> aliases = {{"canary", "v8", std::nullopt},
                                              {"prod", "v7", AliasCanary{"v8", 25}}};
  EXPECT_EQ(aliases_json(aliases),
            R"({"aliases":[{"name":"canary","version":"v8"},)"
            R"({"canary":{"version":"v8","weight":25},"name":"prod","version":"v7"}]})");
  EXPECT_EQ(parse_aliases(aliases_json(aliases)).value(), aliases);
  EXPECT_TRUE(parse_aliases(R"({"aliases":[]})").value().empty());
  for (const char* text : {"", "{}", R"({"aliases":[{"version":"v1"}]})",
                           R"({"aliases":[{"name":"p","version":"v1","canary":{"weight":1}}]})"}) {
    const auto parsed = parse_aliases(text);
    ASSERT_FALSE(parsed.has_value()) << text;
    EXPECT_EQ(parsed.error().code, ErrorCode::kInternal);
  }
}

TEST(AliasPickTest, TheCanaryRunsForRollsBelowItsWeight) {
  const FunctionAlias alias{"prod", "stable", AliasCanary{"next", 10}};
  for (uint32_t roll = 0; roll < 100; ++roll) {
    EXPECT_EQ(alias_version_for(alias, roll), roll < 10 ? "next" : "stable") << roll;
  }
  const FunctionAlias none{"prod", "stable", AliasCanary{"next", 0}};
  const FunctionAlias all{"prod", "stable", AliasCanary{"next", 100}};
  const FunctionAlias plain{"prod", "stable", std::nullopt};
  for (uint32_t roll = 0; roll < 100; ++roll) {
    EXPECT_EQ(alias_version_for(none, roll), "stable");
    EXPECT_EQ(alias_version_for(all, roll), "next");
    EXPECT_EQ(alias_version_for(plain, roll), "stable");
  }
}

TEST(AliasPickTest, RollsCoverZeroToNinetyNineUniformly) {
  // 100,000 rolls: each of the 100 values is expected 1000 times, with a
  // standard deviation of sqrt(1000 * 0.99) ~ 31.5; 6 of them (189) make a
  // spurious failure among the 100 values about one in 10^7.
  std::array<int, 100> counts{};
  for (int i = 0; i < 100000; ++i) {
    const uint32_t roll = alias_roll();
    ASSERT_LT(roll, 100u);
    ++counts[roll];
  }
  for (int value = 0; value < 100; ++value) {
    EXPECT_NEAR(counts[value], 1000, 189) << value;
  }
}

TEST(PipelineAliasStepTest, HashSelectsAnAliasUnlessAVersionPins) {
  constexpr char kSteps[] =
      R"({"steps":["hello#prod","a#b#canary","up@v1","tag#x@v2","k#","k#Bad","#prod"]})";
  const auto definition = parse_pipeline(kSteps, 16).value();
  const auto& steps = definition.steps;
  ASSERT_EQ(steps.size(), 7u);
  EXPECT_EQ(steps[0].key, "hello");
  EXPECT_EQ(steps[0].alias, "prod");
  EXPECT_EQ(steps[0].version_id, std::nullopt);
  EXPECT_EQ(steps[1].key, "a#b");  // only the last '#' selects
  EXPECT_EQ(steps[1].alias, "canary");
  EXPECT_EQ(steps[2].key, "up");
  EXPECT_EQ(steps[2].alias, std::nullopt);
  EXPECT_EQ(steps[3].key, "tag#x");  // pinned: the '#' is part of the key
  EXPECT_EQ(steps[3].version_id, "v2");
  EXPECT_EQ(steps[3].alias, std::nullopt);
  for (size_t i : {4u, 5u, 6u}) {  // no valid alias after '#': a plain key
    EXPECT_EQ(steps[i].alias, std::nullopt) << i;
  }
  EXPECT_EQ(steps[4].key, "k#");
  EXPECT_EQ(steps[6].key, "#prod");
  EXPECT_EQ(steps[0].describe(), "hello#prod");
  EXPECT_EQ(pipeline_json(definition), kSteps);

  const auto qualified = parse_qualified_steps({"box/hello#prod"}, 16).value();
  ASSERT_EQ(qualified.size(), 1u);
  EXPECT_EQ(qualified[0].bucket, "box");
  EXPECT_EQ(qualified[0].key, "hello");
  EXPECT_EQ(qualified[0].alias, "prod");
  EXPECT_EQ(qualified[0].describe(), "box/hello#prod");
}

}  // namespace
}  // namespace wasmfaas::api
