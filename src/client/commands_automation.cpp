// pipeline ls|get|set|run|rm, jobs submit|get|ls|retry|cancel|purge,
// schedule ls|get|set|rm|pause|resume and kv ls|get|set|rm.
#include "client/session.h"
#include "client/table.h"

namespace wasmfaas::client {
namespace {

// "/<bucket>/<name>" of a "<bucket>/<name>" argument (no '/' in name).
std::string named_path(Session& session, const std::string& target, const std::string& what) {
  const auto [bucket, name] = split_target(session, target, "<bucket>/<name> (" + what + ")");
  return "/" + escape_segment(bucket) + "/" + escape_segment(name);
}

// A subcommand taking one required positional argument.
CLI::App* one_argument(CLI::App& parent, const std::string& name, const std::string& description,
                       const std::string& argument, std::shared_ptr<std::string> value) {
  CLI::App* command = parent.add_subcommand(name, description);
  command->add_option(argument, *value, argument)->required();
  return command;
}

// Prints the output of an exec-like answer exactly (or {"output"} with --json).
void print_output(Session& session, const ApiResponse& response) {
  if (session.json()) {
    session.out() << nlohmann::json({{"output", response.body}}).dump() << "\n";
  } else {
    session.out() << response.body;
  }
}

void add_pipeline(CLI::App& app, const std::shared_ptr<Shared>& shared) {
  CLI::App* pipeline = client_command(app, shared, "pipeline", "Manage and run pipelines");
  pipeline->require_subcommand(1);
  const std::string what = "a pipeline";

  auto bucket = std::make_shared<std::string>();
  on_run(one_argument(*pipeline, "ls", "A bucket's pipelines: pipeline ls <bucket>", "bucket", bucket),
         shared, [bucket](Session& session) {
           const auto body = session.call_json({.target = "/pipeline/" + escape_segment(*bucket)});
           session.output(body, [&] {
             for (const auto& name : body.value("pipelines", nlohmann::json::array())) {
               session.out() << cell(name) << "\n";
             }
           });
         });

  auto get_target = std::make_shared<std::string>();
  on_run(one_argument(*pipeline, "get", "Its steps: pipeline get <bucket>/<name>", "pipeline",
                      get_target),
         shared, [get_target, what](Session& session) {
           const auto body = session.call_json(
               {.target = "/pipeline" + named_path(session, *get_target, what)});
           session.output(body, [&] {
             int index = 1;
             for (const auto& step : body.value("steps", nlohmann::json::array())) {
               session.out() << index++ << ". " << cell(step) << "\n";
             }
           });
         });

  struct SetOptions {
    std::string target, file;
    std::vector<std::string> steps;
  };
  auto set_options = std::make_shared<SetOptions>();
  CLI::App* set = pipeline->add_subcommand(
      "set", "Store a pipeline: pipeline set <bucket>/<name> --step f --step g@VERSION, or "
             "[file.json|-] with {\"steps\":[...]}");
  set->add_option("pipeline", set_options->target, "<bucket>/<name>")->required();
  set->add_option("file", set_options->file, "The definition as JSON ('-': stdin)");
  set->add_option("--step", set_options->steps, "A step (repeatable, in order)");
  on_run(set, shared, [set_options, what](Session& session) {
    const std::string path = named_path(session, set_options->target, what);
    std::string body;
    if (!set_options->steps.empty()) {
      if (!set_options->file.empty()) usage_error(session, "give --step or a file, not both");
      body = nlohmann::json{{"steps", set_options->steps}}.dump();
    } else {
      body = file_or_stdin(session, set_options->file.empty() ? std::nullopt
                                                              : std::optional(set_options->file));
      parse_json(session, body, "the pipeline");
    }
    const auto stored = session.call_json({.method = "PUT",
                                           .target = "/pipeline" + path,
                                           .body = body,
                                           .headers = {{"Content-Type", "application/json"}}});
    session.output(stored, [&] {
      session.out() << "stored pipeline " << set_options->target << " ("
                    << stored.value("steps", nlohmann::json::array()).size() << " steps)\n";
    });
  });

  struct RunOptions {
    std::string target, input;
    bool trace = false;
    CLI::Option* input_option = nullptr;
  };
  auto run_options = std::make_shared<RunOptions>();
  CLI::App* run = pipeline->add_subcommand(
      "run", "Run a pipeline: pipeline run <bucket>/<name> [input] (stdin when omitted)");
  run->add_option("pipeline", run_options->target, "<bucket>/<name>")->required();
  run_options->input_option = run->add_option("input", run_options->input, "The input");
  run->add_flag("--trace", run_options->trace, "Print each step's output and time (JSON)");
  on_run(run, shared, [run_options, what](Session& session) {
    const std::string path = named_path(session, run_options->target, what);
    const std::string input = argument_or_stdin(
        session,
        run_options->input_option->count() ? std::optional(run_options->input) : std::nullopt);
    const auto response = session.call(
        {.method = "POST",
         .target = "/pipeline" + path + "/exec" + (run_options->trace ? "?trace=1" : ""),
         .body = input,
         .headers = {{"Content-Type", "text/plain; charset=utf-8"}}});
    if (run_options->trace) {
      session.out() << response.body << "\n";
    } else {
      print_output(session, response);
    }
  });

  auto rm_target = std::make_shared<std::string>();
  on_run(one_argument(*pipeline, "rm", "Delete it: pipeline rm <bucket>/<name>", "pipeline",
                      rm_target),
         shared, [rm_target, what](Session& session) {
           session.call({.method = "DELETE",
                          .target = "/pipeline" + named_path(session, *rm_target, what)});
           session.output({{"pipeline", *rm_target}, {"deleted", true}},
                          [&] { session.out() << "deleted pipeline " << *rm_target << "\n"; });
         });
}

void print_jobs(Session& session, const nlohmann::json& body) {
  Table table({"JOB", "STATUS", "FUNCTION", "ATTEMPTS", "CREATED", "SOURCE"});
  for (const auto& job : body.value("jobs", nlohmann::json::array())) {
    table.add({cell(job, "job"), cell(job, "status"), cell(job, "bucket") + "/" + cell(job, "function"),
               cell(job, "attempts"), cell(job, "created"), cell(job, "source")});
  }
  table.print(session.out());
  if (!cell(body, "cursor").empty()) {
    session.err() << "more: --cursor " << cell(body, "cursor") << "\n";
  }
}

void add_jobs(CLI::App& app, const std::shared_ptr<Shared>& shared) {
  CLI::App* jobs = client_command(app, shared, "jobs", "Async jobs");
  jobs->require_subcommand(1);

  struct SubmitOptions {
    std::string target, input, version, idempotency_key, callback_url;
    CLI::Option* input_option = nullptr;
  };
  auto submit_options = std::make_shared<SubmitOptions>();
  CLI::App* submit = jobs->add_subcommand(
      "submit", "Queue a job: jobs submit <bucket>/<key> [input] (stdin when omitted)");
  submit->add_option("function", submit_options->target, "<bucket>/<key>")->required();
  submit_options->input_option = submit->add_option("input", submit_options->input, "The input");
  submit->add_option("--version", submit_options->version, "Run this version");
  submit->add_option("--idempotency-key", submit_options->idempotency_key,
                     "The same key within 24 h: the same job");
  submit->add_option("--callback-url", submit_options->callback_url,
                     "POST the result there when the job ends");
  on_run(submit, shared, [submit_options](Session& session) {
    const auto [bucket, key] = split_target(session, submit_options->target, kFunctionTarget);
    const std::string input = argument_or_stdin(
        session,
        submit_options->input_option->count() ? std::optional(submit_options->input) : std::nullopt);
    ApiRequest request{.method = "POST",
                       .target = "/async" + function_path(bucket, key) +
                                 query_string({{"version", submit_options->version}}),
                       .body = input,
                       .headers = {{"Content-Type", "text/plain; charset=utf-8"}}};
    if (!submit_options->idempotency_key.empty()) {
      request.headers.emplace_back("Idempotency-Key", submit_options->idempotency_key);
    }
    if (!submit_options->callback_url.empty()) {
      request.headers.emplace_back("X-Callback-Url", submit_options->callback_url);
    }
    const auto body = session.call_json(std::move(request));
    session.output(body, [&] { session.out() << cell(body, "job") << "\n"; });
  });

  auto get_id = std::make_shared<std::string>();
  on_run(one_argument(*jobs, "get", "A job: jobs get <id>", "id", get_id), shared,
         [get_id](Session& session) {
           const auto body = session.call_json({.target = "/jobs/" + escape_segment(*get_id)});
           session.output(body, [&] { print_fields(session.out(), body); });
         });

  struct ListOptions {
    std::string bucket, key, status, cursor;
    int limit = 0;
  };
  auto list_options = std::make_shared<ListOptions>();
  CLI::App* ls = jobs->add_subcommand("ls", "Jobs, newest first: jobs ls [--bucket B] [--key K] "
                                            "[--status S] [--limit N] [--cursor C]");
  ls->add_option("--bucket", list_options->bucket, "Of this bucket");
  ls->add_option("--key", list_options->key, "Of this function");
  ls->add_option("--status", list_options->status,
                 "queued, running, succeeded, failed, dead or cancelled");
  ls->add_option("--limit", list_options->limit, "At most this many (server default 100)");
  ls->add_option("--cursor", list_options->cursor, "Continue after a previous page");
  on_run(ls, shared, [list_options](Session& session) {
    const auto body = session.call_json(
        {.target = "/jobs" + query_string({{"bucket", list_options->bucket},
                                           {"key", list_options->key},
                                           {"status", list_options->status},
                                           {"cursor", list_options->cursor},
                                           {"limit", list_options->limit > 0
                                                         ? std::to_string(list_options->limit)
                                                         : ""}})});
    session.output(body, [&] { print_jobs(session, body); });
  });

  for (const auto& [name, method, suffix, description] :
       {std::tuple{"retry", "POST", "/retry", "Queue a failed or dead job again: jobs retry <id>"},
        std::tuple{"cancel", "DELETE", "", "Cancel a queued job: jobs cancel <id>"}}) {
    auto id = std::make_shared<std::string>();
    on_run(one_argument(*jobs, name, description, "id", id), shared,
           [id, method = std::string(method), suffix = std::string(suffix)](Session& session) {
             const auto body = session.call_json(
                 {.method = method, .target = "/jobs/" + escape_segment(*id) + suffix});
             session.output(body, [&] {
               session.out() << "job " << cell(body, "job") << ": " << cell(body, "status") << "\n";
             });
           });
  }

  auto purge_options = std::make_shared<ListOptions>();
  CLI::App* purge = jobs->add_subcommand(
      "purge", "Delete finished jobs: jobs purge [--bucket B] [--key K] [--status dead]");
  purge->add_option("--bucket", purge_options->bucket, "Of this bucket");
  purge->add_option("--key", purge_options->key, "Of this function");
  purge->add_option("--status", purge_options->status, "A final status (server default: dead)");
  on_run(purge, shared, [purge_options](Session& session) {
    const auto body = session.call_json(
        {.method = "DELETE",
         .target = "/jobs" + query_string({{"bucket", purge_options->bucket},
                                           {"key", purge_options->key},
                                           {"status", purge_options->status}})});
    session.output(body, [&] { session.out() << "purged " << cell(body, "purged") << " jobs\n"; });
  });
}

void add_schedule(CLI::App& app, const std::shared_ptr<Shared>& shared) {
  CLI::App* schedule = client_command(app, shared, "schedule", "Cron schedules");
  schedule->require_subcommand(1);
  const std::string what = "a schedule";

  auto bucket = std::make_shared<std::string>();
  on_run(one_argument(*schedule, "ls", "A bucket's schedules: schedule ls <bucket>", "bucket", bucket),
         shared, [bucket](Session& session) {
           const auto body = session.call_json({.target = "/schedule/" + escape_segment(*bucket)});
           session.output(body, [&] {
             Table table({"SCHEDULE", "CRON", "TIMEZONE", "FUNCTION", "PAUSED", "NEXT"});
             for (const auto& entry : body.value("schedules", nlohmann::json::array())) {
               table.add({cell(entry, "name"), cell(entry, "cron"), cell(entry, "timezone"),
                          cell(entry, "function"), entry.value("paused", false) ? "yes" : "",
                          cell(entry, "next_fire")});
             }
             table.print(session.out());
           });
         });

  for (const auto& [name, method, suffix, description] :
       {std::tuple{"get", "GET", "", "A schedule, its next fires and last runs"},
        std::tuple{"pause", "POST", "/pause", "Stop firing: schedule pause <bucket>/<name>"},
        std::tuple{"resume", "POST", "/resume", "Fire again: schedule resume <bucket>/<name>"},
        std::tuple{"rm", "DELETE", "", "Delete it: schedule rm <bucket>/<name>"}}) {
    auto target = std::make_shared<std::string>();
    on_run(one_argument(*schedule, name, description, "schedule", target), shared,
           [target, what, method = std::string(method), suffix = std::string(suffix)](
               Session& session) {
             auto body = session.call_json(
                 {.method = method, .target = "/schedule" + named_path(session, *target, what) + suffix});
             if (method == "DELETE") body = {{"schedule", *target}, {"deleted", true}};
             session.output(body, [&] {
               if (method == "DELETE") {
                 session.out() << "deleted schedule " << *target << "\n";
               } else {
                 print_fields(session.out(), body);
               }
             });
           });
  }

  struct SetOptions {
    std::string target, file, cron, function, input, timezone, overlap;
    bool catch_up = false;
  };
  auto set_options = std::make_shared<SetOptions>();
  CLI::App* set = schedule->add_subcommand(
      "set", "Create or replace a schedule: schedule set <bucket>/<name> --cron '*/5 * * * *' "
             "--function F [--input I] [--timezone TZ] [--overlap skip|allow] [--catch-up], or "
             "[file.json|-]");
  set->add_option("schedule", set_options->target, "<bucket>/<name>")->required();
  set->add_option("file", set_options->file, "The schedule as JSON ('-': stdin)");
  set->add_option("--cron", set_options->cron, "When it fires");
  set->add_option("--function", set_options->function, "The function of the bucket it runs");
  set->add_option("--input", set_options->input, "The input of each run");
  set->add_option("--timezone", set_options->timezone, "IANA time zone (server default UTC)");
  set->add_option("--overlap", set_options->overlap, "skip or allow");
  set->add_flag("--catch-up", set_options->catch_up, "Fire the latest missed tick after downtime");
  on_run(set, shared, [set_options, what](Session& session) {
    const std::string path = named_path(session, set_options->target, what);
    std::string body;
    if (!set_options->cron.empty() || !set_options->function.empty()) {
      if (!set_options->file.empty()) usage_error(session, "give --cron/--function or a file");
      nlohmann::json schedule = {{"cron", set_options->cron}, {"function", set_options->function}};
      if (!set_options->input.empty()) schedule["input"] = set_options->input;
      if (!set_options->timezone.empty()) schedule["timezone"] = set_options->timezone;
      if (!set_options->overlap.empty()) schedule["overlap"] = set_options->overlap;
      if (set_options->catch_up) schedule["catch_up"] = true;
      body = schedule.dump();
    } else {
      body = file_or_stdin(session, set_options->file.empty() ? std::nullopt
                                                              : std::optional(set_options->file));
      parse_json(session, body, "the schedule");
    }
    const auto stored = session.call_json({.method = "PUT",
                                           .target = "/schedule" + path,
                                           .body = body,
                                           .headers = {{"Content-Type", "application/json"}}});
    session.output(stored, [&] {
      session.out() << "schedule " << set_options->target << ": " << cell(stored, "cron")
                    << " (" << cell(stored, "timezone") << "), next " << cell(stored, "next_fire")
                    << "\n";
    });
  });
}

void add_kv(CLI::App& app, const std::shared_ptr<Shared>& shared) {
  CLI::App* kv = client_command(app, shared, "kv", "Key-value stores of a bucket");
  kv->require_subcommand(1);
  const auto key_path = [](Session& session, const std::string& target) {
    const auto [bucket, rest] = split_target(session, target, "<bucket>/<store>/<key>");
    const auto [store, key] = split_target(session, rest, "<bucket>/<store>/<key>");
    return "/kv/" + escape_segment(bucket) + "/" + escape_segment(store) + "/" + escape_path(key);
  };

  struct ListOptions {
    std::string target, prefix, cursor;
    int limit = 0;
  };
  auto list_options = std::make_shared<ListOptions>();
  CLI::App* ls = kv->add_subcommand("ls", "A page of a store's keys: kv ls <bucket>/<store> "
                                          "[--prefix P] [--limit N] [--cursor C]");
  ls->add_option("store", list_options->target, "<bucket>/<store>")->required();
  ls->add_option("--prefix", list_options->prefix, "Keys starting with this");
  ls->add_option("--limit", list_options->limit, "At most this many");
  ls->add_option("--cursor", list_options->cursor, "Continue after a previous page");
  on_run(ls, shared, [list_options](Session& session) {
    const std::string path = named_path(session, list_options->target, "a key-value store");
    const auto body = session.call_json(
        {.target = "/kv" + path +
                   query_string({{"prefix", list_options->prefix},
                                 {"cursor", list_options->cursor},
                                 {"limit", list_options->limit > 0 ? std::to_string(list_options->limit)
                                                                   : ""}})});
    session.output(body, [&] {
      for (const auto& key : body.value("keys", nlohmann::json::array())) {
        session.out() << cell(key) << "\n";
      }
      if (!cell(body, "cursor").empty()) {
        session.err() << "more: --cursor " << cell(body, "cursor") << "\n";
      }
    });
  });

  auto get_target = std::make_shared<std::string>();
  on_run(one_argument(*kv, "get", "Print a value exactly: kv get <bucket>/<store>/<key>", "key",
                      get_target),
         shared, [get_target, key_path](Session& session) {
           print_output(session, session.call({.target = key_path(session, *get_target)}));
         });

  struct SetOptions {
    std::string target, value;
    CLI::Option* value_option = nullptr;
  };
  auto set_options = std::make_shared<SetOptions>();
  CLI::App* set = kv->add_subcommand(
      "set", "Set a value: kv set <bucket>/<store>/<key> [value] (stdin when omitted)");
  set->add_option("key", set_options->target, "<bucket>/<store>/<key>")->required();
  set_options->value_option = set->add_option("value", set_options->value, "The value");
  on_run(set, shared, [set_options, key_path](Session& session) {
    const std::string path = key_path(session, set_options->target);
    const std::string value = argument_or_stdin(
        session,
        set_options->value_option->count() ? std::optional(set_options->value) : std::nullopt);
    const auto body = session.call_json({.method = "PUT",
                                         .target = path,
                                         .body = value,
                                         .headers = {{"Content-Type", "application/octet-stream"}}});
    session.output(body, [&] {
      session.out() << "set " << set_options->target << " (" << cell(body, "bytes") << " bytes)\n";
    });
  });

  auto rm_target = std::make_shared<std::string>();
  on_run(one_argument(*kv, "rm", "Delete a key: kv rm <bucket>/<store>/<key>", "key", rm_target),
         shared, [rm_target, key_path](Session& session) {
           session.call({.method = "DELETE", .target = key_path(session, *rm_target)});
           session.output({{"key", *rm_target}, {"deleted", true}},
                          [&] { session.out() << "deleted " << *rm_target << "\n"; });
         });
}

}  // namespace

void add_pipeline_commands(CLI::App& app, const std::shared_ptr<Shared>& shared) {
  add_pipeline(app, shared);
}
void add_job_commands(CLI::App& app, const std::shared_ptr<Shared>& shared) { add_jobs(app, shared); }
void add_schedule_commands(CLI::App& app, const std::shared_ptr<Shared>& shared) {
  add_schedule(app, shared);
}
void add_kv_commands(CLI::App& app, const std::shared_ptr<Shared>& shared) { add_kv(app, shared); }

}  // namespace wasmfaas::client
