#include "common/metrics.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace wasmfaas::metrics {
namespace {

TEST(MetricsTest, RendersCountersWithLabelsInTheTextFormat) {
  Registry registry;
  auto& requests = registry.counter("x_requests_total", "Requests", {"route", "status"});
  requests.with({"exec", "200"}).add(3);
  requests.with({"file", "404"}).add();
  const std::string text = registry.render();
  EXPECT_NE(text.find("# HELP x_requests_total Requests\n# TYPE x_requests_total counter\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("x_requests_total{route=\"exec\",status=\"200\"} 3\n"), std::string::npos);
  EXPECT_NE(text.find("x_requests_total{route=\"file\",status=\"404\"} 1\n"), std::string::npos);
}

TEST(MetricsTest, HistogramBucketsAreCumulative) {
  Registry registry;
  auto& durations = registry.histogram("x_seconds", "Durations", {}, {0.1, 1});
  auto& histogram = durations.with({});
  histogram.observe(0.05);
  histogram.observe(0.5);
  histogram.observe(5);
  const std::string text = registry.render();
  EXPECT_NE(text.find("x_seconds_bucket{le=\"0.1\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("x_seconds_bucket{le=\"1\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("x_seconds_bucket{le=\"+Inf\"} 3\n"), std::string::npos);
  EXPECT_NE(text.find("x_seconds_count 3\n"), std::string::npos);
  EXPECT_NE(text.find("x_seconds_sum 5.55"), std::string::npos);
}

TEST(MetricsTest, LabelValuesAreEscaped) {
  Registry registry;
  registry.counter("x_total", "X", {"key"}).with({"a\"b\\c\nd"}).add();
  EXPECT_NE(registry.render().find(R"(x_total{key="a\"b\\c\nd"} 1)"), std::string::npos)
      << registry.render();
}

TEST(MetricsTest, SeriesBeyondTheCapFoldIntoOther) {
  Registry registry;
  auto& family = registry.counter("x_total", "X", {"bucket", "key"}, 2);
  family.with({"b", "one"}).add();
  family.with({"b", "two"}).add();
  family.with({"b", "three"}).add();
  family.with({"b", "four"}).add();
  family.with({"b", "one"}).add();
  const std::string text = registry.render();
  EXPECT_NE(text.find("x_total{bucket=\"b\",key=\"one\"} 2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("x_total{bucket=\"_other\",key=\"_other\"} 2\n"), std::string::npos);
  EXPECT_EQ(text.find("three"), std::string::npos);
}

TEST(MetricsTest, CollectedFamiliesAreReadAtScrapeTime) {
  Registry registry;
  double depth = 1;
  registry.collected("x_depth", "Depth", "gauge", {"pool"},
                     [&] { return std::vector<Sample>{{{"exec"}, depth}}; });
  EXPECT_NE(registry.render().find("x_depth{pool=\"exec\"} 1\n"), std::string::npos);
  depth = 7;
  EXPECT_NE(registry.render().find("x_depth{pool=\"exec\"} 7\n"), std::string::npos);
}

TEST(MetricsTest, ConcurrentRecordingLosesNothing) {
  Registry registry;
  auto& family = registry.counter("x_total", "X", {"t"});
  auto& durations = registry.histogram("x_seconds", "X", {}, {1});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) {
        family.with({"same"}).add();
        durations.with({}).observe(0.5);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(family.with({"same"}).value(), 40000u);
  EXPECT_EQ(durations.with({}).snapshot().count, 40000u);
}

}  // namespace
}  // namespace wasmfaas::metrics
