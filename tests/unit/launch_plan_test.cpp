#include "runner/launch_plan.hpp"

#include <gtest/gtest.h>

namespace sc {
namespace {

TEST(LaunchPlan, BackendsAndReferenceBalancerCommandLines) {
  Scenario s;
  for (auto [name, weight] : {std::pair{"www1", 1.0}, std::pair{"www2", 2.5}}) {
    BackendSpec b;
    b.options.name = name;
    b.options.route = name;
    b.weight = weight;
    s.backends.push_back(b);
  }
  s.backends[0].options.route_cookie = "BALANCEID=balancer.{name}; path=/";
  s.backends[1].options.strict = true;
  s.proxy.stickysession = "BALANCEID";
  s.proxy.nofailover = true;
  auto plan = make_launch_plan(s, "/bin/sc", "/tmp/rt", {9001, 9002, 9000});
  ASSERT_EQ(plan.backends.size(), 2u);
  EXPECT_EQ(plan.backends[0].spec.args,
            (std::vector<std::string>{"backend", "--name", "www1", "--listen", "127.0.0.1:9001",
                                      "--route", "www1", "--session-cookie", "PHPSESSID",
                                      "--id-style", "php", "--id-separator", ".",
                                      "--route-cookie", "BALANCEID=balancer.{name}; path=/",
                                      "--route-cookie-when", "always"}));
  EXPECT_EQ(plan.backends[1].spec.args.back(), "--strict");
  EXPECT_EQ(plan.backends[1].spec.log_path, "/tmp/rt/backend-www2.log");
  EXPECT_EQ(plan.proxy.spec.args,
            (std::vector<std::string>{"balancer", "--listen", "127.0.0.1:9000",
                                      "--member", "http://127.0.0.1:9001 route=www1 loadfactor=1",
                                      "--member", "http://127.0.0.1:9002 route=www2 loadfactor=2.5",
                                      "--set", "stickysession=BALANCEID",
                                      "--set", "stickysessionsep=.",
                                      "--set", "nofailover=On",
                                      "--set", "lbmethod=byrequests"}));
  EXPECT_EQ(plan.proxy_url, "http://127.0.0.1:9000");
}

}  // namespace
}  // namespace sc
