// The balancer-manager endpoint as a pure function over the balancers.
#include "balancer/manager.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace sc {
namespace {

namespace http = net::http;

std::vector<BalancerCore> cluster() {
  BalancerConfig c;
  c.name = "balancer://app";
  c.members.push_back(*parse_member("http://127.0.0.1:1 route=www1"));
  c.members.push_back(*parse_member("http://127.0.0.1:2 route=www2 status=+H"));
  EXPECT_TRUE(apply_balancer_param(c, "stickysession=BALANCEID").ok());
  return {BalancerCore(c)};
}

// A request from the manager's own page: Host by address, Referer of the same origin.
net::Response call(std::vector<BalancerCore>& b, http::verb verb, const std::string& target) {
  net::Request req{verb, target, 11};
  req.set(http::field::host, "127.0.0.1:8080");
  req.set(http::field::referer, "http://127.0.0.1:8080" + std::string(kManagerPath));
  return handle_manager(b, req);
}

TEST(Manager, GetShowsEveryMember) {
  auto b = cluster();
  b[0].choose("/", "", {});
  auto res = call(b, http::verb::get, std::string(kManagerPath));
  ASSERT_EQ(res.result(), http::status::ok);
  auto j = nlohmann::json::parse(res.body());
  const auto& bal = j["balancers"][0];
  EXPECT_EQ(bal["name"], "balancer://app");
  EXPECT_EQ(bal["stickysession"], "BALANCEID");
  EXPECT_EQ(bal["members"][0]["status"], "Ok");
  EXPECT_EQ(bal["members"][0]["elected"], 1);
  EXPECT_EQ(bal["members"][0]["busy"], 1);
  EXPECT_EQ(bal["members"][1]["status"], "H");
}

TEST(Manager, PostDrainsAMemberByRouteAndItTakesNoNewSessions) {
  auto b = cluster();
  auto res = call(b, http::verb::post, std::string(kManagerPath) + "?w=www1&set=N");
  ASSERT_EQ(res.result(), http::status::ok) << res.body();
  EXPECT_EQ(nlohmann::json::parse(res.body())["balancers"][0]["members"][0]["status"], "N");
  EXPECT_EQ(b[0].choose("/", "", {}).member, 1);                  // new: the standby
  EXPECT_EQ(b[0].choose("/", "BALANCEID=x.www1", {}).member, 0);  // sticky: stays
  call(b, http::verb::post, std::string(kManagerPath) + "?b=app&w=http://127.0.0.1:1&clear=n");
  EXPECT_EQ(b[0].choose("/", "", {}).member, 0);
}

TEST(Manager, ErrorsSayWhatIsWrong) {
  auto b = cluster();
  auto msg = [&](http::verb v, const std::string& q) {
    auto res = call(b, v, std::string(kManagerPath) + q);
    return std::to_string(res.result_int()) + " " +
           nlohmann::json::parse(res.body())["error"].get<std::string>();
  };
  EXPECT_EQ(msg(http::verb::post, "?w=www9&set=D"), "400 no member 'www9'");
  EXPECT_EQ(msg(http::verb::post, "?w=www1&set=X"), "400 flags are letters of D S E N H R I");
  EXPECT_EQ(msg(http::verb::post, "?b=other&w=www1"), "400 no balancer 'other'");
  EXPECT_EQ(msg(http::verb::post, "?colour=red"), "400 unknown parameter 'colour'");
  EXPECT_EQ(msg(http::verb::delete_, ""), "405 use GET to read or POST to change");
}

// Regression (issue 15): numeric inputs take only what the configuration would: a load
// factor of 1..100 and an lbset of 0..99; nan, inf, negative and out-of-range values are
// refused and change nothing.
TEST(Manager, NumericInputsRefuseNanInfNegativeAndOutOfRange) {
  auto b = cluster();
  const std::string base = std::string(kManagerPath) + "?w=www1&";
  for (const std::string lf : {"nan", "inf", "-inf", "-2", "0", "0.5", "101", "1e300", "2x", ""}) {
    auto res = call(b, http::verb::post, base + "lf=" + lf);
    EXPECT_EQ(res.result(), http::status::bad_request) << lf;
    EXPECT_NE(res.body().find("LoadFactor must be a number between 1..100"), std::string::npos)
        << lf << ": " << res.body();
  }
  for (const std::string ls : {"-1", "100", "nan", "1.5", ""}) {
    auto res = call(b, http::verb::post, base + "ls=" + ls);
    EXPECT_EQ(res.result(), http::status::bad_request) << ls;
    EXPECT_NE(res.body().find("lbset must be between 0 and 99"), std::string::npos) << ls;
  }
  EXPECT_EQ(b[0].members()[0].config.loadfactor, 1);
  EXPECT_EQ(b[0].members()[0].config.lbset, 0);
}

TEST(Manager, PostSetsLoadFactorAndLbset) {
  auto b = cluster();
  auto res = call(b, http::verb::post, std::string(kManagerPath) + "?w=www2&lf=2.5&ls=1");
  ASSERT_EQ(res.result(), http::status::ok) << res.body();
  const auto member = nlohmann::json::parse(res.body())["balancers"][0]["members"][1];
  EXPECT_EQ(member["loadfactor"], 2.5);
  EXPECT_EQ(member["lbset"], 1);
  EXPECT_EQ(b[0].members()[1].config.lbfactor(), 250);
}

}  // namespace
}  // namespace sc
