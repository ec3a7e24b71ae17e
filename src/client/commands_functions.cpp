// deploy, invoke, ls, bucket create|rm, versions, rollback, config get|set.
#include <cstdio>
#include <filesystem>
#include <map>

#include "client/session.h"
#include "client/table.h"

namespace wasmfaas::client {
namespace {


// Prints "uploading f.wasm: 4.0 MiB of 18.0 MiB (22%)" on one line of a
// terminal as the bytes go out.
std::function<void(uint64_t, uint64_t)> progress_line(Session& session, const std::string& name) {
  auto last_percent = std::make_shared<int>(-1);
  std::ostream* err = &session.err();
  return [err, name, last_percent](uint64_t sent, uint64_t total) {
    const int percent = static_cast<int>(sent * 100 / total);
    if (percent == *last_percent) return;
    *last_percent = percent;
    *err << "\ruploading " << name << ": " << human_bytes(sent) << " of " << human_bytes(total)
         << " (" << percent << "%)\x1b[K" << (sent == total ? "\n" : "") << std::flush;
  };
}

void add_deploy(CLI::App& app, const std::shared_ptr<Shared>& shared) {
  struct Options {
    std::string file, target, config;
    bool create_bucket = false;
  };
  auto options = std::make_shared<Options>();
  CLI::App* deploy = client_command(app, shared, "deploy",
                                    "Upload a component as a function: deploy <file.wasm> "
                                    "<bucket>/<key> [--config config.json]");
  deploy->add_option("file", options->file, "The component (.wasm)")->required();
  deploy->add_option("function", options->target, "<bucket>/<key>")->required();
  deploy->add_option("--config", options->config,
                     "Set the function's config from this JSON file once uploaded");
  deploy->add_flag("--create-bucket", options->create_bucket, "Create the bucket when missing");
  on_run(deploy, shared, [options](Session& session) {
    const auto [bucket, key] = split_target(session, options->target, kFunctionTarget);
    const std::string bytes = file_or_stdin(session, options->file);
    std::optional<std::string> config;
    if (!options->config.empty()) {
      config = file_or_stdin(session, options->config);
      parse_json(session, *config, options->config);
    }
    if (options->create_bucket) {
      const auto created = session.send({.method = "PUT", .target = "/bucket/" + escape_segment(bucket)});
      if (created.status != 201 && created.status != 409) session.fail_response(created);
    }
    ApiRequest upload{.method = "POST",
                      .target = "/file" + function_path(bucket, key),
                      .body = bytes,
                      .headers = {{"Content-Type", "application/wasm"}}};
    if (session.io().err_is_tty) {
      upload.upload_progress =
          progress_line(session, std::filesystem::path(options->file).filename().string());
    }
    nlohmann::json result = session.call_json(std::move(upload));
    if (config) {
      const auto configured =
          session.call_json({.method = "PUT",
                             .target = "/config" + function_path(bucket, key),
                             .body = *config,
                             .headers = {{"Content-Type", "application/json"}}});
      result["version"] = configured.value("version", "");
      result["config"] = configured.value("config", nlohmann::json::object());
    }
    session.output(result, [&] {
      session.out() << "deployed " << bucket << "/" << key << " version "
                    << cell(result, "version") << " ("
                    << human_bytes(result.value("size", uint64_t{0})) << ")"
                    << (config ? " with its config" : "") << "\n";
    });
  });
}

void add_invoke(CLI::App& app, const std::shared_ptr<Shared>& shared) {
  struct Options {
    std::string target, input, version, alias, content_type = "text/plain; charset=utf-8";
    CLI::Option* input_option = nullptr;
  };
  auto options = std::make_shared<Options>();
  CLI::App* invoke = client_command(app, shared, "invoke",
                                    "Run a function: invoke <bucket>/<key> [input] (input from "
                                    "stdin when omitted; the output on stdout)");
  invoke->add_option("function", options->target, "<bucket>/<key>")->required();
  options->input_option = invoke->add_option("input", options->input, "The input ('-': stdin)");
  invoke->add_option("--version", options->version, "Run this version");
  invoke->add_option("--alias", options->alias, "Run the version this alias names");
  invoke->add_option("--content-type", options->content_type, "Content-Type of the input")
      ->capture_default_str();
  on_run(invoke, shared, [options](Session& session) {
    const auto [bucket, key] = split_target(session, options->target, kFunctionTarget);
    if (!options->version.empty() && !options->alias.empty()) {
      usage_error(session, "--version and --alias exclude each other");
    }
    const auto input = argument_or_stdin(
        session, options->input_option->count() ? std::optional(options->input) : std::nullopt);
    const auto response = session.call(
        {.method = "POST",
         .target = "/exec" + function_path(bucket, key) +
                   query_string({{"version", options->version}, {"alias", options->alias}}),
         .body = input,
         .headers = {{"Content-Type", options->content_type}}});
    const std::string version = response.header("x-function-version");
    const std::string alias = response.header("x-function-alias");
    if (session.json()) {
      nlohmann::json result = {{"output", response.body}, {"version", version}};
      if (!alias.empty()) result["alias"] = alias;
      session.out() << result.dump() << "\n";
      return;
    }
    session.out() << response.body;
    // A pipe gets the output exactly; a terminal gets the prompt on a line of its own.
    if (session.io().out_is_tty && !response.body.empty() && !response.body.ends_with('\n')) {
      session.out() << "\n";
    }
    if (session.verbose()) {
      session.err() << "version: " << version << "\n";
      if (!alias.empty()) session.err() << "alias: " << alias << "\n";
      const std::string timing = response.header("server-timing");
      if (!timing.empty()) session.err() << "server-timing: " << timing << "\n";
    }
  });
}

void add_ls(CLI::App& app, const std::shared_ptr<Shared>& shared) {
  auto bucket = std::make_shared<std::string>();
  CLI::App* ls = client_command(app, shared, "ls",
                                "List the buckets, or the functions of a bucket: ls [bucket]");
  ls->add_option("bucket", *bucket, "A bucket");
  on_run(ls, shared, [bucket](Session& session) {
    if (bucket->empty()) {
      const auto body = session.call_json({.target = "/bucket"});
      session.output(body, [&] {
        Table table({"BUCKET"});
        for (const auto& entry : body.value("buckets", nlohmann::json::array())) {
          table.add({cell(entry, "name")});
        }
        table.print(session.out());
      });
      return;
    }
    const auto body = session.call_json({.target = "/bucket/" + escape_segment(*bucket)});
    session.output(body, [&] {
      Table table({"FUNCTION", "SIZE", "VERSION", "MODIFIED"});
      for (const auto& file : body.value("files", nlohmann::json::array())) {
        table.add({cell(file, "name"), human_bytes(file.value("size", uint64_t{0})),
                   cell(file, "version"), cell(file, "modified")});
      }
      table.print(session.out());
    });
  });
}

void add_bucket(CLI::App& app, const std::shared_ptr<Shared>& shared) {
  CLI::App* bucket = client_command(app, shared, "bucket", "Create or delete a bucket");
  bucket->require_subcommand(1);
  for (const auto& [name, method, description] :
       {std::tuple{"create", "PUT", "Create a bucket: bucket create <name>"},
        std::tuple{"rm", "DELETE", "Delete an empty bucket: bucket rm <name>"}}) {
    auto target = std::make_shared<std::string>();
    CLI::App* command = bucket->add_subcommand(name, description);
    command->add_option("bucket", *target, "The bucket")->required();
    on_run(command, shared, [target, method = std::string(method)](Session& session) {
      const auto body =
          session.call_json({.method = method, .target = "/bucket/" + escape_segment(*target)});
      session.output(body, [&] {
        session.out() << (method == "PUT" ? "created bucket " : "deleted bucket ") << *target
                      << "\n";
      });
    });
  }
}

// "prod", "beta (canary of prod, 10%)" for each version an alias names.
std::map<std::string, std::vector<std::string>> aliases_by_version(const nlohmann::json& aliases) {
  std::map<std::string, std::vector<std::string>> names;
  for (const auto& alias : aliases) {
    const std::string name = cell(alias, "name");
    names[cell(alias, "version")].push_back(name);
    if (alias.contains("canary") && alias["canary"].is_object()) {
      names[cell(alias["canary"], "version")].push_back(
          name + " canary " + cell(alias["canary"], "weight") + "%");
    }
  }
  return names;
}

void add_versions(CLI::App& app, const std::shared_ptr<Shared>& shared) {
  auto target = std::make_shared<std::string>();
  CLI::App* versions = client_command(
      app, shared, "versions", "List a function's versions, newest first: versions <bucket>/<key>");
  versions->add_option("function", *target, "<bucket>/<key>")->required();
  on_run(versions, shared, [target](Session& session) {
    const auto [bucket, key] = split_target(session, *target, kFunctionTarget);
    auto body = session.call_json({.target = "/file" + function_path(bucket, key) + "?versions"});
    // Aliases are shown when the server has them (and the token may list them).
    const auto aliases = session.send({.target = "/aliases" + function_path(bucket, key)});
    nlohmann::json alias_list = nlohmann::json::array();
    if (aliases.status == 200) {
      alias_list = nlohmann::json::parse(aliases.body, nullptr, false).value("aliases", alias_list);
      body["aliases"] = alias_list;
    }
    session.output(body, [&] {
      const auto names = aliases_by_version(alias_list);
      Table table({"VERSION", "CREATED", "SIZE", "LATEST", "ALIASES"});
      for (const auto& version : body.value("versions", nlohmann::json::array())) {
        std::string alias_cell;
        if (const auto it = names.find(cell(version, "version")); it != names.end()) {
          for (const auto& name : it->second) alias_cell += (alias_cell.empty() ? "" : ", ") + name;
        }
        table.add({cell(version, "version"), cell(version, "created"),
                   human_bytes(version.value("size", uint64_t{0})),
                   version.value("latest", false) ? "yes" : "", alias_cell});
      }
      table.print(session.out());
    });
  });
}

void add_rollback(CLI::App& app, const std::shared_ptr<Shared>& shared) {
  struct Options {
    std::string target, to;
  };
  auto options = std::make_shared<Options>();
  CLI::App* rollback = client_command(
      app, shared, "rollback",
      "Make a new version from an earlier one: rollback <bucket>/<key> [--to VERSION] "
      "(default: the version before the current one)");
  rollback->add_option("function", options->target, "<bucket>/<key>")->required();
  rollback->add_option("--to", options->to, "The version to go back to");
  on_run(rollback, shared, [options](Session& session) {
    const auto [bucket, key] = split_target(session, options->target, kFunctionTarget);
    ApiRequest request{.method = "POST", .target = "/rollback" + function_path(bucket, key)};
    if (!options->to.empty()) {
      request.body = nlohmann::json{{"to", options->to}}.dump();
      request.headers = {{"Content-Type", "application/json"}};
    }
    const auto body = session.call_json(std::move(request));
    session.output(body, [&] {
      session.out() << "rolled back " << bucket << "/" << key << " to " << cell(body, "from")
                    << ": new version " << cell(body, "version") << "\n";
    });
  });
}

void add_config(CLI::App& app, const std::shared_ptr<Shared>& shared) {
  CLI::App* config = client_command(app, shared, "config", "Read or replace a function's config");
  config->require_subcommand(1);

  auto get_target = std::make_shared<std::string>();
  CLI::App* get = config->add_subcommand("get", "Print the config: config get <bucket>/<key>");
  get->add_option("function", *get_target, "<bucket>/<key>")->required();
  on_run(get, shared, [get_target](Session& session) {
    const auto [bucket, key] = split_target(session, *get_target, kFunctionTarget);
    const auto body = session.call_json({.target = "/config" + function_path(bucket, key)});
    session.out() << body.dump(2) << "\n";
  });

  struct SetOptions {
    std::string target, file;
  };
  auto options = std::make_shared<SetOptions>();
  CLI::App* set = config->add_subcommand(
      "set", "Replace the config (a new version): config set <bucket>/<key> [file.json|-]");
  set->add_option("function", options->target, "<bucket>/<key>")->required();
  set->add_option("file", options->file, "The config as JSON (default, or '-': stdin)");
  on_run(set, shared, [options](Session& session) {
    const auto [bucket, key] = split_target(session, options->target, kFunctionTarget);
    const std::string text = file_or_stdin(
        session, options->file.empty() ? std::nullopt : std::optional(options->file));
    parse_json(session, text, options->file.empty() ? "stdin" : options->file);
    const auto body = session.call_json({.method = "PUT",
                                         .target = "/config" + function_path(bucket, key),
                                         .body = text,
                                         .headers = {{"Content-Type", "application/json"}}});
    session.output(body, [&] {
      session.out() << "config of " << bucket << "/" << key << " set: version "
                    << cell(body, "version") << "\n";
    });
  });
}

}  // namespace

void add_function_commands(CLI::App& app, const std::shared_ptr<Shared>& shared) {
  add_deploy(app, shared);
  add_invoke(app, shared);
  add_ls(app, shared);
  add_versions(app, shared);
  add_rollback(app, shared);
  add_config(app, shared);
  add_bucket(app, shared);
}

}  // namespace wasmfaas::client
