// The mock PHP backend as a pure function: sessions, cookies, identity stamps.
#include "backend/backend_app.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "contract/backend_contract.hpp"

namespace sc {
namespace {

namespace http = net::http;

std::function<unsigned()> counter() {
  auto n = std::make_shared<unsigned>(0);
  return [n] { return (*n)++; };
}

net::Request get(const std::string& target, const std::string& cookie = "") {
  net::Request r{http::verb::get, target, 11};
  if (!cookie.empty()) r.set(http::field::cookie, cookie);
  return r;
}

std::vector<std::string> set_cookies(const net::Response& res) {
  std::vector<std::string> out;
  for (auto [it, end] = res.equal_range(http::field::set_cookie); it != end; ++it)
    out.emplace_back(it->value());
  return out;
}

nlohmann::json body(const net::Response& res) { return nlohmann::json::parse(res.body()); }

BackendOptions options(const std::string& name) {
  BackendOptions o;
  o.name = name;
  return o;
}

TEST(PhpSessionId, Is26CharactersOfBase32Alphabet) {
  auto id = generate_php_session_id(counter());
  EXPECT_EQ(id, "0123456789abcdefghijklmnop");
}

TEST(BackendApp, NewSessionSetsCookieAndStampsIdentity) {
  BackendApp app(options("www1"), counter());
  auto res = app.handle(get("/index.php"));
  EXPECT_EQ(res.result(), http::status::ok);
  EXPECT_EQ(res[contract::kBackendHeader], "www1");
  EXPECT_EQ(set_cookies(res), std::vector<std::string>{"PHPSESSID=0123456789abcdefghijklmnop; path=/"});
  auto b = body(res);
  EXPECT_EQ(b["backend"], "www1");
  EXPECT_EQ(b["session_new"], true);
  EXPECT_EQ(b["session_lost"], false);
  EXPECT_EQ(b["hits"], 1);
  EXPECT_EQ(b["path"], "/index.php");
}

TEST(BackendApp, KnownSessionCountsHitsAndSetsNoCookie) {
  BackendApp app(options("www1"), counter());
  std::string id = body(app.handle(get("/")))["session_id"];
  auto res = app.handle(get("/", "PHPSESSID=" + id));
  EXPECT_TRUE(set_cookies(res).empty());
  EXPECT_EQ(body(res)["hits"], 2);
  EXPECT_EQ(body(res)["session_new"], false);
}

TEST(BackendApp, UnknownIdIsALostSessionAdoptedWithoutStrictMode) {
  BackendApp app(options("www2"), counter());
  auto res = app.handle(get("/", "PHPSESSID=fromelsewhere"));
  auto b = body(res);
  EXPECT_EQ(b["session_lost"], true);
  EXPECT_EQ(b["session_new"], true);
  EXPECT_EQ(b["session_id"], "fromelsewhere");
  EXPECT_TRUE(set_cookies(res).empty());
  // Adopted: the next request with that id is a known session.
  EXPECT_EQ(body(app.handle(get("/", "PHPSESSID=fromelsewhere")))["session_lost"], false);
}

TEST(BackendApp, StrictModeReplacesUnknownIds) {
  auto o = options("www2");
  o.strict = true;
  BackendApp app(o, counter());
  auto res = app.handle(get("/", "PHPSESSID=fromelsewhere"));
  EXPECT_EQ(body(res)["session_lost"], true);
  EXPECT_EQ(body(res)["session_id"], "0123456789abcdefghijklmnop");
  EXPECT_EQ(set_cookies(res).size(), 1u);
}

TEST(BackendApp, FirstOfDuplicateSessionCookiesCountsLikePhp) {
  BackendApp app(options("www1"), counter());
  std::string id = body(app.handle(get("/")))["session_id"];
  auto res = app.handle(get("/", "PHPSESSID=" + id + "; PHPSESSID=other"));
  EXPECT_EQ(body(res)["session_lost"], false);
  EXPECT_EQ(body(res)["cookies"].size(), 2u);
}

TEST(BackendApp, RouteCookieAlwaysOrOnlyWhenASessionStarts) {
  auto o = options("www1");
  o.route = "r1";
  o.route_cookie = "BALANCEID=balancer.{route}; path=/; name={name}";
  BackendApp always(o, counter());
  std::string id = body(always.handle(get("/")))["session_id"];
  auto again = always.handle(get("/", "PHPSESSID=" + id));
  EXPECT_EQ(set_cookies(again),
            std::vector<std::string>{"BALANCEID=balancer.r1; path=/; name=www1"});

  o.route_cookie_when = RouteCookieWhen::kSessionStart;
  BackendApp at_start(o, counter());
  auto first = at_start.handle(get("/"));
  EXPECT_EQ(set_cookies(first).size(), 2u);
  std::string id2 = body(first)["session_id"];
  EXPECT_TRUE(set_cookies(at_start.handle(get("/", "PHPSESSID=" + id2))).empty());
}

TEST(BackendApp, SuffixIdStyleCarriesTheRoute) {
  auto o = options("node2");
  o.session_cookie = "JSESSIONID";
  o.id_style = IdStyle::kSuffix;
  BackendApp app(o, counter());
  auto res = app.handle(get("/"));
  EXPECT_EQ(body(res)["session_id"], "0123456789abcdefghijklmnop.node2");
}

// Found by fuzz_http_request: one invalid UTF-8 byte in a cookie made dump() throw, which
// ended the whole backend process.
TEST(BackendApp, InvalidUtf8InCookiesAndPathIsEchoedNotFatal) {
  BackendApp app(options("www1"), counter());
  auto res = app.handle(get("/caf\xbf", "PHPSESSID=\xbf\xff; x=\xc3"));
  EXPECT_EQ(res.result(), http::status::ok);
  auto b = body(res);
  EXPECT_EQ(b["session_lost"], true);
  EXPECT_EQ(b["cookies"][0]["value"], "\xef\xbf\xbd\xef\xbf\xbd");  // U+FFFD twice
  EXPECT_EQ(b["path"], "/caf\xef\xbf\xbd");
}

TEST(BackendApp, HealthEndpointTouchesNoSession) {
  BackendApp app(options("www1"), counter());
  auto res = app.handle(get(std::string(contract::kHealthPath)));
  EXPECT_EQ(body(res)["status"], "ok");
  EXPECT_EQ(app.session_count(), 0u);
}

TEST(BackendApp, HeadAnswersHeadersWithTheBodyLengthButNoBody) {
  BackendApp app(options("www1"), counter());
  net::Request r{http::verb::head, "/", 11};
  auto res = app.handle(r);
  EXPECT_TRUE(res.body().empty());
  EXPECT_GT(std::stoi(std::string(res[http::field::content_length])), 0);
  EXPECT_EQ(res[contract::kBackendHeader], "www1");
}

}  // namespace
}  // namespace sc

