#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "common/error.h"

namespace wasmfaas::state {

// What a subscriber to a ChangeFeed is told, on the feed's own thread.
struct ChangeHandlers {
  // A change some node published (this one included), as it published it.
  std::function<void(std::string_view change)> changed;
  // true: the feed is live, every change published from now on arrives.
  // false: it is down and changes may be missed. Changes published while
  // it was down are not replayed when it is live again.
  std::function<void(bool live)> live;
};

// Receives changes until destroyed (joins the feed's thread).
class ChangeSubscription {
 public:
  virtual ~ChangeSubscription() = default;
};

// Notices passed between the nodes sharing one state database: a node
// publishes that a function changed (upload, config change, delete) and
// every subscribed node hears of it within milliseconds, so a node may run
// the version it knows of a function until told otherwise instead of
// asking the object store on every call. Best effort: a subscriber whose
// feed is down is told so and must not rely on it. Thread-safe.
class ChangeFeed {
 public:
  virtual ~ChangeFeed() = default;

  // Tells every subscriber of `change` (at most kMaxChangeBytes; UTF-8).
  // kUnavailable when the database cannot be reached.
  virtual Result<void> publish(std::string_view change) = 0;

  // Starts listening; the handlers are called until the subscription is
  // destroyed. `live(true)` comes first once the feed is listening.
  virtual std::unique_ptr<ChangeSubscription> subscribe(ChangeHandlers handlers) = 0;

  static constexpr size_t kMaxChangeBytes = 7999;  // PostgreSQL's NOTIFY payload limit
};

}  // namespace wasmfaas::state
