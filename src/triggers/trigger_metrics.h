#pragma once

#include <string>

#include "common/metrics.h"

namespace wasmfaas::triggers {

// Where the job workers, the callback sender and the schedule runner count
// what they do; each part optional (null: not recorded). Borrowed; the
// families are thread-safe.
struct TriggerMetrics {
  metrics::Family<metrics::Counter>* submitted = nullptr;       // source
  metrics::Family<metrics::Counter>* attempts = nullptr;        // outcome
  metrics::Family<metrics::Histogram>* start_delay = nullptr;   // (no labels)
  metrics::Family<metrics::Counter>* callbacks = nullptr;       // outcome
  metrics::Family<metrics::Counter>* schedule_fires = nullptr;  // outcome
};

inline void count(metrics::Family<metrics::Counter>* family, const std::string& label) {
  if (family) family->with({label}).add();
}

}  // namespace wasmfaas::triggers
