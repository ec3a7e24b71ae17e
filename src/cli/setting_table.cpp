#include "cli/setting_table.h"

#include <toml++/toml.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>

namespace wasmfaas::cli {
namespace {

Error refused(const std::string& where, const std::string& what) {
  return Error{ErrorCode::kInvalidArgument, where + ": " + what};
}

std::string lower(std::string text) {
  std::ranges::transform(text, text.begin(),
                         [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

std::optional<bool> parse_switch(const std::string& text) {
  const std::string word = lower(text);
  if (word == "true" || word == "1" || word == "yes" || word == "on") return true;
  if (word == "false" || word == "0" || word == "no" || word == "off") return false;
  return std::nullopt;
}

std::vector<std::string> split(const std::string& text, char delimiter) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t end = std::min(text.find(delimiter, start), text.size());
    if (end > start) parts.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

// How a TOML value reads in a message: its type, then its text.
std::string describe(const toml::node& node) {
  std::ostringstream shown;
  switch (node.type()) {
    case toml::node_type::string:
      shown << "the string ";
      break;
    case toml::node_type::integer:
      shown << "the integer ";
      break;
    case toml::node_type::floating_point:
      shown << "the decimal number ";
      break;
    case toml::node_type::boolean:
      shown << "the boolean ";
      break;
    case toml::node_type::array:
      return "an array";
    case toml::node_type::table:
      return "a table";
    default:
      return "a date or time";
  }
  node.visit([&shown](const auto& value) { shown << value; });
  return shown.str();
}

// Every leaf of the file as (setting name, value); tables flatten with '-',
// except the tables that are a list setting's value.
void flatten(const toml::table& table, const std::string& prefix,
             const std::function<bool(const std::string&)>& is_list,
             std::vector<std::pair<std::string, const toml::node*>>& leaves) {
  for (const auto& [key, node] : table) {
    const std::string name =
        prefix.empty() ? std::string(key.str()) : prefix + "-" + std::string(key.str());
    if (const auto* nested = node.as_table(); nested && !is_list(name)) {
      flatten(*nested, name, is_list, leaves);
    } else {
      leaves.emplace_back(name, &node);
    }
  }
}

// The texts a file's value gives a setting of `kind`, or what is wrong.
Result<std::vector<std::string>> file_values(SettingTable::Kind kind, const std::string& where,
                                             const std::string& allowed,
                                             const toml::node& node) {
  using Kind = SettingTable::Kind;
  const auto wrong = [&] { return refused(where, describe(node) + " is not " + allowed); };
  switch (kind) {
    case Kind::kToggle:
      if (const auto* value = node.as_boolean()) return std::vector{std::string(value->get() ? "true" : "false")};
      return std::unexpected(wrong());
    case Kind::kNumber:
      if (const auto* value = node.as_integer()) return std::vector{std::to_string(value->get())};
      return std::unexpected(wrong());
    case Kind::kText:
      if (const auto* value = node.as_string()) return std::vector{value->get()};
      return std::unexpected(wrong());
    case Kind::kList:
      break;
  }
  std::vector<std::string> values;
  const auto take = [&](const toml::node& element) -> Result<void> {
    const auto* value = element.as_string();
    if (!value) return std::unexpected(refused(where, describe(element) + " is not " + allowed));
    values.push_back(value->get());
    return {};
  };
  if (const auto* array = node.as_array()) {
    for (const auto& element : *array) {
      if (auto taken = take(element); !taken) return std::unexpected(taken.error());
    }
  } else if (const auto* table = node.as_table()) {
    for (const auto& [key, element] : *table) {
      if (auto taken = take(element); !taken) return std::unexpected(taken.error());
    }
  } else if (auto taken = take(node); !taken) {
    return std::unexpected(taken.error());
  }
  return values;
}

// The variable as --help shows it, in the form it shows --config's.
std::string shown_variable(const std::string& name) {
  return " (Env:" + setting_variable(name) + ")";
}

std::string range_words(int64_t min, int64_t max, const std::string& unit) {
  std::string words = unit.empty() ? "a whole number" : "a whole number of " + unit;
  if (max == SettingTable::kNoLimit) return words + ", " + std::to_string(min) + " or more";
  return words + " from " + std::to_string(min) + " to " + std::to_string(max);
}

}  // namespace

std::string setting_variable(const std::string& name) {
  std::string variable = "WASMFAAS_";
  for (char c : name) {
    variable += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return variable;
}

SettingTable::Setting& SettingTable::add(const std::string& name, Kind kind) {
  Setting& setting = settings_.emplace_back();
  setting.name = name;
  setting.kind = kind;
  return setting;
}

void SettingTable::add_number(const std::string& name, int64_t current, int64_t min, int64_t max,
                              const std::string& unit, const std::string& help,
                              std::function<void(int64_t)> assign) {
  Setting& setting = add(name, Kind::kNumber);
  setting.allowed = range_words(min, max, unit);
  setting.store = [min, max, assign = std::move(assign), &setting](const std::string& text)
      -> Result<void> {
    int64_t value = 0;
    const char* end = text.data() + text.size();
    const auto [stop, error] = std::from_chars(text.data(), end, value);
    if (text.empty() || error != std::errc() || stop != end || value < min || value > max) {
      return make_error(ErrorCode::kInvalidArgument,
                        "'" + text + "' is not " + setting.allowed);
    }
    assign(value);
    return {};
  };
  setting.option = command_.add_option("--" + name, setting.raw,
                                       help + " (" + setting.allowed + ")" + shown_variable(name))
                       ->type_name("N")
                       ->default_str(std::to_string(current));
}

void SettingTable::text(const std::string& name, std::string& target, const std::string& help,
                        std::vector<std::string> allowed) {
  Setting& setting = add(name, Kind::kText);
  std::string described = help;
  if (allowed.empty()) {
    setting.allowed = "text";
  } else {
    setting.allowed = "one of";
    for (size_t i = 0; i < allowed.size(); ++i) {
      setting.allowed += (i == 0 ? " " : i + 1 == allowed.size() ? " or " : ", ") + allowed[i];
    }
    described += " (" + setting.allowed + ")";
  }
  setting.store = [&target, allowed = std::move(allowed),
                   &setting](const std::string& value) -> Result<void> {
    if (!allowed.empty() && std::ranges::find(allowed, value) == allowed.end()) {
      return make_error(ErrorCode::kInvalidArgument, "'" + value + "' is not " + setting.allowed);
    }
    target = value;
    return {};
  };
  setting.option =
      command_.add_option("--" + name, setting.raw, described + shown_variable(name))
          ->type_name("TEXT")
          ->default_str(target);
}

void SettingTable::list(const std::string& name, std::vector<std::string>& target, char delimiter,
                        const std::string& help) {
  Setting& setting = add(name, Kind::kList);
  setting.allowed = "a string or an array of strings";
  setting.delimiter = delimiter;
  setting.store_list = [&target](const std::vector<std::string>& values) {
    target.insert(target.end(), values.begin(), values.end());
  };
  setting.option =
      command_.add_option("--" + name, setting.raw_list, help + shown_variable(name))
          ->delimiter(delimiter)
          ->type_name("TEXT");
}

void SettingTable::toggle(const std::string& name, bool& target, const std::string& help) {
  Setting& setting = add(name, Kind::kToggle);
  setting.allowed = "true or false";
  setting.store = [&target, &setting](const std::string& text) -> Result<void> {
    const auto value = parse_switch(text);
    if (!value) {
      return make_error(ErrorCode::kInvalidArgument, "'" + text + "' is not " + setting.allowed);
    }
    target = *value;
    return {};
  };
  const std::string shown = target ? " (on unless =false)" : "";
  setting.option = command_.add_flag("--" + name, setting.raw, help + shown + shown_variable(name));
}

Result<void> SettingTable::store_text(Setting& setting, const std::string& where,
                                      const std::string& value) {
  if (setting.kind == Kind::kList) {
    setting.store_list(split(value, setting.delimiter));
    return {};
  }
  if (auto stored = setting.store(value); !stored) {
    return std::unexpected(refused(where, stored.error().message));
  }
  return {};
}

SettingTable::Setting* SettingTable::find(const std::string& name) {
  for (Setting& setting : settings_) {
    if (setting.name == name) return &setting;
  }
  return nullptr;
}

Result<void> SettingTable::resolve(const std::string& config_file) {
  resolved_.clear();
  for (Setting& setting : settings_) {
    Result<void> stored;
    if (setting.option->count() > 0) {
      if (setting.kind == Kind::kList) {
        setting.store_list(setting.raw_list);
      } else {
        stored = store_text(setting, "--" + setting.name, setting.raw);
      }
    } else if (const char* value = std::getenv(setting_variable(setting.name).c_str())) {
      stored = store_text(setting, setting_variable(setting.name), value);
    } else {
      continue;
    }
    if (!stored) return stored;
    resolved_.push_back(&setting);
  }
  return apply_file(config_file);
}

Result<void> SettingTable::apply_file(const std::string& config_file) {
  if (config_file.empty()) return {};
  toml::table table;
  try {
    table = toml::parse_file(config_file);
  } catch (const toml::parse_error& error) {
    const auto& where = error.source().begin;
    return make_error(ErrorCode::kInvalidArgument, "config file " + config_file + ":" +
                                                       std::to_string(where.line) + ": " +
                                                       std::string(error.description()));
  }
  std::vector<std::pair<std::string, const toml::node*>> leaves;
  const auto is_list = [this](const std::string& name) {
    const Setting* setting = find(name);
    return setting && setting->kind == Kind::kList;
  };
  flatten(table, "", is_list, leaves);
  for (const auto& [name, node] : leaves) {
    const std::string where = "config file " + config_file + ", key '" + name + "'";
    Setting* setting = find(name);
    if (!setting) {
      return make_error(ErrorCode::kInvalidArgument,
                        "config file " + config_file + ": unknown setting '" + name + "'");
    }
    if (std::ranges::find(resolved_, setting) != resolved_.end()) continue;
    auto values = file_values(setting->kind, where, setting->allowed, *node);
    if (!values) return std::unexpected(values.error());
    if (setting->kind == Kind::kList) {
      setting->store_list(*values);
    } else if (auto stored = store_text(*setting, where, values->front()); !stored) {
      return stored;
    }
  }
  return {};
}

}  // namespace wasmfaas::cli
