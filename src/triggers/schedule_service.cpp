#include "triggers/schedule_service.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "triggers/unix_time.h"

namespace wasmfaas::triggers {
namespace {

using nlohmann::json;

constexpr size_t kMaxScheduleName = 128;
constexpr size_t kMaxCronText = 256;

std::unexpected<Error> invalid(std::string_view problem) {
  return make_error(ErrorCode::kInvalidArgument, "schedule: " + std::string(problem),
                    reason::kInvalidConfig);
}

Result<std::string> string_field(const json& document, const char* field, bool required,
                                 std::string fallback = {}) {
  const auto found = document.find(field);
  if (found == document.end()) {
    if (required) return invalid(std::string("the field '") + field + "' is required");
    return fallback;
  }
  if (!found->is_string()) return invalid(std::string("'") + field + "' must be a string");
  return found->get<std::string>();
}

Result<state::ScheduleRecord> parse_definition(std::string_view text) {
  json document;
  try {
    document = json::parse(text);
  } catch (const json::parse_error& error) {
    return make_error(ErrorCode::kInvalidArgument,
                      std::string("the schedule is not valid JSON: ") + error.what(),
                      reason::kInvalidJson);
  }
  if (!document.is_object()) return invalid("the definition must be a JSON object");
  static const std::vector<std::string> kFields = {"cron",  "timezone", "function",
                                                   "input", "overlap",  "catch_up"};
  for (const auto& [field, value] : document.items()) {
    if (std::find(kFields.begin(), kFields.end(), field) == kFields.end()) {
      return invalid("unknown field '" + field +
                     "' (the fields are cron, timezone, function, input, overlap, catch_up)");
    }
  }
  state::ScheduleRecord schedule;
  auto cron = string_field(document, "cron", true);
  if (!cron) return std::unexpected(cron.error());
  if (cron->size() > kMaxCronText) return invalid("'cron' is too long");
  auto parsed = CronExpression::parse(*cron);
  if (!parsed) return invalid("'cron': " + parsed.error().message);
  schedule.cron = std::move(*cron);
  auto zone_name = string_field(document, "timezone", false, "UTC");
  if (!zone_name) return std::unexpected(zone_name.error());
  if (auto zone = TimeZone::find(*zone_name); !zone) {
    return invalid("'timezone': " + zone.error().message);
  }
  schedule.timezone = std::move(*zone_name);
  auto function = string_field(document, "function", true);
  if (!function) return std::unexpected(function.error());
  schedule.function = std::move(*function);
  auto input = string_field(document, "input", false);
  if (!input) return std::unexpected(input.error());
  schedule.input = std::move(*input);
  auto overlap = string_field(document, "overlap", false, "skip");
  if (!overlap) return std::unexpected(overlap.error());
  if (*overlap != "skip" && *overlap != "allow") {
    return invalid("'overlap' must be \"skip\" or \"allow\"");
  }
  schedule.allow_overlap = *overlap == "allow";
  if (const auto found = document.find("catch_up"); found != document.end()) {
    if (!found->is_boolean()) return invalid("'catch_up' must be true or false");
    schedule.catch_up = found->get<bool>();
  }
  return schedule;
}

}  // namespace

std::optional<ScheduleTicks> ScheduleTicks::of(std::string_view cron, std::string_view timezone) {
  auto expression = CronExpression::parse(cron);
  auto zone = TimeZone::find(timezone);
  if (!expression || !zone) return std::nullopt;
  return ScheduleTicks(std::move(*expression), std::move(*zone));
}

std::optional<int64_t> ScheduleTicks::after(int64_t after_ms) const {
  // Ticks fall on whole seconds: the first after `after_ms` is the first
  // after the whole second it lies in.
  const std::chrono::sys_seconds after{
      std::chrono::seconds(after_ms >= 0 ? after_ms / 1000 : -((-after_ms + 999) / 1000))};
  const auto next = expression_.next_after(after, zone_);
  if (!next) return std::nullopt;
  return std::chrono::duration_cast<std::chrono::milliseconds>(next->time_since_epoch()).count();
}

std::optional<int64_t> next_tick(std::string_view cron, std::string_view timezone,
                                 int64_t after_ms) {
  const auto ticks = ScheduleTicks::of(cron, timezone);
  return ticks ? ticks->after(after_ms) : std::nullopt;
}

Result<void> check_schedule_name(std::string_view name) {
  const bool valid = !name.empty() && name.size() <= kMaxScheduleName && name.front() != '.' &&
                     std::all_of(name.begin(), name.end(), [](char c) {
                       return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                              (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
                     });
  if (!valid) {
    return make_error(ErrorCode::kInvalidArgument,
                      "bad schedule name '" + std::string(name) +
                          "': use 1 to 128 of A-Z a-z 0-9 . _ - (not starting with '.')");
  }
  return {};
}

Error schedule_not_found(std::string_view bucket, std::string_view name) {
  return Error{
      ErrorCode::kNotFound,
      "schedule '" + std::string(name) + "' does not exist in bucket '" + std::string(bucket) + "'",
      reason::kScheduleNotFound};
}

ScheduleService::ScheduleService(state::ScheduleTable& table, JobService& jobs)
    : table_(table), jobs_(jobs) {}

Result<state::ScheduleRecord> ScheduleService::put(std::string_view bucket, std::string_view name,
                                                   std::string_view definition) {
  if (auto ok = check_schedule_name(name); !ok) return std::unexpected(ok.error());
  auto schedule = parse_definition(definition);
  if (!schedule) return schedule;
  const int64_t now = unix_ms_now();
  // The function must exist now (as for POST /async); each tick checks it again.
  JobSubmission probe{std::string(bucket), schedule->function};
  if (auto job = jobs_.prepare(probe, now); !job) return std::unexpected(job.error());
  schedule->bucket = std::string(bucket);
  schedule->name = std::string(name);
  schedule->created_ms = now;
  schedule->updated_ms = now;
  auto existing = table_.get(bucket, name);
  if (!existing) return std::unexpected(existing.error());
  schedule->paused = *existing && (*existing)->paused;
  if (!schedule->paused)
    schedule->next_fire_ms = next_tick(schedule->cron, schedule->timezone, now);
  if (auto stored = table_.put(*schedule); !stored) return std::unexpected(stored.error());
  if (*existing) schedule->created_ms = (*existing)->created_ms;
  return schedule;
}

Result<ScheduleView> ScheduleService::get(std::string_view bucket, std::string_view name,
                                          size_t next_count, size_t run_count) {
  auto schedule = table_.get(bucket, name);
  if (!schedule) return std::unexpected(schedule.error());
  if (!*schedule) return std::unexpected(schedule_not_found(bucket, name));
  ScheduleView view{std::move(**schedule), {}, {}};
  const auto ticks = ScheduleTicks::of(view.schedule.cron, view.schedule.timezone);
  std::optional<int64_t> next = view.schedule.next_fire_ms;
  while (ticks && next && view.next_fires_ms.size() < next_count) {
    view.next_fires_ms.push_back(*next);
    next = ticks->after(*next);
  }
  auto fires = table_.fires(bucket, name, run_count);
  if (!fires) return std::unexpected(fires.error());
  for (state::ScheduleFire& fire : *fires) {
    ScheduleView::Run run{std::move(fire), std::nullopt};
    if (run.fire.job_id) {
      auto job = jobs_.queue().get(*run.fire.job_id);
      if (job && *job) run.job_status = (*job)->status;
    }
    view.last_runs.push_back(std::move(run));
  }
  return view;
}

Result<std::vector<state::ScheduleRecord>> ScheduleService::list(std::string_view bucket) {
  return table_.list(bucket);
}

Result<void> ScheduleService::remove(std::string_view bucket, std::string_view name) {
  auto removed = table_.remove(bucket, name);
  if (!removed) return std::unexpected(removed.error());
  if (!*removed) return std::unexpected(schedule_not_found(bucket, name));
  return {};
}

Result<state::ScheduleRecord> ScheduleService::set_paused(std::string_view bucket,
                                                          std::string_view name, bool paused) {
  auto current = table_.get(bucket, name);
  if (!current) return std::unexpected(current.error());
  if (!*current) return std::unexpected(schedule_not_found(bucket, name));
  const int64_t now = unix_ms_now();
  std::optional<int64_t> next;
  if (!paused) next = next_tick((*current)->cron, (*current)->timezone, now);
  auto updated = table_.set_paused(bucket, name, paused, next, now);
  if (!updated) return std::unexpected(updated.error());
  if (!*updated) return std::unexpected(schedule_not_found(bucket, name));
  return std::move(**updated);
}

}  // namespace wasmfaas::triggers
