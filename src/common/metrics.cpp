#include "common/metrics.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <variant>

namespace wasmfaas::metrics {
namespace {

// A label value or help text escaped for the exposition format.
std::string escape(std::string_view text, bool in_label) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && in_label) {
      out += "\\\"";
    } else {
      out += c;
    }
  }
  return out;
}

std::string format_number(double value) {
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  if (std::isnan(value)) return "NaN";
  if (value == std::floor(value) && std::fabs(value) < 1e15) {
    return std::to_string(static_cast<int64_t>(value));
  }
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.9g", value);
  return buffer;
}

// {a="x",b="y"} (with an extra label pair when `extra_name` is set).
std::string label_set(const std::vector<std::string>& names, const Labels& values,
                      std::string_view extra_name = {}, std::string_view extra_value = {}) {
  if (names.empty() && extra_name.empty()) return "";
  std::string out = "{";
  for (size_t i = 0; i < names.size() && i < values.size(); ++i) {
    if (i > 0) out += ",";
    out += names[i] + "=\"" + escape(values[i], true) + "\"";
  }
  if (!extra_name.empty()) {
    if (!names.empty()) out += ",";
    out += std::string(extra_name) + "=\"" + std::string(extra_value) + "\"";
  }
  return out + "}";
}

void header(std::string& out, const std::string& name, const std::string& help,
            std::string_view type) {
  out += "# HELP " + name + " " + escape(help, false) + "\n";
  out += "# TYPE " + name + " " + std::string(type) + "\n";
}

}  // namespace

Histogram::Histogram(std::span<const double> bounds)
    : bounds_(bounds.begin(), bounds.end()),
      counts_(std::make_unique<std::atomic<uint64_t>[]>(bounds.size() + 1)) {}

void Histogram::observe(double value) {
  const auto it = std::lower_bound(bounds_.begin(), bounds_.end(), value);
  counts_[static_cast<size_t>(it - bounds_.begin())].fetch_add(1, std::memory_order_relaxed);
  sum_nanos_.fetch_add(static_cast<uint64_t>(std::max(0.0, value) * 1e9),
                       std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::snapshot() const {
  Snapshot snapshot;
  snapshot.bounds = bounds_;
  uint64_t running = 0;
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    running += counts_[i].load(std::memory_order_relaxed);
    snapshot.cumulative.push_back(running);
  }
  // Read the count from the buckets, so that count == the +Inf bucket even
  // while observations race with the scrape.
  snapshot.count = running;
  snapshot.sum = static_cast<double>(sum_nanos_.load(std::memory_order_relaxed)) / 1e9;
  return snapshot;
}

struct Registry::Entry {
  std::variant<std::unique_ptr<Family<Counter>>, std::unique_ptr<Family<Gauge>>,
               std::unique_ptr<Family<Histogram>>>
      family;
  // For collected families only.
  std::string name, help, type;
  std::vector<std::string> label_names;
  std::function<std::vector<Sample>()> collect;
};

Registry::Registry() = default;
Registry::~Registry() = default;

template <typename Metric>
Family<Metric>& Registry::add(std::unique_ptr<Family<Metric>> family) {
  Family<Metric>& result = *family;
  std::lock_guard lock(mutex_);
  entries_.push_back(std::make_unique<Entry>(Entry{std::move(family), {}, {}, {}, {}, {}}));
  return result;
}

Family<Counter>& Registry::counter(std::string name, std::string help,
                                   std::vector<std::string> label_names, size_t max_series) {
  return add(std::make_unique<Family<Counter>>(std::move(name), std::move(help),
                                               std::move(label_names), max_series,
                                               [] { return std::make_unique<Counter>(); }));
}

Family<Gauge>& Registry::gauge(std::string name, std::string help,
                               std::vector<std::string> label_names, size_t max_series) {
  return add(std::make_unique<Family<Gauge>>(std::move(name), std::move(help),
                                             std::move(label_names), max_series,
                                             [] { return std::make_unique<Gauge>(); }));
}

Family<Histogram>& Registry::histogram(std::string name, std::string help,
                                       std::vector<std::string> label_names,
                                       std::vector<double> bounds, size_t max_series) {
  std::sort(bounds.begin(), bounds.end());
  return add(std::make_unique<Family<Histogram>>(
      std::move(name), std::move(help), std::move(label_names), max_series,
      [bounds = std::move(bounds)] { return std::make_unique<Histogram>(bounds); }));
}

void Registry::collected(std::string name, std::string help, std::string type,
                         std::vector<std::string> label_names,
                         std::function<std::vector<Sample>()> collect) {
  std::lock_guard lock(mutex_);
  entries_.push_back(std::make_unique<Entry>(Entry{std::unique_ptr<Family<Counter>>(),
                                                   std::move(name), std::move(help),
                                                   std::move(type), std::move(label_names),
                                                   std::move(collect)}));
}

std::string Registry::render() const {
  std::string out;
  std::lock_guard lock(mutex_);
  for (const auto& entry : entries_) {
    if (entry->collect) {
      header(out, entry->name, entry->help, entry->type);
      for (const Sample& sample : entry->collect()) {
        out += entry->name + label_set(entry->label_names, sample.labels) + " " +
               format_number(sample.value) + "\n";
      }
      continue;
    }
    if (const auto* counters = std::get_if<0>(&entry->family)) {
      const auto& family = **counters;
      header(out, family.name(), family.help(), "counter");
      family.for_each([&](const Labels& labels, const Counter& counter) {
        out += family.name() + label_set(family.label_names(), labels) + " " +
               std::to_string(counter.value()) + "\n";
      });
    } else if (const auto* gauges = std::get_if<1>(&entry->family)) {
      const auto& family = **gauges;
      header(out, family.name(), family.help(), "gauge");
      family.for_each([&](const Labels& labels, const Gauge& gauge) {
        out += family.name() + label_set(family.label_names(), labels) + " " +
               std::to_string(gauge.value()) + "\n";
      });
    } else if (const auto* histograms = std::get_if<2>(&entry->family)) {
      const auto& family = **histograms;
      header(out, family.name(), family.help(), "histogram");
      family.for_each([&](const Labels& labels, const Histogram& histogram) {
        const Histogram::Snapshot snapshot = histogram.snapshot();
        for (size_t i = 0; i < snapshot.cumulative.size(); ++i) {
          const std::string bound = i < snapshot.bounds.size()
                                        ? format_number(snapshot.bounds[i])
                                        : std::string("+Inf");
          out += family.name() + "_bucket" +
                 label_set(family.label_names(), labels, "le", bound) + " " +
                 std::to_string(snapshot.cumulative[i]) + "\n";
        }
        const std::string labels_text = label_set(family.label_names(), labels);
        out += family.name() + "_sum" + labels_text + " " + format_number(snapshot.sum) + "\n";
        out += family.name() + "_count" + labels_text + " " + std::to_string(snapshot.count) +
               "\n";
      });
    }
  }
  return out;
}

std::vector<double> duration_buckets() {
  return {0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
          0.025,   0.05,   0.1,     0.25,   0.5,   1,      2.5,   5,     10, 30};
}

}  // namespace wasmfaas::metrics
