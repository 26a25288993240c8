// Sessions that follow steps (traffic.steps): the parser's checks, the script's rendering and
// reading of answers, the users file, and the figures judged from the begins_session step.
#include <gtest/gtest.h>

#include "checks/metrics.hpp"
#include "driver/drive_common.hpp"
#include "driver/step_script.hpp"
#include "scenario/scenario_parser.hpp"
#include "scenario/users_csv.hpp"
#include "test_helpers.hpp"

namespace sc {
namespace {

const char* kLogin = R"yaml(name: login
backends: [{name: www1}, {name: www2}]
traffic:
  sessions: 4
  steps:
    - name: login page
      get: /login
      capture: {csrf: 'regex:name="csrf" value="([^"]+)"'}
    - name: log in
      post: /login
      form: {user: "{{user.name}}", password: "{{user.password}}", csrf: "{{csrf}}"}
      expect_status: [302, 303]
      begins_session: true
    - name: account
      get: /account/{{user.name}}?s={{session}}
      repeat: 3
      lost_when: "redirect:/login"
)yaml";

std::vector<StepSpec> login_steps() {
  auto s = parse_scenario_text(kLogin, "s.yaml");
  EXPECT_TRUE(s.ok()) << s.error().message;
  return s.ok() ? s->traffic.steps : std::vector<StepSpec>{};
}

TEST(StepsParse, StepsMakeTheRequestsPerSession) {
  auto s = parse_scenario_text(kLogin, "s.yaml");
  ASSERT_TRUE(s.ok()) << s.error().message;
  const auto& steps = s->traffic.steps;
  ASSERT_EQ(steps.size(), 3u);
  EXPECT_EQ(s->traffic.requests_per_session, 5);
  EXPECT_EQ(steps[1].method, StepMethod::kPost);
  EXPECT_EQ(steps[1].body_kind, StepBody::kForm);
  EXPECT_EQ(steps[1].expect_status, (std::vector<int>{302, 303}));
  EXPECT_TRUE(steps[1].begins_session);
  EXPECT_EQ(steps[0].captures.at(0).name, "csrf");
  EXPECT_EQ(steps[2].lost_when.at(0).kind, identify::LostWhenKind::redirect_to);
}

TEST(StepsParse, VariableNoEarlierStepCapturedIsLocated) {
  const std::string text = std::string(kLogin) + R"(    - get: /x/{{token}}
)";
  EXPECT_EQ(test::scenario_error_of(text),
            "s.yaml:18:12: traffic.steps[3].get: {{token}} is captured by no earlier step "
            "(captured so far: csrf; also {{user.COLUMN}} and {{session}})");
}

TEST(StepsParse, StepWithTwoMethodsIsRefused) {
  const std::string text =
      "name: t\nbackends: [{name: a}]\ntraffic:\n  steps:\n"
      "    - {get: /a, post: /b}\n";
  EXPECT_EQ(test::scenario_error_of(text),
            "s.yaml:5:7: traffic.steps[0]: expected only one of get, post, put, patch or delete");
}

TEST(StepsParse, RequestsPerSessionBesideStepsIsRefused) {
  const std::string text =
      "name: t\nbackends: [{name: a}]\ntraffic:\n  requests_per_session: 4\n"
      "  steps:\n    - get: /a\n";
  EXPECT_EQ(test::scenario_error_of(text),
            "s.yaml:4:25: traffic.requests_per_session: expected none with steps: a session "
            "makes its steps' requests (their repeats)");
}

TEST(StepsParse, CaptureThatIsNoSourceIsRefused) {
  const std::string text =
      "name: t\nbackends: [{name: a}]\ntraffic:\n  steps:\n"
      "    - get: /a\n      capture: {x: 'auto'}\n";
  EXPECT_EQ(test::scenario_error_of(text),
            "s.yaml:6:20: traffic.steps[0].capture.x: expected regex:PATTERN (one capture "
            "group), json:/POINTER, header:NAME or cookie:NAME");
}

