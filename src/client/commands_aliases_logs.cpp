// alias set|ls|rm and logs [--follow].
#include <chrono>
#include <cstdio>
#include <csignal>
#include <deque>
#include <set>
#include <thread>

#include "client/session.h"
#include "client/table.h"

namespace wasmfaas::client {
namespace {

void add_alias_set(CLI::App& alias, const std::shared_ptr<Shared>& shared) {
  struct Options {
    std::string target, name, version, canary;
    int weight = -1;
  };
  auto options = std::make_shared<Options>();
  CLI::App* set = alias.add_subcommand(
      "set", "Point an alias at a version: alias set <bucket>/<key> <name> <version> "
             "[--canary VERSION --weight PERCENT]");
  set->add_option("function", options->target, "<bucket>/<key>")->required();
  set->add_option("name", options->name, "The alias (1-64 of a-z 0-9 _ -)")->required();
  set->add_option("version", options->version, "The version it names")->required();
  set->add_option("--canary", options->canary, "A second version taking --weight % of the calls");
  set->add_option("--weight", options->weight, "Percent of the calls the canary runs (0-100)");
  on_run(set, shared, [options](Session& session) {
    const auto [bucket, key] = split_target(session, options->target, kFunctionTarget);
    if (options->canary.empty() != (options->weight < 0)) {
      usage_error(session, "--canary and --weight go together");
    }
    nlohmann::json body = {{"version", options->version}};
    if (!options->canary.empty()) {
      body["canary"] = {{"version", options->canary}, {"weight", options->weight}};
    }
    const auto alias = session.call_json(
        {.method = "PUT",
         .target = "/aliases" + function_path(bucket, key) + query_string({{"name", options->name}}),
         .body = body.dump(),
         .headers = {{"Content-Type", "application/json"}}});
    session.output(alias, [&] {
      session.out() << "alias " << options->name << " of " << bucket << "/" << key << " -> "
                    << cell(alias, "version");
      if (alias.contains("canary") && alias["canary"].is_object()) {
        session.out() << " (canary " << cell(alias["canary"], "version") << " "
                      << cell(alias["canary"], "weight") << "%)";
      }
      session.out() << "\n";
    });
  });
}

void add_alias_ls_rm(CLI::App& alias, const std::shared_ptr<Shared>& shared) {
  auto ls_target = std::make_shared<std::string>();
  CLI::App* ls = alias.add_subcommand("ls", "List a function's aliases: alias ls <bucket>/<key>");
  ls->add_option("function", *ls_target, "<bucket>/<key>")->required();
  on_run(ls, shared, [ls_target](Session& session) {
    const auto [bucket, key] = split_target(session, *ls_target, kFunctionTarget);
    const auto body = session.call_json({.target = "/aliases" + function_path(bucket, key)});
    session.output(body, [&] {
      Table table({"ALIAS", "VERSION", "CANARY", "WEIGHT"});
      for (const auto& entry : body.value("aliases", nlohmann::json::array())) {
        const bool canary = entry.contains("canary") && entry["canary"].is_object();
        table.add({cell(entry, "name"), cell(entry, "version"),
                   canary ? cell(entry["canary"], "version") : "",
                   canary ? cell(entry["canary"], "weight") + "%" : ""});
      }
      table.print(session.out());
    });
  });

  struct RmOptions {
    std::string target, name;
  };
  auto options = std::make_shared<RmOptions>();
  CLI::App* rm = alias.add_subcommand("rm", "Delete an alias: alias rm <bucket>/<key> <name>");
  rm->add_option("function", options->target, "<bucket>/<key>")->required();
  rm->add_option("name", options->name, "The alias")->required();
  on_run(rm, shared, [options](Session& session) {
    const auto [bucket, key] = split_target(session, options->target, kFunctionTarget);
    session.call({.method = "DELETE",
                  .target = "/aliases" + function_path(bucket, key) +
                            query_string({{"name", options->name}})});
    const nlohmann::json result = {
        {"bucket", bucket}, {"key", key}, {"alias", options->name}, {"deleted", true}};
    session.output(result, [&] { session.out() << "deleted alias " << options->name << "\n"; });
  });
}

volatile std::sig_atomic_t interrupted = 0;

extern "C" void on_interrupt(int) { interrupted = 1; }

// One invocation as a line (and its captured output indented below it).
void print_invocation(std::ostream& out, const nlohmann::json& entry) {
  char duration[32] = "";
  if (const auto it = entry.find("duration_ms"); it != entry.end() && it->is_number()) {
    std::snprintf(duration, sizeof duration, "%.1f ms", it->get<double>());
  }
  out << cell(entry, "time") << "  " << cell(entry, "status") << "  " << duration << "  "
      << cell(entry, "version") << "  "
      << cell(entry, "request_id");
  if (entry.contains("job")) out << "  job " << cell(entry, "job") << "#" << cell(entry, "attempt");
  out << "\n";
  if (entry.contains("error")) out << "  error: " << cell(entry, "error") << "\n";
  for (const char* stream : {"stdout", "stderr"}) {
    const std::string text = entry.value(stream, "");
    size_t start = 0;
    while (start < text.size()) {
      const size_t end = text.find('\n', start);
      out << "  " << stream << ": " << text.substr(start, end - start) << "\n";
      if (end == std::string::npos) break;
      start = end + 1;
    }
  }
}

void add_logs(CLI::App& app, const std::shared_ptr<Shared>& shared) {
  struct Options {
    std::string target;
    int limit = 20;
    bool follow = false;
  };
  auto options = std::make_shared<Options>();
  CLI::App* logs = client_command(app, shared, "logs",
                                  "A function's latest invocations, oldest first: logs "
                                  "<bucket>/<key> [--limit N] [--follow]");
  logs->add_option("function", options->target, "<bucket>/<key>")->required();
  logs->add_option("--limit", options->limit, "How many (the latest)")->capture_default_str();
  logs->add_flag("-f,--follow", options->follow,
                 "Keep printing new invocations (polls every second) until Ctrl-C");
  on_run(logs, shared, [options](Session& session) {
    const auto [bucket, key] = split_target(session, options->target, kFunctionTarget);
    const ApiRequest request{
        .target = "/logs" + function_path(bucket, key) +
                  query_string({{"limit", std::to_string(options->limit)}})};
    if (!options->follow) {
      const auto body = session.call_json(request);
      session.output(body, [&] {
        const auto entries = body.value("invocations", nlohmann::json::array());
        for (auto it = entries.rbegin(); it != entries.rend(); ++it) print_invocation(session.out(), *it);
      });
      return;
    }
    // Polls; an invocation is printed once (one JSON object a line with --json).
    const auto& io = session.io();
    if (!io.keep_following) std::signal(SIGINT, on_interrupt);
    std::set<std::string> seen;
    std::deque<std::string> seen_order;
    const auto keep_going = [&] { return io.keep_following ? io.keep_following() : !interrupted; };
    while (keep_going()) {
      const auto body = session.call_json(request);
      const auto entries = body.value("invocations", nlohmann::json::array());
      for (auto it = entries.rbegin(); it != entries.rend(); ++it) {
        const std::string id = cell(*it, "request_id") + "#" + cell(*it, "attempt");
        if (!seen.insert(id).second) continue;
        seen_order.push_back(id);
        if (seen_order.size() > 10000) {
          seen.erase(seen_order.front());
          seen_order.pop_front();
        }
        if (session.json()) {
          session.out() << it->dump() << "\n";
        } else {
          print_invocation(session.out(), *it);
        }
      }
      session.out().flush();
      const auto until = std::chrono::steady_clock::now() + io.follow_interval;
      while (std::chrono::steady_clock::now() < until && !interrupted) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
    }
  });
}

}  // namespace

void add_alias_commands(CLI::App& app, const std::shared_ptr<Shared>& shared) {
  CLI::App* alias = client_command(app, shared, "alias", "Name versions of a function (aliases)");
  alias->require_subcommand(1);
  add_alias_set(*alias, shared);
  add_alias_ls_rm(*alias, shared);
}

void add_logs_command(CLI::App& app, const std::shared_ptr<Shared>& shared) { add_logs(app, shared); }

}  // namespace wasmfaas::client
