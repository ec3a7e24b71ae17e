#include "state/sqlite/sqlite_state_database.h"

#include <limits>

#include "state/counter.h"
#include "state/key_range.h"
#include "state/sqlite/sqlite_migrations.h"
#include "state/sqlite/sqlite_transaction.h"

namespace wasmfaas::state {
namespace {

const std::string kSelectValue =
    "SELECT value FROM wasmfaas_kv_entries WHERE bucket = ?1 AND store = ?2 AND key = ?3";
const std::string kSelectValueSize =
    "SELECT length(value) FROM wasmfaas_kv_entries WHERE bucket = ?1 AND store = ?2 AND key = ?3";
const std::string kExists =
    "SELECT 1 FROM wasmfaas_kv_entries WHERE bucket = ?1 AND store = ?2 AND key = ?3";
const std::string kUpsertEntry =
    "INSERT INTO wasmfaas_kv_entries (bucket, store, key, value) VALUES (?1, ?2, ?3, ?4)"
    " ON CONFLICT (bucket, store, key) DO UPDATE SET value = excluded.value";
const std::string kDeleteEntry =
    "DELETE FROM wasmfaas_kv_entries WHERE bucket = ?1 AND store = ?2 AND key = ?3"
    " RETURNING length(value)";
const std::string kSelectUsage = "SELECT bytes, keys FROM wasmfaas_kv_usage WHERE bucket = ?1";
const std::string kAddUsage =
    "INSERT INTO wasmfaas_kv_usage (bucket, bytes, keys) VALUES (?1, ?2, ?3)"
    " ON CONFLICT (bucket) DO UPDATE SET bytes = bytes + excluded.bytes,"
    " keys = keys + excluded.keys";
const std::string kDeleteBucketEntries = "DELETE FROM wasmfaas_kv_entries WHERE bucket = ?1";
const std::string kDeleteBucketUsage = "DELETE FROM wasmfaas_kv_usage WHERE bucket = ?1";

// list_keys: one statement per shape of range (with or without an upper
// bound, inclusive or exclusive lower bound), each a range scan of the key.
std::string list_sql(const KeyRange& range) {
  std::string sql = "SELECT key FROM wasmfaas_kv_entries WHERE bucket = ?1 AND store = ?2 AND key ";
  sql += range.lower_inclusive ? ">= ?3" : "> ?3";
  if (range.upper) sql += " AND key < ?4";
  sql += " ORDER BY key LIMIT ?5";
  return sql;
}

}  // namespace

Result<std::unique_ptr<SqliteStateDatabase>> SqliteStateDatabase::open(
    const std::filesystem::path& file) {
  auto connection = SqliteConnection::open(file);
  if (!connection) return std::unexpected(connection.error());
  if (auto migrated = migrate_sqlite(**connection); !migrated) {
    return std::unexpected(migrated.error());
  }
  return std::unique_ptr<SqliteStateDatabase>(new SqliteStateDatabase(std::move(*connection)));
}

Result<std::optional<std::string>> SqliteStateDatabase::read_value(const StoreRef& store,
                                                                   std::string_view key) {
  auto query = connection_->query(kSelectValue);
  if (!query) return std::unexpected(query.error());
  query->bind_text(1, store.bucket).bind_text(2, store.store).bind_text(3, key);
  auto row = query->step();
  if (!row) return std::unexpected(row.error());
  if (!*row) return std::nullopt;
  return query->column_bytes(0);
}

Result<BucketUsage> SqliteStateDatabase::read_usage(std::string_view bucket) {
  auto query = connection_->query(kSelectUsage);
  if (!query) return std::unexpected(query.error());
  query->bind_text(1, bucket);
  auto row = query->step();
  if (!row) return std::unexpected(row.error());
  if (!*row) return BucketUsage{};
  return BucketUsage{static_cast<uint64_t>(query->column_int64(0)),
                     static_cast<uint64_t>(query->column_int64(1))};
}

Result<void> SqliteStateDatabase::add_usage(std::string_view bucket, const UsageChange& change) {
  if (change.bytes == 0 && change.keys == 0) return {};
  auto query = connection_->query(kAddUsage);
  if (!query) return std::unexpected(query.error());
  return query->bind_text(1, bucket).bind_int64(2, change.bytes).bind_int64(3, change.keys).run();
}

Result<void> SqliteStateDatabase::write_entries(const StoreRef& store,
                                                std::span<const Entry> entries,
                                                const BucketQuota& quota) {
  UsageChange change;
  for (const auto& [key, value] : entries) {
    std::optional<uint64_t> old_size;
    {
      auto query = connection_->query(kSelectValueSize);
      if (!query) return std::unexpected(query.error());
      query->bind_text(1, store.bucket).bind_text(2, store.store).bind_text(3, key);
      auto row = query->step();
      if (!row) return std::unexpected(row.error());
      if (*row) old_size = key.size() + static_cast<uint64_t>(query->column_int64(0));
    }
    auto query = connection_->query(kUpsertEntry);
    if (!query) return std::unexpected(query.error());
    query->bind_text(1, store.bucket).bind_text(2, store.store).bind_text(3, key);
    if (auto written = query->bind_blob(4, value).run(); !written) return written;
    change.replace(old_size, key.size() + value.size());
  }
  auto usage = read_usage(store.bucket);
  if (!usage) return std::unexpected(usage.error());
  if (auto allowed = check_quota(store.bucket, *usage, change, quota); !allowed) return allowed;
  return add_usage(store.bucket, change);
}

Result<void> SqliteStateDatabase::remove_keys(const StoreRef& store,
                                              std::span<const std::string_view> keys) {
  UsageChange change;
  for (std::string_view key : keys) {
    auto query = connection_->query(kDeleteEntry);
    if (!query) return std::unexpected(query.error());
    query->bind_text(1, store.bucket).bind_text(2, store.store).bind_text(3, key);
    auto row = query->step();
    if (!row) return std::unexpected(row.error());
    if (!*row) continue;
    change.remove(key.size() + static_cast<uint64_t>(query->column_int64(0)));
    if (auto done = query->run(); !done) return done;
  }
  return add_usage(store.bucket, change);
}

Result<std::optional<std::string>> SqliteStateDatabase::get(const StoreRef& store,
                                                            std::string_view key) {
  std::lock_guard lock(mutex_);
  return read_value(store, key);
}

Result<void> SqliteStateDatabase::set(const StoreRef& store, std::string_view key,
                                      std::string_view value, const BucketQuota& quota) {
  std::lock_guard lock(mutex_);
  auto transaction = SqliteTransaction::begin(*connection_);
  if (!transaction) return std::unexpected(transaction.error());
  const Entry entry{key, value};
  if (auto written = write_entries(store, {&entry, 1}, quota); !written) return written;
  return transaction->commit();
}

Result<void> SqliteStateDatabase::remove(const StoreRef& store, std::string_view key) {
  std::lock_guard lock(mutex_);
  auto transaction = SqliteTransaction::begin(*connection_);
  if (!transaction) return std::unexpected(transaction.error());
  if (auto removed = remove_keys(store, {&key, 1}); !removed) return removed;
  return transaction->commit();
}

Result<bool> SqliteStateDatabase::exists(const StoreRef& store, std::string_view key) {
  std::lock_guard lock(mutex_);
  auto query = connection_->query(kExists);
  if (!query) return std::unexpected(query.error());
  query->bind_text(1, store.bucket).bind_text(2, store.store).bind_text(3, key);
  return query->step();
}

Result<KeyPage> SqliteStateDatabase::list_keys(const StoreRef& store, std::string_view prefix,
                                               const std::optional<std::string>& cursor,
                                               size_t limit) {
  if (limit == 0) return make_error(ErrorCode::kInvalidArgument, "list_keys needs a limit >= 1");
  const KeyRange range = key_range(prefix, cursor);
  KeyPage page;
  if (range.empty()) return page;
  std::lock_guard lock(mutex_);
  auto query = connection_->query(list_sql(range));
  if (!query) return std::unexpected(query.error());
  query->bind_text(1, store.bucket).bind_text(2, store.store).bind_text(3, range.lower);
  if (range.upper) query->bind_text(4, *range.upper);
  // One more than the page, to know whether another page follows.
  const auto fetch = limit < static_cast<size_t>(std::numeric_limits<int64_t>::max())
                         ? static_cast<int64_t>(limit) + 1
                         : std::numeric_limits<int64_t>::max();
  query->bind_int64(5, fetch);
  while (true) {
    auto row = query->step();
    if (!row) return std::unexpected(row.error());
    if (!*row) break;
    if (page.keys.size() == limit) {
      page.next_cursor = page.keys.back();
      break;
    }
    page.keys.push_back(query->column_bytes(0));
  }
  return page;
}

Result<int64_t> SqliteStateDatabase::increment(const StoreRef& store, std::string_view key,
                                               int64_t delta, const BucketQuota& quota) {
  std::lock_guard lock(mutex_);
  auto transaction = SqliteTransaction::begin(*connection_);
  if (!transaction) return std::unexpected(transaction.error());
  auto current = read_value(store, key);
  if (!current) return std::unexpected(current.error());
  auto next = incremented_counter(*current, delta);
  if (!next) return next;
  const std::string value = std::to_string(*next);
  const Entry entry{key, value};
  if (auto written = write_entries(store, {&entry, 1}, quota); !written) {
    return std::unexpected(written.error());
  }
  if (auto committed = transaction->commit(); !committed) {
    return std::unexpected(committed.error());
  }
  return *next;
}

Result<std::vector<std::optional<std::string>>> SqliteStateDatabase::get_many(
    const StoreRef& store, const std::vector<std::string>& keys) {
  std::lock_guard lock(mutex_);
  // One read transaction: every value from the same snapshot.
  auto transaction = SqliteTransaction::begin(*connection_, SqliteTransaction::Mode::kRead);
  if (!transaction) return std::unexpected(transaction.error());
  std::vector<std::optional<std::string>> values;
  values.reserve(keys.size());
  for (const auto& key : keys) {
    auto value = read_value(store, key);
    if (!value) return std::unexpected(value.error());
    values.push_back(std::move(*value));
  }
  if (auto ended = transaction->commit(); !ended) return std::unexpected(ended.error());
  return values;
}

Result<void> SqliteStateDatabase::set_many(
    const StoreRef& store, const std::vector<std::pair<std::string, std::string>>& entries,
    const BucketQuota& quota) {
  std::vector<Entry> views(entries.begin(), entries.end());
  std::lock_guard lock(mutex_);
  auto transaction = SqliteTransaction::begin(*connection_);
  if (!transaction) return std::unexpected(transaction.error());
  if (auto written = write_entries(store, views, quota); !written) return written;
  return transaction->commit();
}

Result<void> SqliteStateDatabase::remove_many(const StoreRef& store,
                                              const std::vector<std::string>& keys) {
  std::vector<std::string_view> views(keys.begin(), keys.end());
  std::lock_guard lock(mutex_);
  auto transaction = SqliteTransaction::begin(*connection_);
  if (!transaction) return std::unexpected(transaction.error());
  if (auto removed = remove_keys(store, views); !removed) return removed;
  return transaction->commit();
}

Result<BucketUsage> SqliteStateDatabase::usage(std::string_view bucket) {
  std::lock_guard lock(mutex_);
  return read_usage(bucket);
}

Result<void> SqliteStateDatabase::remove_bucket(std::string_view bucket) {
  {
    std::lock_guard lock(mutex_);
    auto transaction = SqliteTransaction::begin(*connection_);
    if (!transaction) return std::unexpected(transaction.error());
    for (const std::string* sql : {&kDeleteBucketEntries, &kDeleteBucketUsage}) {
      auto query = connection_->query(*sql);
      if (!query) return std::unexpected(query.error());
      if (auto deleted = query->bind_text(1, bucket).run(); !deleted) return deleted;
    }
    if (auto committed = transaction->commit(); !committed) return committed;
  }
  if (auto removed = jobs().remove_bucket(bucket); !removed) return removed;
  return schedules().remove_bucket(bucket);
}

}  // namespace wasmfaas::state
