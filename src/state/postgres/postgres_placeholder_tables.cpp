// A placeholder until PostgreSQL keeps jobs and schedules: every method of
// both fails with kUnavailable. The PostgreSQL implementation replaces this
// file.
#include "state/postgres/postgres_state_database.h"

namespace wasmfaas::state {
namespace {

Error not_yet() {
  return Error{ErrorCode::kUnavailable,
               "async jobs and schedules are not implemented on PostgreSQL yet"};
}

class PlaceholderJobQueue final : public JobQueue {
 public:
  Result<SubmittedJob> submit(const NewJob&, int64_t) override {
    return std::unexpected(not_yet());
  }
  Result<std::optional<JobRecord>> get(std::string_view) override {
    return std::unexpected(not_yet());
  }
  Result<JobPage> list(const JobFilter&, const std::optional<std::string>&, size_t) override {
    return std::unexpected(not_yet());
  }
  Result<std::vector<JobRecord>> lease(const Lease&, size_t) override {
    return std::unexpected(not_yet());
  }
  Result<std::vector<std::string>> renew(std::string_view, const std::vector<std::string>&,
                                         int64_t) override {
    return std::unexpected(not_yet());
  }
  Result<bool> finish(std::string_view, std::string_view, uint32_t,
                      const AttemptOutcome&) override {
    return std::unexpected(not_yet());
  }
  Result<std::optional<JobRecord>> cancel(std::string_view, int64_t) override {
    return std::unexpected(not_yet());
  }
  Result<std::optional<JobRecord>> requeue(std::string_view, int64_t, int64_t) override {
    return std::unexpected(not_yet());
  }
  Result<uint64_t> purge(const JobFilter&) override { return std::unexpected(not_yet()); }
  Result<uint64_t> remove_finished_before(int64_t, size_t) override {
    return std::unexpected(not_yet());
  }
  Result<std::vector<JobRecord>> lease_callbacks(const Lease&, size_t) override {
    return std::unexpected(not_yet());
  }
  Result<bool> finish_callback(std::string_view, std::string_view,
                               const CallbackOutcome&) override {
    return std::unexpected(not_yet());
  }
  Result<QueueStats> stats(int64_t) override { return std::unexpected(not_yet()); }
  Result<void> remove_bucket(std::string_view) override { return std::unexpected(not_yet()); }
};

class PlaceholderScheduleTable final : public ScheduleTable {
 public:
  Result<void> put(const ScheduleRecord&) override { return std::unexpected(not_yet()); }
  Result<std::optional<ScheduleRecord>> get(std::string_view, std::string_view) override {
    return std::unexpected(not_yet());
  }
  Result<std::vector<ScheduleRecord>> list(std::string_view) override {
    return std::unexpected(not_yet());
  }
  Result<bool> remove(std::string_view, std::string_view) override {
    return std::unexpected(not_yet());
  }
  Result<std::optional<ScheduleRecord>> set_paused(std::string_view, std::string_view, bool,
                                                   std::optional<int64_t>, int64_t) override {
    return std::unexpected(not_yet());
  }
  Result<std::vector<ScheduleRecord>> due(int64_t, size_t) override {
    return std::unexpected(not_yet());
  }
  Result<bool> fire(std::string_view, std::string_view, int64_t, std::optional<int64_t>,
                    const ScheduleFire&, const std::optional<NewJob>&) override {
    return std::unexpected(not_yet());
  }
  Result<std::vector<ScheduleFire>> fires(std::string_view, std::string_view, size_t) override {
    return std::unexpected(not_yet());
  }
  Result<uint64_t> remove_fires_before(int64_t, size_t) override {
    return std::unexpected(not_yet());
  }
  Result<void> remove_bucket(std::string_view) override { return std::unexpected(not_yet()); }
};

}  // namespace

// Stateless, so one of each serves every database object.
JobQueue& PostgresStateDatabase::jobs() {
  static PlaceholderJobQueue queue;
  return queue;
}

ScheduleTable& PostgresStateDatabase::schedules() {
  static PlaceholderScheduleTable table;
  return table;
}

}  // namespace wasmfaas::state
