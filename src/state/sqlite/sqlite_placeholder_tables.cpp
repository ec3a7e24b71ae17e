// A placeholder until SQLite keeps jobs and schedules (branch sqlite-jobs
// replaces this file): asking for either aborts.
#include <cstdlib>

#include "state/sqlite/sqlite_state_database.h"

namespace wasmfaas::state {

JobQueue& SqliteStateDatabase::jobs() { std::abort(); }

ScheduleTable& SqliteStateDatabase::schedules() { std::abort(); }

}  // namespace wasmfaas::state
