// Who may use the balancer-manager: where the configuration enables it, its Require lines,
// its nonce and its cross-origin checks.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "balancer/access_rules.hpp"
#include "balancer/apache_conf.hpp"
#include "balancer/manager.hpp"

namespace sc {
namespace {

namespace http = net::http;
namespace ip = boost::asio::ip;

const char* kBalancer =
    "<Proxy balancer://app>\n"
    "  BalancerMember http://127.0.0.1:1 route=www1\n"
    "</Proxy>\n"
    "ProxyPass / balancer://app/\n";

Result<SiteConfig> site_with(const std::string& extra) {
  return parse_apache_conf(std::string(kBalancer) + extra, "m.conf");
}

std::vector<AccessRule> rules(std::initializer_list<std::vector<std::string>> lines) {
  std::vector<AccessRule> out;
  for (const auto& words : lines) out.push_back(*parse_require(words));
  return out;
}

bool granted(const std::vector<AccessRule>& r, const char* remote, const char* local = "10.0.0.1") {
  return access_granted(r, ip::make_address(remote), ip::make_address(local));
}

TEST(ManagerConfig, OnlyALocationWithTheHandlerEnablesTheManager) {
  auto without = site_with("<Location /status>\n  SetHandler server-status\n</Location>\n");
  ASSERT_TRUE(without.ok()) << without.error().message;
  EXPECT_FALSE(without->manager.has_value());
  auto with = site_with(
      "<Location /bm>\n  SetHandler balancer-manager\n  Require ip 10.1\n"
      "  Require local\n</Location>\n");
  ASSERT_TRUE(with.ok()) << with.error().message;
  ASSERT_TRUE(with->manager.has_value());
  EXPECT_EQ(with->manager->path, "/bm");
  EXPECT_EQ(with->manager->require.size(), 2u);
}

TEST(ManagerConfig, RequireTheBalancerCannotEvaluateIsAnErrorNotAnOpenDoor) {
  auto site = site_with(
      "<Location /bm>\n  SetHandler balancer-manager\n  Require valid-user\n"
      "</Location>\n");
  ASSERT_FALSE(site.ok());
  EXPECT_EQ(site.error().message.rfind("m.conf:7: Require: Require valid-user is not modelled", 0),
            0u)
      << site.error().message;
  auto nested = site_with(
      "<Location /bm>\n  SetHandler balancer-manager\n  <RequireAll>\n"
      "  Require ip 10.0.0.0/8\n  </RequireAll>\n</Location>\n");
  ASSERT_FALSE(nested.ok());
  EXPECT_NE(nested.error().message.find("<RequireAll> inside the balancer-manager"),
            std::string::npos);
}

TEST(ManagerConfig, ProxySetNonceSetsOrDisablesTheNonce) {
  auto site = site_with("ProxySet balancer://app nonce=abc\n");
  ASSERT_TRUE(site.ok()) << site.error().message;
  EXPECT_EQ(site->balancers[0].nonce, "abc");
  auto none = site_with("ProxySet balancer://app nonce=None\n");
  EXPECT_EQ(none->balancers[0].nonce, "");
}

TEST(RequireRules, LocalIsLoopbackOrTheServersOwnAddress) {
  auto local = rules({{"local"}});
  EXPECT_TRUE(granted(local, "127.0.0.1"));
  EXPECT_TRUE(granted(local, "127.8.9.10"));
  EXPECT_TRUE(granted(local, "::1"));
  EXPECT_TRUE(granted(local, "10.0.0.1"));
  EXPECT_FALSE(granted(local, "10.0.0.2"));
}

TEST(RequireRules, IpTakesAddressesPartialAddressesAndNetworks) {
  auto r = rules(
      {{"ip", "192.168.1.7", "10.1", "172.16.0.0/12", "192.0.2.0/255.255.255.0", "2001:db8::/32"}});
  EXPECT_TRUE(granted(r, "192.168.1.7"));
  EXPECT_FALSE(granted(r, "192.168.1.8"));
  EXPECT_TRUE(granted(r, "10.1.200.3"));
  EXPECT_FALSE(granted(r, "10.2.0.1"));
  EXPECT_TRUE(granted(r, "172.31.255.255"));
  EXPECT_TRUE(granted(r, "192.0.2.99"));
  EXPECT_TRUE(granted(r, "::ffff:10.1.0.1"));
  EXPECT_TRUE(granted(r, "2001:db8:1::5"));
  EXPECT_FALSE(granted(r, "127.0.0.1"));
  EXPECT_FALSE(parse_require({"ip", "10.300"}).ok());
  EXPECT_FALSE(parse_require({"ip", "10.0.0.0/255.0.255.0"}).ok());
}

TEST(RequireRules, AnyGrantingLineGrantsAndDeniedGrantsNothing) {
  EXPECT_TRUE(granted(rules({{"all", "denied"}, {"ip", "10.9"}}), "10.9.0.1"));
  EXPECT_FALSE(granted(rules({{"all", "denied"}}), "127.0.0.1"));
  EXPECT_TRUE(granted(rules({{"all", "granted"}}), "203.0.113.5"));
  EXPECT_FALSE(granted({}, "127.0.0.1"));
}

std::vector<BalancerCore> cluster(const char* nonce) {
  BalancerConfig c;
  c.name = "balancer://app";
  c.nonce = nonce;
  c.members.push_back(*parse_member("http://127.0.0.1:1 route=www1"));
  return {BalancerCore(c)};
}

net::Request post(const std::string& query, const char* host = "127.0.0.1:8080") {
  net::Request req{http::verb::post, std::string(kManagerPath) + query, 11};
  req.set(http::field::host, host);
  req.set(http::field::referer, fmt::format("http://{}{}", host, kManagerPath));
  return req;
}

std::string refusal(const net::Response& res) {
  return std::to_string(res.result_int()) + " " +
         nlohmann::json::parse(res.body())["error"].get<std::string>();
}

TEST(ManagerRequests, ChangesNeedTheBalancersNonce) {
  auto b = cluster("n0nce");
  EXPECT_EQ(refusal(handle_manager(b, post("?w=www1&set=D"))),
            "403 the nonce is missing for balancer://app: GET the manager for it");
  EXPECT_EQ(refusal(handle_manager(b, post("?w=www1&set=D&nonce=guess"))),
            "403 the nonce is wrong for balancer://app: GET the manager for it");
  EXPECT_EQ(b[0].members()[0].status, 0u);
  EXPECT_EQ(handle_manager(b, post("?w=www1&set=D&nonce=n0nce")).result(), http::status::ok);
  EXPECT_EQ(b[0].members()[0].status, unsigned{kFlagDisabled});
}

TEST(ManagerRequests, CrossOriginChangesAreRefused) {
  auto b = cluster("");
  auto from_page = post("?w=www1&set=D");
  from_page.set(http::field::origin, "http://evil.example");
  EXPECT_EQ(refusal(handle_manager(b, from_page)),
            "403 Origin 'http://evil.example' is not this manager's (Host '127.0.0.1:8080')");
  auto no_referer = post("?w=www1&set=D");
  no_referer.erase(http::field::referer);
  EXPECT_EQ(refusal(handle_manager(b, no_referer)),
            "403 a change needs an Origin or Referer naming this manager");
  auto cross_site = post("?w=www1&set=D");
  cross_site.set("Sec-Fetch-Site", "cross-site");
  EXPECT_EQ(handle_manager(b, cross_site).result(), http::status::forbidden);
  EXPECT_EQ(b[0].members()[0].status, 0u);
}

TEST(ManagerRequests, AHostNameIsRefusedAgainstDnsRebinding) {
  auto b = cluster("");
  net::Request get{http::verb::get, std::string(kManagerPath), 11};
  get.set(http::field::host, "rebind.example:8080");
  EXPECT_EQ(handle_manager(b, get).result(), http::status::forbidden);
  get.set(http::field::host, "localhost:8080");
  EXPECT_EQ(handle_manager(b, get).result(), http::status::ok);
  get.set(http::field::host, "[::1]:8080");
  EXPECT_EQ(handle_manager(b, get).result(), http::status::ok);
}

TEST(ManagerRequests, ClientsTheRequireLinesDoNotGrantGetForbidden) {
  auto b = cluster("");
  net::Request get{http::verb::get, std::string(kManagerPath), 11};
  get.set(http::field::host, "10.0.0.1:8080");
  const auto manager = local_manager(std::string(kManagerPath));
  net::Connection remote{{ip::make_address("10.0.0.9"), 40000},
                         {ip::make_address("10.0.0.1"), 8080}};
  EXPECT_EQ(refusal(serve_manager(manager, b, get, remote)),
            "403 10.0.0.9 may not use the balancer-manager (Require)");
  net::Connection local{{ip::make_address("127.0.0.1"), 40000},
                        {ip::make_address("127.0.0.1"), 8080}};
  EXPECT_EQ(serve_manager(manager, b, get, local).result(), http::status::ok);
}

}  // namespace
}  // namespace sc
