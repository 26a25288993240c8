// The probe tests' set-ups checked with plain HTTP before any probe looks at them: real PHP
// session backends behind real Apache, HAProxy, nginx and Caddy are sticky (or not) the way
// each test of the probe says they are.
#include <curl/curl.h>
#include <gtest/gtest.h>

#include <set>

#include "php_site.hpp"

namespace sc::test {
namespace {

// Caddy picks a first backend at random: 24 visitors all miss one of two with p = 2^-23 (12
// did, once in a few thousand runs, at 2^-11).
constexpr int kVisitors = 24;
constexpr int kRequests = 4;

std::set<std::string> backends_of(const std::vector<nlohmann::json>& bodies) {
  std::set<std::string> out;
  for (const auto& b : bodies) out.insert(b.value("backend", "(none)"));
  return out;
}

int new_sessions(const std::vector<nlohmann::json>& bodies) {
  int n = 0;
  for (const auto& b : bodies) n += b["new"].get<bool>() ? 1 : 0;
  return n;
}

// Every visitor stays on one backend and keeps its session (new only on its first request);
// the visitors' first requests reach both backends.
void expect_sticky(const PhpSiteOptions& options) {
  auto site = PhpSite::start(options);
  ASSERT_TRUE(site.ok()) << site.error().message;
  std::set<std::string> first_backends;
  for (int v = 0; v < kVisitors; ++v) {
    auto bodies = visit((*site)->port(), kRequests);
    ASSERT_TRUE(bodies.ok()) << bodies.error().message << "\n" << (*site)->logs();
    EXPECT_EQ(backends_of(*bodies).size(), 1u) << "visitor " << v;
    EXPECT_EQ(new_sessions(*bodies), 1) << "visitor " << v;
    EXPECT_EQ(bodies->back()["hits"], kRequests) << "visitor " << v;
    first_backends.insert(bodies->front()["backend"].get<std::string>());
  }
  EXPECT_EQ(first_backends, (std::set<std::string>{"www1", "www2"}));
}

TEST(ProbeSites, ApacheBalanceidSetByTheBackendsIsSticky) {
  expect_sticky(sites::apache_balanceid());
}

TEST(ProbeSites, ApacheRouteidRecipeIsSticky) { expect_sticky(sites::apache_routeid()); }

TEST(ProbeSites, ApachePhpsessidWithRouteSuffixIsSticky) {
  auto options = sites::apache_phpsessid_route_suffix();
  expect_sticky(options);
  auto site = PhpSite::start(options);
  ASSERT_TRUE(site.ok()) << site.error().message;
  auto bodies = visit((*site)->port(), 1);
  ASSERT_TRUE(bodies.ok()) << bodies.error().message;
  const auto& first = bodies->front();
  EXPECT_TRUE(
      first["session"].get<std::string>().ends_with("." + first["backend"].get<std::string>()))
      << first.dump();
}

TEST(ProbeSites, HaproxyCookieInsertIsSticky) { expect_sticky(sites::haproxy_cookie_insert()); }

TEST(ProbeSites, CaddyLbCookieIsSticky) { expect_sticky(sites::caddy_lb_cookie()); }

// No route in PHP's ids: byrequests alternates the members, so each request reaches the
// backend that does not know the session, which issues a new one.
TEST(ProbeSites, ApachePhpsessidWithoutRouteLosesEverySession) {
  auto site = PhpSite::start(sites::apache_phpsessid_no_route());
  ASSERT_TRUE(site.ok()) << site.error().message;
  for (int v = 0; v < kVisitors; ++v) {
    auto bodies = visit((*site)->port(), kRequests);
    ASSERT_TRUE(bodies.ok()) << bodies.error().message << "\n" << (*site)->logs();
    EXPECT_EQ(backends_of(*bodies).size(), 2u) << "visitor " << v;
    EXPECT_EQ(new_sessions(*bodies), kRequests) << "visitor " << v;
  }
}

// The cookie hash binds a session from its second request on: requests 2..n reach one
// backend, and the session is new at most on the first two.
TEST(ProbeSites, NginxCookieHashHoldsFromTheSecondRequest) {
  auto site = PhpSite::start(sites::nginx_hash());
  ASSERT_TRUE(site.ok()) << site.error().message;
  for (int v = 0; v < kVisitors; ++v) {
    auto bodies = visit((*site)->port(), kRequests);
    ASSERT_TRUE(bodies.ok()) << bodies.error().message << "\n" << (*site)->logs();
    const std::vector<nlohmann::json> later(bodies->begin() + 1, bodies->end());
    EXPECT_EQ(backends_of(later).size(), 1u) << "visitor " << v;
    EXPECT_EQ(new_sessions(later) - (later.front()["new"].get<bool>() ? 1 : 0), 0)
        << "visitor " << v;
  }
}

TEST(ProbeSites, HiddenBackendAnswersWithoutItsName) {
  auto site = PhpSite::start(sites::nginx_hash(true));
  ASSERT_TRUE(site.ok()) << site.error().message;
  auto bodies = visit((*site)->port(), 2);
  ASSERT_TRUE(bodies.ok()) << bodies.error().message;
  for (const auto& b : *bodies) {
    EXPECT_FALSE(b.contains("backend")) << b.dump();
    EXPECT_TRUE(b.contains("session")) << b.dump();
  }
}

// One libcurl GET that trusts only `cacert`: the https site answers the app's JSON.
TEST(ProbeSites, NginxOverHttpsAnswersWithTheTestsCertificate) {
  auto tls = make_self_signed_certificate(temp_path(""));
  ASSERT_TRUE(tls.ok()) << tls.error().message;
  auto site = PhpSite::start(sites::nginx_hash_tls(*tls));
  ASSERT_TRUE(site.ok()) << site.error().message;
  std::string body;
  CURL* curl = curl_easy_init();
  curl_easy_setopt(curl, CURLOPT_URL, (*site)->url("https").c_str());
  curl_easy_setopt(curl, CURLOPT_CAINFO, tls->cert.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(
      curl, CURLOPT_WRITEFUNCTION, +[](char* p, size_t, size_t n, void* out) {
        static_cast<std::string*>(out)->append(p, n);
        return n;
      });
  const CURLcode rc = curl_easy_perform(curl);
  curl_easy_cleanup(curl);
  ASSERT_EQ(rc, CURLE_OK) << curl_easy_strerror(rc) << "\n" << (*site)->logs();
  const auto json = nlohmann::json::parse(body, nullptr, false);
  ASSERT_FALSE(json.is_discarded()) << body;
  EXPECT_TRUE(json.contains("backend")) << body;
}

}  // namespace
}  // namespace sc::test