TEST(StepsParse, UserColumnWithoutAUsersFileIsRefused) {
  EXPECT_EQ(test::scenario_error_of(kLogin),
            "s.yaml:6:5: traffic.steps: {{user.name}} needs traffic.users, a CSV file of users");
}

UserRow alice() { return {1, {{"name", "alice"}, {"password", "p&w d"}, {"team", "blue"}}}; }

identify::ResponseView answer(int status, std::string_view body,
                              std::vector<identify::HeaderField> headers = {}) {
  identify::ResponseView v;
  v.status = status;
  v.headers = std::move(headers);
  v.body = body;
  return v;
}

TEST(StepScript, RendersCapturesAndUserIntoFormAndPath) {
  const auto steps = login_steps();
  const UserRow user = alice();
  StepScript script(steps, &user, 7);
  auto first = script.request();
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->method, "GET");
  EXPECT_EQ(first->target, "/login");
  EXPECT_FALSE(script.judged());
  script.take(answer(200, R"(<input type="hidden" name="csrf" value="t0k+n">)"));
  auto post = script.request();
  ASSERT_TRUE(post.ok());
  EXPECT_EQ(post->method, "POST");
  EXPECT_EQ(post->content_type, "application/x-www-form-urlencoded");
  EXPECT_EQ(post->body, "user=alice&password=p%26w+d&csrf=t0k%2Bn");
  EXPECT_TRUE(script.judged());
  script.take(answer(302, "", {{"Location", "/account"}}));
  auto account = script.request();
  ASSERT_TRUE(account.ok());
  EXPECT_EQ(account->target, "/account/alice?s=7");
}

TEST(StepScript, UnexpectedStatusEndsTheSessionNamingTheStep) {
  const auto steps = login_steps();
  const UserRow user = alice();
  StepScript script(steps, &user, 0);
  script.take(answer(200, R"(name="csrf" value="abc")"));
  const auto said = script.take(answer(403, "bad csrf token"));
  EXPECT_EQ(said.error, "step 'log in': expected HTTP 302 or 303, got 403");
  EXPECT_TRUE(script.done());
}

TEST(StepScript, CaptureThatFindsNothingEndsTheSession) {
  const auto steps = login_steps();
  StepScript script(steps, nullptr, 0);
  const auto said = script.take(answer(200, "no form here"));
  EXPECT_EQ(said.error,
            "step 'login page': capture csrf (regex:name=\"csrf\" value=\"([^\"]+)\") found "
            "nothing in the answer (HTTP 200)");
  EXPECT_TRUE(script.done());
}

TEST(StepScript, RedirectToTheLoginAfterTheLoginIsALoss) {
  const auto steps = login_steps();
  const UserRow user = alice();
  StepScript script(steps, &user, 0);
  script.take(answer(200, R"(name="csrf" value="abc")"));
  script.take(answer(302, "", {{"Location", "/account"}}));
  const auto said = script.take(answer(302, "", {{"Location", "https://shop.example/login?x=1"}}));
  EXPECT_TRUE(said.lost);
  EXPECT_EQ(said.error, "");
}

TEST(StepScript, FollowTakesEachHopOnThisSiteOnly) {
  auto s = parse_scenario_text(
      "name: t\nbackends: [{name: a}]\ntraffic:\n  steps:\n"
      "    - {get: /a, follow: true, expect_status: 200}\n",
      "s.yaml");
  ASSERT_TRUE(s.ok()) << s.error().message;
  StepScript script(s->traffic.steps, nullptr, 0);
  EXPECT_EQ(script.take(answer(302, "", {{"Location", "/b"}})).error, "");
  EXPECT_EQ(script.request()->target, "/b");
  EXPECT_FALSE(script.done());
  const auto away = script.take(answer(301, "", {{"Location", "https://elsewhere.example/"}}));
  EXPECT_EQ(
      away.error,
      "step 'GET /a': a redirect to https://elsewhere.example/ leaves the site: not followed");
  EXPECT_TRUE(script.done());
}

