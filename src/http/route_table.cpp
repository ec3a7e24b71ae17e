#include "http/route_table.h"

#include <algorithm>

namespace wasmfaas::http {
namespace {

std::vector<std::string_view> template_segments(std::string_view path) {
  std::vector<std::string_view> segments;
  path.remove_prefix(1);  // the leading '/'
  while (true) {
    const size_t slash = path.find('/');
    segments.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return segments;
}

bool is_parameter(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

// The parameters of `path` when it matches `segments`, and how many of its
// segments were literal (the more, the more specific); nothing otherwise.
struct PathMatch {
  std::vector<std::pair<std::string_view, std::string>> params;
  size_t literals = 0;
};

std::optional<PathMatch> match_path(std::string_view path,
                                    const std::vector<std::string>& segments) {
  const auto parts = template_segments(path);
  PathMatch match;
  for (size_t i = 0; i < parts.size(); ++i) {
    const std::string_view part = parts[i];
    if (!is_parameter(part)) {
      if (i >= segments.size() || segments[i] != part) return std::nullopt;
      ++match.literals;
      continue;
    }
    const bool rest = part[part.size() - 2] == '+';
    const std::string_view name = part.substr(1, part.size() - (rest ? 3 : 2));
    if (i >= segments.size()) return std::nullopt;
    const size_t end = rest ? segments.size() : i + 1;
    std::string value;
    for (size_t j = i; j < end; ++j) {
      if (segments[j].empty()) return std::nullopt;  // "/exec/b/" names no function
      if (j > i) value += '/';
      value += segments[j];
    }
    match.params.emplace_back(name, std::move(value));
    if (rest) return match;
  }
  if (parts.size() != segments.size()) return std::nullopt;
  return match;
}

}  // namespace

const std::string& Call::param(std::string_view name) const {
  static const std::string kNone;
  for (const auto& [key, value] : params) {
    if (key == name) return value;
  }
  return kNone;
}

void RouteTable::add(Route route) { routes_.push_back(std::move(route)); }

void RouteTable::add(std::initializer_list<Route> routes) {
  for (const Route& route : routes) routes_.push_back(route);
}

RouteTable::Match RouteTable::match(beast_http::verb method,
                                    const std::vector<std::string>& segments) const {
  // The most specific template wins; among the templates that match the
  // path, only those as specific as the best one name the allowed methods.
  std::optional<size_t> best_literals;
  std::vector<std::pair<const Route*, PathMatch>> candidates;
  for (const Route& route : routes_) {
    auto matched = match_path(route.path, segments);
    if (!matched) continue;
    if (!best_literals || matched->literals > *best_literals) {
      best_literals = matched->literals;
      candidates.clear();
    }
    if (matched->literals == *best_literals) candidates.emplace_back(&route, std::move(*matched));
  }
  Match result;
  for (auto& [route, matched] : candidates) {
    if (route->method == method) {
      result.route = route;
      result.params = std::move(matched.params);
      return result;
    }
  }
  // A literal template without this method does not hide a parameterised
  // one that has it: GET /pipeline/exec lists bucket "exec"'s pipelines.
  std::optional<size_t> fallback_literals;
  for (const Route& route : routes_) {
    if (route.method != method) continue;
    auto matched = match_path(route.path, segments);
    if (!matched) continue;
    if (!fallback_literals || matched->literals > *fallback_literals) {
      fallback_literals = matched->literals;
      result.route = &route;
      result.params = std::move(matched->params);
    }
  }
  if (result.route) return result;
  for (const auto& [route, matched] : candidates) {
    const std::string_view name = beast_http::to_string(route->method);
    if (result.allowed.find(name) != std::string::npos) continue;
    if (!result.allowed.empty()) result.allowed += ", ";
    result.allowed += name;
  }
  return result;
}

std::string openapi_path(std::string_view path) {
  std::string rendered(path);
  if (const size_t plus = rendered.find("+}"); plus != std::string::npos) rendered.erase(plus, 1);
  return rendered;
}

}  // namespace wasmfaas::http
