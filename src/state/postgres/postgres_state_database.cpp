#include "state/postgres/postgres_state_database.h"

#include <array>
#include <limits>
#include <sstream>

#include "state/counter.h"
#include "state/key_range.h"
#include "state/postgres/postgres_migrations.h"
#include "state/quota.h"

namespace wasmfaas::state {
namespace {

const PgStatement kGet{"wasmfaas_get",
                       "SELECT value FROM wasmfaas_kv_entries"
                       " WHERE bucket = $1::text AND store = $2::text AND key = $3::text"};
const PgStatement kExists{"wasmfaas_exists",
                          "SELECT EXISTS (SELECT 1 FROM wasmfaas_kv_entries"
                          " WHERE bucket = $1::text AND store = $2::text AND key = $3::text)"};
const PgStatement kSet{
    "wasmfaas_set",
    "SELECT wasmfaas_kv_set($1::text, $2::text, $3::text, $4::bytea, $5::bigint, $6::bigint)"};
const PgStatement kRemove{"wasmfaas_remove",
                          "SELECT wasmfaas_kv_remove_many($1::text, $2::text, ARRAY[$3::text])"};
const PgStatement kIncrement{
    "wasmfaas_increment",
    "SELECT wasmfaas_kv_increment($1::text, $2::text, $3::text, $4::bigint, $5::bigint,"
    " $6::bigint)"};
// The position (1-based) and value of each key found; a lookup per key on
// the primary key, whatever the statistics (= ANY may become a filter).
const PgStatement kGetMany{
    "wasmfaas_get_many",
    "SELECT k.position, e.value FROM unnest($3::text[]) WITH ORDINALITY AS k (key, position)"
    " JOIN LATERAL (SELECT value FROM wasmfaas_kv_entries"
    "   WHERE bucket = $1::text AND store = $2::text AND key = k.key) e ON true"};
const PgStatement kSetMany{
    "wasmfaas_set_many",
    "SELECT wasmfaas_kv_set_many($1::text, $2::text, $3::text[], $4::bytea[], $5::bigint,"
    " $6::bigint)"};
const PgStatement kRemoveMany{"wasmfaas_remove_many",
                              "SELECT wasmfaas_kv_remove_many($1::text, $2::text, $3::text[])"};
const PgStatement kUsage{"wasmfaas_usage",
                         "SELECT bytes, keys FROM wasmfaas_kv_usage WHERE bucket = $1::text"};
const PgStatement kRemoveBucket{"wasmfaas_remove_bucket",
                                "SELECT wasmfaas_kv_remove_bucket($1::text)"};

// list_keys: one statement per shape of range, each a range scan of the
// primary key that stops after limit + 1 rows.
const PgStatement& list_statement(bool lower_inclusive, bool has_upper) {
  static const std::array<PgStatement, 4> statements = [] {
    std::array<PgStatement, 4> made;
    const char* names[] = {"wasmfaas_list_after", "wasmfaas_list_after_below", "wasmfaas_list_from",
                           "wasmfaas_list_from_below"};
    for (int shape = 0; shape < 4; ++shape) {
      const bool inclusive = shape >= 2;
      const bool upper = shape % 2 == 1;
      std::string sql =
          "SELECT key FROM wasmfaas_kv_entries WHERE bucket = $1::text AND store = $2::text"
          " AND key ";
      sql += inclusive ? ">= $3::text" : "> $3::text";
      sql += upper ? " AND key < $4::text ORDER BY key LIMIT $5::bigint"
                   : " ORDER BY key LIMIT $4::bigint";
      made[shape] = PgStatement{names[shape], std::move(sql)};
    }
    return made;
  }();
  return statements[(lower_inclusive ? 2 : 0) + (has_upper ? 1 : 0)];
}

int64_t clamp(uint64_t value) {
  constexpr auto max = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  return static_cast<int64_t>(value > max ? max : value);
}

// The errors the functions raise on purpose (postgres_migrations.cpp).
Error state_error(const PgFailure& failure, std::string_view bucket, int64_t delta) {
  if (failure.sqlstate == "WF001") {
    std::istringstream detail(failure.detail);
    std::string what;
    uint64_t used = 0, adding = 0, ceiling = 0;
    detail >> what >> used >> adding >> ceiling;
    return quota_exceeded(bucket, what, used, adding, ceiling);
  }
  if (failure.sqlstate == "WF002") return not_a_counter_error();
  if (failure.sqlstate == "WF003") return counter_overflow_error(failure.detail, delta);
  return to_error(failure);
}

}  // namespace

Result<std::unique_ptr<PostgresStateDatabase>> PostgresStateDatabase::open(
    const std::string& url, const PostgresOptions& options) {
  auto connection = PgConnection::connect(url);
  if (!connection) {
    Error error = to_error(connection.error());
    error.message = "cannot connect to the " + error.message;
    return std::unexpected(error);
  }
  if (auto migrated = migrate_postgres(**connection); !migrated) {
    return std::unexpected(migrated.error());
  }
  std::unique_ptr<PostgresStateDatabase> database(new PostgresStateDatabase(url, options));
  database->pool_.adopt(std::move(*connection));
  return database;
}

Result<PgRows> PostgresStateDatabase::run(std::string_view bucket, Retry retry, const Work& work,
                                          int64_t delta) {
  return pool_.run(retry, work,
                   [&](const PgFailure& failure) { return state_error(failure, bucket, delta); });
}

Result<std::optional<std::string>> PostgresStateDatabase::get(const StoreRef& store,
                                                              std::string_view key) {
  auto rows = run(store.bucket, Retry::kOnce, [&](PgConnection& connection) {
    return connection.execute(kGet, PgParams().text(store.bucket).text(store.store).text(key));
  });
  if (!rows) return std::unexpected(rows.error());
  if (rows->size() == 0) return std::nullopt;
  return std::string(rows->bytes(0, 0));
}

Result<void> PostgresStateDatabase::set(const StoreRef& store, std::string_view key,
                                        std::string_view value, const BucketQuota& quota) {
  auto rows = run(store.bucket, Retry::kOnce, [&](PgConnection& connection) {
    return connection.execute(kSet, PgParams()
                                        .text(store.bucket)
                                        .text(store.store)
                                        .text(key)
                                        .text(value)
                                        .int64(clamp(quota.max_bytes))
                                        .int64(clamp(quota.max_keys)));
  });
  if (!rows) return std::unexpected(rows.error());
  return {};
}

Result<void> PostgresStateDatabase::remove(const StoreRef& store, std::string_view key) {
  auto rows = run(store.bucket, Retry::kOnce, [&](PgConnection& connection) {
    return connection.execute(kRemove, PgParams().text(store.bucket).text(store.store).text(key));
  });
  if (!rows) return std::unexpected(rows.error());
  return {};
}

Result<bool> PostgresStateDatabase::exists(const StoreRef& store, std::string_view key) {
  auto rows = run(store.bucket, Retry::kOnce, [&](PgConnection& connection) {
    return connection.execute(kExists, PgParams().text(store.bucket).text(store.store).text(key));
  });
  if (!rows) return std::unexpected(rows.error());
  return rows->size() > 0 && rows->boolean(0, 0);
}

Result<KeyPage> PostgresStateDatabase::list_keys(const StoreRef& store, std::string_view prefix,
                                                 const std::optional<std::string>& cursor,
                                                 size_t limit) {
  if (limit == 0) return make_error(ErrorCode::kInvalidArgument, "list_keys needs a limit >= 1");
  const KeyRange range = key_range(prefix, cursor);
  KeyPage page;
  if (range.empty()) return page;
  // One more than the page, to know whether another page follows.
  const int64_t fetch =
      clamp(limit) == std::numeric_limits<int64_t>::max() ? clamp(limit) : clamp(limit) + 1;
  const PgStatement& statement = list_statement(range.lower_inclusive, range.upper.has_value());
  auto rows = run(store.bucket, Retry::kOnce, [&](PgConnection& connection) {
    PgParams params;
    params.text(store.bucket).text(store.store).text(range.lower);
    if (range.upper) params.text(*range.upper);
    return connection.execute(statement, params.int64(fetch));
  });
  if (!rows) return std::unexpected(rows.error());
  for (int row = 0; row < rows->size(); ++row) {
    if (page.keys.size() == limit) {
      page.next_cursor = page.keys.back();
      break;
    }
    page.keys.emplace_back(rows->bytes(row, 0));
  }
  return page;
}

Result<int64_t> PostgresStateDatabase::increment(const StoreRef& store, std::string_view key,
                                                 int64_t delta, const BucketQuota& quota) {
  auto rows = run(
      store.bucket, Retry::kNever,
      [&](PgConnection& connection) {
        return connection.execute(kIncrement, PgParams()
                                                  .text(store.bucket)
                                                  .text(store.store)
                                                  .text(key)
                                                  .int64(delta)
                                                  .int64(clamp(quota.max_bytes))
                                                  .int64(clamp(quota.max_keys)));
      },
      delta);
  if (!rows) return std::unexpected(rows.error());
  return rows->int64(0, 0);
}

Result<std::vector<std::optional<std::string>>> PostgresStateDatabase::get_many(
    const StoreRef& store, const std::vector<std::string>& keys) {
  std::vector<std::optional<std::string>> values(keys.size());
  if (keys.empty()) return values;
  const std::vector<std::string_view> views(keys.begin(), keys.end());
  auto rows = run(store.bucket, Retry::kOnce, [&](PgConnection& connection) {
    return connection.execute(kGetMany,
                              PgParams().text(store.bucket).text(store.store).text_array(views));
  });
  if (!rows) return std::unexpected(rows.error());
  for (int row = 0; row < rows->size(); ++row) {
    const int64_t position = rows->int64(row, 0);
    if (position < 1 || static_cast<uint64_t>(position) > keys.size()) {
      return make_error(ErrorCode::kInternal, "PostgreSQL state database: get_many answered key " +
                                                  std::to_string(position) + " of " +
                                                  std::to_string(keys.size()));
    }
    values[static_cast<size_t>(position - 1)] = std::string(rows->bytes(row, 1));
  }
  return values;
}

Result<void> PostgresStateDatabase::set_many(
    const StoreRef& store, const std::vector<std::pair<std::string, std::string>>& entries,
    const BucketQuota& quota) {
  if (entries.empty()) return {};
  std::vector<std::string_view> keys;
  std::vector<std::string_view> values;
  for (const auto& [key, value] : entries) {
    keys.push_back(key);
    values.push_back(value);
  }
  auto rows = run(store.bucket, Retry::kOnce, [&](PgConnection& connection) {
    return connection.execute(kSetMany, PgParams()
                                            .text(store.bucket)
                                            .text(store.store)
                                            .text_array(keys)
                                            .bytea_array(values)
                                            .int64(clamp(quota.max_bytes))
                                            .int64(clamp(quota.max_keys)));
  });
  if (!rows) return std::unexpected(rows.error());
  return {};
}

Result<void> PostgresStateDatabase::remove_many(const StoreRef& store,
                                                const std::vector<std::string>& keys) {
  if (keys.empty()) return {};
  const std::vector<std::string_view> views(keys.begin(), keys.end());
  auto rows = run(store.bucket, Retry::kOnce, [&](PgConnection& connection) {
    return connection.execute(kRemoveMany,
                              PgParams().text(store.bucket).text(store.store).text_array(views));
  });
  if (!rows) return std::unexpected(rows.error());
  return {};
}

Result<BucketUsage> PostgresStateDatabase::usage(std::string_view bucket) {
  auto rows = run(bucket, Retry::kOnce, [&](PgConnection& connection) {
    return connection.execute(kUsage, PgParams().text(bucket));
  });
  if (!rows) return std::unexpected(rows.error());
  if (rows->size() == 0) return BucketUsage{};
  return BucketUsage{static_cast<uint64_t>(rows->int64(0, 0)),
                     static_cast<uint64_t>(rows->int64(0, 1))};
}

Result<void> PostgresStateDatabase::remove_bucket(std::string_view bucket) {
  auto rows = run(bucket, Retry::kOnce, [&](PgConnection& connection) {
    return connection.execute(kRemoveBucket, PgParams().text(bucket));
  });
  if (!rows) return std::unexpected(rows.error());
  if (auto removed = jobs().remove_bucket(bucket); !removed) return removed;
  return schedules().remove_bucket(bucket);
}

}  // namespace wasmfaas::state