TEST(StepScript, CapturedLineBreakNeverReachesAHeader) {
  auto s = parse_scenario_text(
      "name: t\nbackends: [{name: a}]\ntraffic:\n  steps:\n"
      "    - {get: /a, capture: {t: 'header:X-T'}}\n"
      "    - {get: /b, headers: {X-Token: '{{t}}'}}\n",
      "s.yaml");
  ASSERT_TRUE(s.ok()) << s.error().message;
  StepScript script(s->traffic.steps, nullptr, 0);
  script.take(answer(200, "", {{"X-T", "a\r\nInjected: 1"}}));
  auto next = script.request();
  ASSERT_FALSE(next.ok());
  EXPECT_EQ(next.error().message,
            "step 'GET /b': header X-Token: the value holds a control character (a line break "
            "from a captured value?): not sent");
}

TEST(StepScript, JsonBodyStringsAreRenderedWithoutBreakingTheDocument) {
  auto s = parse_scenario_text(
      "name: t\nbackends: [{name: a}]\ntraffic:\n  steps:\n"
      "    - {get: /a, capture: {t: 'header:X-T'}}\n"
      "    - {put: /b, json: {token: '{{t}}', n: 3, ok: true}}\n",
      "s.yaml");
  ASSERT_TRUE(s.ok()) << s.error().message;
  StepScript script(s->traffic.steps, nullptr, 0);
  script.take(answer(200, "", {{"X-T", "a\"b"}}));
  auto put = script.request();
  ASSERT_TRUE(put.ok());
  EXPECT_EQ(put->method, "PUT");
  EXPECT_EQ(put->content_type, "application/json");
  EXPECT_EQ(put->body, R"({"n":3,"ok":true,"token":"a\"b"})");
}

TEST(StepScript, RequestTextCarriesTheBodyAndItsLength) {
  StepRequest r{"POST", "/login", {{"X-A", "1"}}, "application/x-www-form-urlencoded", "a=1", true};
  EXPECT_EQ(request_text(r, "/app", "shop:8080", "ua/1", "PHPSESSID=x"),
            "POST /app/login HTTP/1.1\r\nHost: shop:8080\r\nUser-Agent: ua/1\r\nAccept: */*\r\n"
            "X-A: 1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 3\r\n"
            "Cookie: PHPSESSID=x\r\n\r\na=1");
}

// Review findings, each a test that failed (or aborted) before its fix.
TEST(StepScript, ValueThatIsNotUtf8GoesIntoAJsonBodyReplacedNotThrown) {
  auto s = parse_scenario_text("name: t\nbackends: [{name: a}]\ntraffic:\n  steps:\n"
                               "    - {post: /a, json: {user: '{{user.name}}'}}\n",
                               "s.yaml");
  ASSERT_TRUE(s.ok()) << s.error().message;
  const UserRow latin1{1, {{"name", "Jos\xe9"}}};
  StepScript script(s->traffic.steps, &latin1, 0);
  auto post = script.request();
  ASSERT_TRUE(post.ok());
  EXPECT_EQ(post->body, "{\"user\":\"Jos\xef\xbf\xbd\"}");
}

TEST(StepsParse, UnnamedStepWithALongPathIsNamedByItCut) {
  const std::string path = "/oauth/authorize?" + std::string(150, 'q');
  auto s = parse_scenario_text("name: t\nbackends: [{name: a}]\ntraffic:\n  steps:\n    - get: " +
                                   path + "\n",
                               "s.yaml");
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->traffic.steps[0].name, ("GET " + path).substr(0, 100));
}

TEST(StepScript, CaptureLongerThanABackendNameIsKept) {
  auto s = parse_scenario_text("name: t\nbackends: [{name: a}]\ntraffic:\n  steps:\n"
                               "    - {get: /a, capture: {t: 'json:/token'}}\n",
                               "s.yaml");
  ASSERT_TRUE(s.ok()) << s.error().message;
  StepScript script(s->traffic.steps, nullptr, 0);
  const std::string jwt(900, 'j');
  const std::string body = "{\"token\":\"" + jwt + "\"}";
  EXPECT_EQ(script.take(answer(200, body)).error, "");
  EXPECT_TRUE(script.done());
}