namespace sc {
namespace {

using Clock = BackendApp::Clock;
using std::chrono::seconds;

BackendOptions bounded(std::size_t max, seconds lifetime) {
  BackendOptions o;
  o.name = "www1";
  o.session_max = max;
  o.session_lifetime = lifetime;
  return o;
}

TEST(BackendAppStore, SessionBackAfterItsIdleLifetimeIsExpiredNotLost) {
  BackendApp app(bounded(10, seconds(1440)), counter());
  const Clock::time_point t0{};
  std::string id = body(app.handle(get("/"), t0))["session_id"];
  auto b = body(app.handle(get("/", "PHPSESSID=" + id), t0 + seconds(1441)));
  EXPECT_EQ(b["session_expired"], true);
  EXPECT_EQ(b["session_lost"], false);
  EXPECT_EQ(b["session_new"], true);
  EXPECT_EQ(b["session_id"], id);  // adopted again, as PHP without strict mode does
  EXPECT_EQ(b["hits"], 1);
}

TEST(BackendAppStore, FullStoreAnswers503AndLogsOnceUntilItHasRoomAgain) {
  std::vector<std::string> log;
  BackendApp app(bounded(1, seconds(10)), counter(),
                 [&log](std::string_view line) { log.emplace_back(line); });
  const Clock::time_point t0{};
  ASSERT_EQ(app.handle(get("/"), t0).result(), http::status::ok);
  auto refused = app.handle(get("/"), t0);
  EXPECT_EQ(refused.result(), http::status::service_unavailable);
  EXPECT_EQ(body(refused)["status"], "session store full");
  EXPECT_TRUE(set_cookies(refused).empty());
  EXPECT_EQ(app.handle(get("/", "PHPSESSID=unknown"), t0).result(),
            http::status::service_unavailable);
  EXPECT_EQ(app.session_count(), 1u);
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0],
            "session store full: 1 sessions, none idle for longer than 10 s; new sessions are "
            "refused with 503 (raise --session-max or lower --session-lifetime)");
  // Once the held session has expired, its slot serves a new one.
  EXPECT_EQ(app.handle(get("/"), t0 + seconds(11)).result(), http::status::ok);
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[1], "session store has room again, after refusing 2 new sessions");
}

