// Every proxy configuration the project ships (fixtures/<kind>/, the init templates among
// them, and the configurations written as sites write them under shipped/) reads with its
// kind's grammar, so a template can never drift into something the parsers refuse.
#include <gtest/gtest.h>

#include <filesystem>
#include <regex>

#include "proxies/apache/apache_syntax.hpp"
#include "proxies/caddy/caddy_syntax.hpp"
#include "proxies/config_includes.hpp"
#include "proxies/haproxy/haproxy_syntax.hpp"
#include "proxies/nginx/nginx_site.hpp"
#include "proxies/nginx/nginx_syntax.hpp"
#include "util/text.hpp"

namespace sc {
namespace {

namespace fs = std::filesystem;

// A template's placeholders ({{address}}, {{listen}}...) stand for one word each.
std::string without_placeholders(const std::string& text) {
  return std::regex_replace(text, std::regex(R"(\{\{[a-z_]+\}\})"), "127.0.0.1:9");
}

std::vector<fs::path> configs_of(const std::string& kind) {
  std::vector<fs::path> out;
  for (const auto& e :
       fs::recursive_directory_iterator(std::string(STICKYCHECK_SOURCE_DIR) + "/fixtures/" + kind))
    if (e.is_regular_file()) out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

std::string text_of(const fs::path& p) { return without_placeholders(*read_text_file(p.string())); }

TEST(FixtureConfigs, EveryNginxConfigurationReadsAndServesASite) {
  const auto files = configs_of("nginx");
  ASSERT_GE(files.size(), 6u);
  for (const auto& f : files) {
    auto c = nginx::parse(text_of(f), f.string());
    ASSERT_TRUE(c.ok()) << c.error().message;
    // A folder of files (include-snippets/) serves its site once its includes are read.
    if (f.parent_path().filename() != "nginx" && f.parent_path().filename() != "shipped") continue;
    const auto site = nginx::read_site(*c);
    EXPECT_FALSE(site.servers.empty()) << f;
    EXPECT_FALSE(site.members.empty()) << f;
  }
}

TEST(FixtureConfigs, EveryApacheConfigurationReads) {
  const auto files = configs_of("apache");
  ASSERT_GE(files.size(), 12u);
  for (const auto& f : files) {
    auto c = apache::parse(text_of(f), f.string());
    EXPECT_TRUE(c.ok()) << (c.ok() ? "" : c.error().message);
  }
}

TEST(FixtureConfigs, EveryHaproxyConfigurationHasAFrontendAndAPool) {
  const auto files = configs_of("haproxy");
  ASSERT_GE(files.size(), 5u);
  for (const auto& f : files) {
    const auto c = haproxy::parse(text_of(f));
    const auto pool = haproxy::choose_pool(c, "/");
    EXPECT_NE(pool.frontend, nullptr) << f;
    // typo-placeholder.cfg.in misspells its pool's name on purpose (a run must refuse it).
    if (f.filename() != "typo-placeholder.cfg.in") EXPECT_NE(pool.pool, nullptr) << f;
  }
}

TEST(FixtureConfigs, EveryCaddyfileReadsAndProxies) {
  const auto files = configs_of("caddy");
  ASSERT_GE(files.size(), 3u);
  for (const auto& f : files) {
    // As a run reads it: its imports of files spliced in.
    auto spliced = splice_includes("caddy", f.string(), text_of(f));
    ASSERT_TRUE(spliced.ok()) << spliced.error().message;
    auto c = caddy::parse(spliced->text, f.string());
    ASSERT_TRUE(c.ok()) << c.error().message;
    EXPECT_NE(caddy::choose_proxy(*c, "/").proxy, nullptr) << f;
  }
}

}  // namespace
}  // namespace sc