TEST(StepScript, UrlInTheQueryOfALocationIsNoOtherSite) {
  auto s = parse_scenario_text("name: t\nbackends: [{name: a}]\ntraffic:\n  steps:\n"
                               "    - {get: /a, follow: true}\n",
                               "s.yaml");
  ASSERT_TRUE(s.ok()) << s.error().message;
  StepScript script(s->traffic.steps, nullptr, 0);
  EXPECT_EQ(script.take(answer(302, "", {{"Location", "/login?next=http://shop/a"}})).error, "");
  EXPECT_EQ(script.request()->target, "/login?next=http://shop/a");
  EXPECT_TRUE(script.request()->from_root);
}

TEST(StepsParse, HeaderThatFramesTheRequestIsRefused) {
  const std::string text = "name: t\nbackends: [{name: a}]\ntraffic:\n  steps:\n"
                           "    - {post: /a, headers: {Content-Length: '0'}, body: x}\n";
  EXPECT_EQ(test::scenario_error_of(text),
            "s.yaml:5:28: traffic.steps[0].headers.Content-Length: expected no Host, "
            "Content-Length, Transfer-Encoding, Connection, Content-Type or Cookie: the client "
            "writes them (content_type sets the body's type, the session's jar its cookies)");
}

TEST(StepScript, BodyWithoutAContentTypeStillHasItsLength) {
  auto s = parse_scenario_text("name: t\nbackends: [{name: a}]\ntraffic:\n  steps:\n"
                               "    - {post: /a, body: 'x=1', content_type: ''}\n",
                               "s.yaml");
  ASSERT_TRUE(s.ok()) << s.error().message;
  StepScript script(s->traffic.steps, nullptr, 0);
  const auto text = request_text(*script.request(), "", "h", "ua", "");
  EXPECT_EQ(text, "POST /a HTTP/1.1\r\nHost: h\r\nUser-Agent: ua\r\nAccept: */*\r\n"
                  "Content-Length: 3\r\n\r\nx=1");
}

TEST(StepsParse, SocketIoProbeWithStepsIsRefused) {
  const std::string text =
      "name: t\ntarget:\n  url: http://shop.example/\n  identify: [ack:whoami]\n"
      "  steps:\n    - get: /a\ntraffic:\n  protocol: socket.io\n";
  auto s = parse_scenario_text(text, "s.yaml");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("target.steps: expected none with protocol socket.io: steps "
                                   "are HTTP requests"),
            std::string::npos)
      << s.error().message;
}

// users_unique: session 3 of three rows would take row 0 (3 mod 3) while session 0 holds it;
// it takes the lowest row no session in flight holds instead.
TEST(UsersInFlight, UniqueUsersAreNeverHeldTwiceAtOnce) {
  DriverConfig cfg;
  cfg.users = {{1, {}}, {2, {}}, {3, {}}};
  cfg.users_unique = true;
  detail::DriveShared shared;
  const auto first = detail::take_user(cfg, shared, 0);
  EXPECT_EQ(first, 0u);
  EXPECT_EQ(detail::take_user(cfg, shared, 3), 1u);
  detail::release_user(cfg, shared, first);
  EXPECT_EQ(detail::take_user(cfg, shared, 7), 0u);
  cfg.users_unique = false;
  EXPECT_EQ(detail::take_user(cfg, shared, 4), 1u);  // row i modulo the rows
}

TEST(UsersCsv, RowsKeepTheirColumnsQuotesAndLines) {
  auto t = parse_users_csv(
      "name,password,team\r\nalice,\"p,w\",blue\n\nbob,\"say \"\"hi\"\"\",red\n", "u.csv");
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(t->columns, (std::vector<std::string>{"name", "password", "team"}));
  ASSERT_EQ(t->rows.size(), 2u);
  EXPECT_EQ(t->rows[0].columns[1].second, "p,w");
  EXPECT_EQ(t->rows[1].columns[1].second, "say \"hi\"");
  EXPECT_EQ(t->rows[1].row, 2u);
}