TEST(BackendAppStore, OverlongSessionIdIsReplacedNeverStored) {
  BackendApp app(bounded(10, seconds(1440)), counter());
  auto res = app.handle(get("/", "PHPSESSID=" + std::string(8192, 'a')));
  auto b = body(res);
  EXPECT_EQ(b["session_lost"], true);
  EXPECT_EQ(b["session_id"], "0123456789abcdefghijklmnop");
  EXPECT_EQ(set_cookies(res),
            std::vector<std::string>{"PHPSESSID=0123456789abcdefghijklmnop; path=/"});
  EXPECT_EQ(app.session_count(), 1u);
}

net::Request post_form(const std::string& target, const std::string& body,
                       const std::string& cookie) {
  net::Request r{http::verb::post, target, 11};
  r.set(http::field::cookie, cookie);
  r.set(http::field::content_type, "application/x-www-form-urlencoded");
  r.body() = body;
  r.prepare_payload();
  return r;
}

// GET /login: the session's id and the form's token.
std::pair<std::string, std::string> login_page(BackendApp& app) {
  auto res = app.handle(get("/login"));
  EXPECT_EQ(res[http::field::content_type], "text/html; charset=utf-8");
  const std::string html = res.body();
  const auto at = html.find("name=\"csrf\" value=\"");
  EXPECT_NE(at, std::string::npos) << html;
  const std::string token = html.substr(at + 19, 32);
  const std::string cookie = set_cookies(res).at(0);
  return {cookie.substr(0, cookie.find(';')), token};
}

TEST(BackendLogin, FormWithItsTokenLogsInUnderANewIdThenTheAccountNamesTheUser) {
  BackendApp app(options("www1"), counter());
  auto [cookie, token] = login_page(app);
  auto res = app.handle(post_form("/login", "user=alice&password=pw&csrf=" + token, cookie));
  EXPECT_EQ(res.result(), http::status::found);
  EXPECT_EQ(res[http::field::location], "/account");
  const auto renewed = set_cookies(res);
  ASSERT_EQ(renewed.size(), 1u);
  EXPECT_NE(renewed[0].substr(0, renewed[0].find(';')), cookie);  // a new id at login
  auto account = app.handle(get("/account", renewed[0].substr(0, renewed[0].find(';'))));
  EXPECT_EQ(account.result(), http::status::ok);
  EXPECT_EQ(body(account)["user"], "alice");
  // The id from before the login is gone.
  EXPECT_EQ(app.handle(get("/account", cookie)).result(), http::status::found);
}

TEST(BackendLogin, TokenFromAnotherBackendIsRefusedAsALostSession) {
  BackendApp www1(options("www1"), counter()), www2(options("www2"), counter());
  auto [cookie, token] = login_page(www1);
  auto res = www2.handle(post_form("/login", "user=alice&password=pw&csrf=" + token, cookie));
  EXPECT_EQ(res.result(), http::status::forbidden);
  EXPECT_EQ(body(res)["status"], "bad csrf token");
  EXPECT_EQ(body(res)["session_lost"], true);
}

TEST(BackendLogin, AccountWithoutALoggedInSessionRedirectsToTheLogin) {
  BackendApp app(options("www1"), counter());
  auto res = app.handle(get("/account/orders", "PHPSESSID=fromelsewhere"));
  EXPECT_EQ(res.result(), http::status::found);
  EXPECT_EQ(res[http::field::location], "/login");
  EXPECT_EQ(body(res)["session_lost"], true);
}

TEST(BackendLogin, EmptyPasswordIsBadCredentials) {
  BackendApp app(options("www1"), counter());
  auto [cookie, token] = login_page(app);
  auto res = app.handle(post_form("/login", "user=alice&password=&csrf=" + token, cookie));
  EXPECT_EQ(res.result(), http::status::unauthorized);
  EXPECT_EQ(body(res)["status"], "bad credentials");
}

TEST(BackendLogin, HeadOfTheLoginPageHasItsLengthAndNoBody) {
  BackendApp app(options("www1"), counter());
  net::Request head{http::verb::head, "/login", 11};
  auto res = app.handle(head);
  EXPECT_TRUE(res.body().empty());
  EXPECT_GT(std::stoul(std::string(res[http::field::content_length])), 100u);
}

}  // namespace
}  // namespace sc
