// The console's embedded files (src/console/assets, built in by
// cmake/EmbedAssets.cmake): each one found by its path, sorted for lookup,
// with a strong ETag; every file a page or module refers to is embedded;
// and nothing in them would need the Content-Security-Policy to allow
// inline scripts or styles, or turns text into markup.
#include <gtest/gtest.h>

#include <filesystem>
#include <regex>
#include <set>
#include <string>

#include "console/console_assets.h"

namespace wasmfaas::console {
namespace {

bool is_html(const ConsoleAsset& asset) { return asset.content_type.starts_with("text/html"); }
bool is_script(const ConsoleAsset& asset) { return asset.path.ends_with(".js"); }

// "js/pages/x.js" + "../api.js" -> "js/api.js"
std::string resolve(std::string_view from, const std::string& reference) {
  const std::filesystem::path base = std::filesystem::path(std::string(from)).parent_path();
  return (base / reference).lexically_normal().generic_string();
}

TEST(ConsoleAssetsTest, EveryFileIsFoundByItsPathWithAStrongEtag) {
  const auto assets = console_assets();
  ASSERT_GE(assets.size(), 10u);
  for (size_t i = 1; i < assets.size(); ++i) EXPECT_LT(assets[i - 1].path, assets[i].path);
  for (const ConsoleAsset& asset : assets) {
    EXPECT_EQ(find_console_asset(asset.path), &asset) << asset.path;
    EXPECT_FALSE(asset.body.empty()) << asset.path;
    EXPECT_TRUE(std::regex_match(std::string(asset.etag), std::regex("\"[0-9a-f]{32}\"")))
        << asset.path << ": " << asset.etag;
  }
  EXPECT_EQ(find_console_asset(""), find_console_asset("index.html"));
  EXPECT_EQ(find_console_asset("nothing.js"), nullptr);
  EXPECT_EQ(find_console_asset("/index.html"), nullptr);
}

TEST(ConsoleAssetsTest, NoInlineScriptStyleOrEventHandlerInAnyPage) {
  const std::regex inline_script(R"(<script(?![^>]*\ssrc=)[^>]*>)", std::regex::icase);
  const std::regex style(R"(<style|\sstyle\s*=)", std::regex::icase);
  const std::regex handler(R"(\son[a-z]+\s*=)", std::regex::icase);
  const std::regex javascript_url(R"(javascript:)", std::regex::icase);
  size_t pages = 0;
  for (const ConsoleAsset& asset : console_assets()) {
    if (!is_html(asset) && !asset.path.ends_with(".svg")) continue;
    ++pages;
    const std::string text(asset.body);
    EXPECT_FALSE(std::regex_search(text, inline_script)) << asset.path << " has an inline script";
    EXPECT_FALSE(std::regex_search(text, style)) << asset.path << " has an inline style";
    EXPECT_FALSE(std::regex_search(text, handler)) << asset.path << " has an inline handler";
    EXPECT_FALSE(std::regex_search(text, javascript_url)) << asset.path << " has a javascript: URL";
  }
  EXPECT_GE(pages, 1u);
}

TEST(ConsoleAssetsTest, ScriptsNeverTurnTextIntoMarkupOrCode) {
  const std::regex dangerous(
      R"(innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function|setAttribute\(\s*'style')");
  size_t scripts = 0;
  for (const ConsoleAsset& asset : console_assets()) {
    if (!is_script(asset)) continue;
    ++scripts;
    std::smatch found;
    const std::string text(asset.body);
    EXPECT_FALSE(std::regex_search(text, found, dangerous)) << asset.path << ": " << found.str();
  }
  EXPECT_GE(scripts, 10u);
}

TEST(ConsoleAssetsTest, EveryReferencedFileIsEmbedded) {
  const std::regex page_reference(R"re((?:src|href)="([^"#:]+)")re");
  const std::regex module_import(R"re((?:from\s+|import\()'(\.{1,2}/[^']+)')re");
  std::set<std::string> referenced;
  for (const ConsoleAsset& asset : console_assets()) {
    const std::string text(asset.body);
    const std::regex& pattern = is_html(asset) ? page_reference : module_import;
    if (!is_html(asset) && !is_script(asset)) continue;
    for (auto it = std::sregex_iterator(text.begin(), text.end(), pattern);
         it != std::sregex_iterator(); ++it) {
      const std::string target = resolve(asset.path, (*it)[1].str());
      referenced.insert(target);
      EXPECT_NE(find_console_asset(target), nullptr)
          << asset.path << " refers to " << (*it)[1].str() << ", which is not embedded";
    }
  }
  EXPECT_TRUE(referenced.contains("js/app.js"));
  EXPECT_TRUE(referenced.contains("js/pages/metrics.js"));
  EXPECT_TRUE(referenced.contains("console.css"));
}

TEST(ConsoleAssetsTest, SecurityHeadersForbidInlineCodeAndFraming) {
  std::set<std::string> names;
  for (const auto& header : console_security_headers()) {
    names.emplace(header.name);
    if (header.name == "Content-Security-Policy") {
      EXPECT_NE(header.value.find("script-src 'self';"), std::string_view::npos);
      EXPECT_EQ(header.value.find("unsafe-inline"), std::string_view::npos);
      EXPECT_EQ(header.value.find("unsafe-eval"), std::string_view::npos);
      EXPECT_NE(header.value.find("frame-ancestors 'none'"), std::string_view::npos);
    }
  }
  for (const char* name : {"Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy",
                           "X-Frame-Options"}) {
    EXPECT_TRUE(names.contains(name)) << name;
  }
}

}  // namespace
}  // namespace wasmfaas::console
