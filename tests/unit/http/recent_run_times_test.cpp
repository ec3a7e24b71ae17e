#include "http/recent_run_times.h"

#include <gtest/gtest.h>

#include <string>

namespace wasmfaas::http {
namespace {

using std::chrono::microseconds;

constexpr microseconds kThreshold{1000};
constexpr microseconds kShort{200};
constexpr microseconds kLong{5000};

void record_short_runs(RecentRunTimes& times, const std::string& function, uint32_t runs) {
  for (uint32_t i = 0; i < runs; ++i) times.record(function, kShort);
}

TEST(RecentRunTimesTest, AFunctionIsShortAfterEnoughShortCallsInARow) {
  RecentRunTimes times(kThreshold);
  EXPECT_FALSE(times.expect_short("b/hello")) << "nothing known yet";
  record_short_runs(times, "b/hello", RecentRunTimes::kShortRunsNeeded - 1);
  EXPECT_FALSE(times.expect_short("b/hello"));
  times.record("b/hello", kShort);
  EXPECT_TRUE(times.expect_short("b/hello"));
  EXPECT_FALSE(times.expect_short("b/other")) << "each function on its own";
}

TEST(RecentRunTimesTest, OneLongCallStartsTheCountAgain) {
  RecentRunTimes times(kThreshold);
  record_short_runs(times, "b/f", RecentRunTimes::kShortRunsNeeded);
  ASSERT_TRUE(times.expect_short("b/f"));
  times.record("b/f", kLong);
  EXPECT_FALSE(times.expect_short("b/f"));
  times.record("b/f", kThreshold);  // the threshold itself is not short
  record_short_runs(times, "b/f", RecentRunTimes::kShortRunsNeeded - 1);
  EXPECT_FALSE(times.expect_short("b/f"));
  times.record("b/f", kShort);
  EXPECT_TRUE(times.expect_short("b/f"));
}

TEST(RecentRunTimesTest, AZeroThresholdExpectsNoCallToBeShort) {
  RecentRunTimes times(microseconds(0));
  record_short_runs(times, "b/f", 100);
  EXPECT_FALSE(times.expect_short("b/f"));
}

TEST(RecentRunTimesTest, RemembersABoundedNumberOfFunctions) {
  RecentRunTimes times(kThreshold);
  record_short_runs(times, "b/first", RecentRunTimes::kShortRunsNeeded);
  for (size_t i = 1; i < RecentRunTimes::kMaxFunctions; ++i) {
    times.record("b/f" + std::to_string(i), kShort);
  }
  EXPECT_TRUE(times.expect_short("b/first")) << "still within the bound";
  times.record("b/one-too-many", kShort);
  EXPECT_FALSE(times.expect_short("b/first")) << "past the bound, it starts over";
}

}  // namespace
}  // namespace wasmfaas::http
