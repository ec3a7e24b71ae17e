// Compares next_after with croniter 7.0.0 on the random cases that
// croniter_oracle.py wrote (the ctest fixture triggers.croniter_cases runs
// it into the build directory first). Fails on any disagreement and prints
// the first ones.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "unit/triggers/cron_test_support.h"

namespace wasmfaas::triggers {
namespace {

// One line: expression, zone, instant (Unix seconds), croniter's next fire
// time (Unix seconds, or "none"), tab-separated.
struct OracleCase {
  std::string expression;
  std::string zone;
  long long instant;
  std::string expected;
};

std::vector<OracleCase> read_cases(const std::string& path) {
  std::vector<OracleCase> cases;
  std::ifstream file(path);
  std::string line;
  while (std::getline(file, line)) {
    std::istringstream fields(line);
    OracleCase entry;
    std::string instant;
    if (!std::getline(fields, entry.expression, '\t') || !std::getline(fields, entry.zone, '\t') ||
        !std::getline(fields, instant, '\t') || !std::getline(fields, entry.expected)) {
      ADD_FAILURE() << "malformed line in " << path << ": " << line;
      continue;
    }
    entry.instant = std::stoll(instant);
    cases.push_back(std::move(entry));
  }
  return cases;
}

TEST(CroniterOracle, AgreesOnEveryCase) {
  const std::vector<OracleCase> cases = read_cases(WASMFAAS_CRONITER_CASES_FILE);
  ASSERT_GE(cases.size(), 3000u) << "run the ctest fixture triggers.croniter_cases first ("
                                 << WASMFAAS_CRONITER_CASES_FILE << ")";
  std::map<std::string, TimeZone> zones;
  size_t disagreements = 0;
  constexpr size_t kShown = 20;
  for (const OracleCase& entry : cases) {
    auto zone = zones.find(entry.zone);
    if (zone == zones.end()) zone = zones.emplace(entry.zone, testing::zone(entry.zone)).first;
    auto expression = CronExpression::parse(entry.expression);
    if (!expression) {
      if (++disagreements <= kShown) {
        ADD_FAILURE() << "'" << entry.expression
                      << "' does not parse: " << expression.error().message;
      }
      continue;
    }
    const std::chrono::sys_seconds instant{std::chrono::seconds{entry.instant}};
    const auto next = expression->next_after(instant, zone->second);
    const std::string actual =
        next ? std::to_string(next->time_since_epoch().count()) : std::string("none");
    if (actual != entry.expected && ++disagreements <= kShown) {
      const auto shown = [&](const std::string& value) {
        return value == "none"
                   ? value
                   : testing::local_text(
                         std::chrono::sys_seconds{std::chrono::seconds{std::stoll(value)}},
                         zone->second);
      };
      ADD_FAILURE() << "'" << entry.expression << "' in " << entry.zone << " after "
                    << testing::local_text(instant, zone->second) << ": croniter "
                    << shown(entry.expected) << ", we " << shown(actual);
    }
  }
  EXPECT_EQ(disagreements, 0u) << "of " << cases.size() << " cases";
  std::printf("compared %zu cases with croniter\n", cases.size());
}

}  // namespace
}  // namespace wasmfaas::triggers
