#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace wasmfaas::metrics {

// A monotonic count. Thread-safe, lock-free.
class Counter {
 public:
  void add(uint64_t amount = 1) { value_.fetch_add(amount, std::memory_order_relaxed); }
  uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

// A value that goes up and down. Thread-safe, lock-free.
class Gauge {
 public:
  void add(int64_t amount) { value_.fetch_add(amount, std::memory_order_relaxed); }
  void set(int64_t value) { value_.store(value, std::memory_order_relaxed); }
  int64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<int64_t> value_{0};
};

// Observations counted into cumulative buckets (upper bounds in seconds or
// bytes), with their sum. Thread-safe, lock-free.
class Histogram {
 public:
  explicit Histogram(std::span<const double> bounds);
  void observe(double value);

  struct Snapshot {
    std::vector<double> bounds;
    std::vector<uint64_t> cumulative;  // one per bound, then +Inf
    double sum = 0;
    uint64_t count = 0;
  };
  Snapshot snapshot() const;

 private:
  const std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> counts_;  // per bucket (not cumulative), then +Inf
  std::atomic<uint64_t> sum_nanos_{0};               // sum * 1e9, for a lock-free add
  std::atomic<uint64_t> count_{0};
};

// Label values of one series, in the order of the family's label names.
using Labels = std::vector<std::string>;

// One metric name with its series, one per distinct label set. A family
// with a series cap folds label sets beyond the cap into one series whose
// values are all "_other", so that unbounded inputs (function names) cannot
// grow memory or the exposition without bound. Thread-safe.
template <typename Metric>
class Family {
 public:
  Family(std::string name, std::string help, std::vector<std::string> label_names,
         size_t max_series, std::function<std::unique_ptr<Metric>()> make)
      : name_(std::move(name)),
        help_(std::move(help)),
        label_names_(std::move(label_names)),
        max_series_(max_series),
        make_(std::move(make)) {}

  Metric& with(const Labels& labels) {
    std::lock_guard lock(mutex_);
    auto it = series_.find(labels);
    if (it != series_.end()) return *it->second;
    if (series_.size() >= max_series_) {
      Labels other(labels.size(), "_other");
      auto& folded = series_[other];
      if (!folded) folded = make_();
      return *folded;
    }
    auto& created = series_[labels];
    created = make_();
    return *created;
  }

  template <typename Visit>
  void for_each(Visit visit) const {
    std::lock_guard lock(mutex_);
    for (const auto& [labels, metric] : series_) visit(labels, *metric);
  }

  const std::string& name() const { return name_; }
  const std::string& help() const { return help_; }
  const std::vector<std::string>& label_names() const { return label_names_; }

 private:
  const std::string name_;
  const std::string help_;
  const std::vector<std::string> label_names_;
  const size_t max_series_;
  const std::function<std::unique_ptr<Metric>()> make_;
  mutable std::mutex mutex_;
  std::map<Labels, std::unique_ptr<Metric>> series_;
};

// A value read when /metrics is scraped (queue depth, RSS, cache counters).
struct Sample {
  Labels labels;
  double value = 0;
};

// All metrics of one process, rendered in the Prometheus text format
// (version 0.0.4). Families are created once at start-up and live as long as
// the registry; recording into them is thread-safe. Thread-safe.
class Registry {
 public:
  Registry();
  ~Registry();
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  Family<Counter>& counter(std::string name, std::string help,
                           std::vector<std::string> label_names = {},
                           size_t max_series = SIZE_MAX);
  Family<Gauge>& gauge(std::string name, std::string help,
                       std::vector<std::string> label_names = {}, size_t max_series = SIZE_MAX);
  Family<Histogram>& histogram(std::string name, std::string help,
                               std::vector<std::string> label_names,
                               std::vector<double> bounds, size_t max_series = SIZE_MAX);
  // A family whose samples `collect` produces at scrape time. `type` is
  // "counter" or "gauge".
  void collected(std::string name, std::string help, std::string type,
                 std::vector<std::string> label_names, std::function<std::vector<Sample>()> collect);

  std::string render() const;

 private:
  struct Entry;
  template <typename Metric>
  Family<Metric>& add(std::unique_ptr<Family<Metric>> family);

  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<Entry>> entries_;
};

// Bucket bounds for durations in seconds, from 50 us to 30 s.
std::vector<double> duration_buckets();

}  // namespace wasmfaas::metrics