TEST(UsersCsv, ShortRowIsLocated) {
  auto t = parse_users_csv("name,password\nalice,a\nbob\n", "u.csv");
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().message, "u.csv:3: expected 2 fields (name, password), got 1");
}

TEST(UsersCsv, LabelNeverShowsASecretColumn) {
  UserRow row{3, {{"name", "alice"}, {"Password", "x"}, {"api_token", "y"}, {"team", "blue"}}};
  EXPECT_EQ(user_label(row), "row 3 (name=alice, team=blue)");
}

RequestRecord rec(std::uint32_t session, std::uint32_t seq, std::uint16_t step,
                  std::uint32_t backend) {
  RequestRecord r;
  r.session = session;
  r.seq = seq;
  r.step = step;
  r.status = 200;
  r.backend = backend;
  return r;
}

// Before the login anything may land anywhere: a session judged from step 1 stuck.
TEST(StepsFigures, SessionIsJudgedFromItsBeginningStep) {
  RecordSet set;
  const auto a = set.strings.intern("www1"), b = set.strings.intern("www2");
  set.records = {rec(0, 0, 0, a), rec(0, 1, 1, b), rec(0, 2, 2, b), rec(0, 3, 2, b)};
  const StepsView steps{{"login page", "log in", "account"}, 1, true};
  const auto m = compute_metrics(set, {"www1", "www2"}, '.', {}, steps);
  EXPECT_EQ(m.sessions, 1);
  EXPECT_EQ(m.sticky_sessions, 1);
  EXPECT_EQ(m.unjudged_requests, 1);
  EXPECT_EQ(m.backend_switches, 0);
  EXPECT_DOUBLE_EQ(m.first_backend_share(), 1.0);
  ASSERT_EQ(m.steps.size(), 3u);
  EXPECT_EQ(m.steps[2].requests, 2);
  EXPECT_EQ(m.steps[1].moves, 1);  // the move was there, before the session began
}

TEST(StepsFigures, SessionThatNeverBeganIsNotJudgedButItsFailureCounts) {
  RecordSet set;
  const auto a = set.strings.intern("www1");
  auto refused = rec(0, 0, 0, a);
  refused.status = 403;
  refused.error = set.strings.intern("step 'login page': expected HTTP 200, got 403");
  set.records = {refused};
  const auto m =
      compute_metrics(set, {"www1"}, '.', {}, StepsView{{"login page", "log in"}, 1, true});
  EXPECT_EQ(m.sessions, 0);
  EXPECT_EQ(m.sessions_not_begun, 1);
  EXPECT_EQ(m.step_failures, 1);
  EXPECT_EQ(m.errors, 1);
  EXPECT_EQ(m.steps[0].top_error, "step 'login page': expected HTTP 200, got 403");
}

// A login the application refused (403 on the begins_session step) began no session: it is
// an error, not a session that "kept its one request on one backend".
TEST(StepsFigures, RefusedLoginBeginsNoSession) {
  RecordSet set;
  const auto a = set.strings.intern("www1"), b = set.strings.intern("www2");
  auto refused = rec(0, 1, 1, b);
  refused.status = 403;
  refused.session_lost = true;
  refused.error = set.strings.intern("step 'log in': expected HTTP 302 or 303, got 403");
  set.records = {rec(0, 0, 0, a), refused};
  const auto m =
      compute_metrics(set, {"www1", "www2"}, '.', {}, StepsView{{"login page", "log in"}, 1, true});
  EXPECT_EQ(m.sessions, 0);
  EXPECT_EQ(m.sticky_sessions, 0);
  EXPECT_EQ(m.sessions_not_begun, 1);
  EXPECT_EQ(m.steps[1].session_losses, 1);
}

}  // namespace
}  // namespace sc
