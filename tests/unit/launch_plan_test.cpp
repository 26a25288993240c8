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
                                      "--session-max", "100000", "--session-lifetime",
                                      "1440000ms", "--socketio-path", "/socket.io/",
                                      "--ping-interval", "25000ms", "--ping-timeout", "20000ms",
                                      "--websocket-path=/ws", "--route-cookie",
                                      "BALANCEID=balancer.{name}; path=/", "--route-cookie-when",
                                      "always"}));
  EXPECT_EQ(plan.backends[1].spec.args.back(), "--strict");
  EXPECT_EQ(plan.backends[1].spec.log_path, "/tmp/rt/backend-www2.log");
  EXPECT_EQ(plan.proxy.spec.args,
            (std::vector<std::string>{"balancer", "--listen", "127.0.0.1:9000", "--manager",
                                      "/.stickycheck/balancer-manager", "--member",
                                      "http://127.0.0.1:9001 route=www1 loadfactor=1", "--member",
                                      "http://127.0.0.1:9002 route=www2 loadfactor=2.5", "--set",
                                      "stickysession=BALANCEID", "--set", "stickysessionsep=.",
                                      "--set", "nofailover=On", "--set", "lbmethod=byrequests"}));
  EXPECT_EQ(plan.proxy_url, "http://127.0.0.1:9000");
}

}  // namespace
}  // namespace sc

namespace sc {
namespace {

Scenario with_proxy(const std::string& type) {
  Scenario s;
  BackendSpec b;
  b.options.name = b.options.route = "www1";
  s.backends.push_back(b);
  s.proxy.type = type;
  s.proxy.config = "fixtures/x.in";
  return s;
}

TEST(LaunchPlan, RealProxiesRunInTheForegroundOnTheRenderedConfiguration) {
  auto apache = make_launch_plan(with_proxy("apache"), "/bin/sc", "/tmp/rt", {9001, 9000});
  EXPECT_EQ(apache.proxy.spec.exe, "apache2");
  EXPECT_EQ(apache.proxy.spec.args,
            (std::vector<std::string>{"-d", "/tmp/rt", "-f", "/tmp/rt/httpd.conf", "-X"}));
  EXPECT_EQ(apache.proxy_config, "/tmp/rt/httpd.conf");
  EXPECT_EQ(apache.install_hint, "apt-get install apache2");

  auto nginx = make_launch_plan(with_proxy("nginx"), "/bin/sc", "/tmp/rt", {9001, 9000});
  EXPECT_EQ(nginx.proxy.spec.args,
            (std::vector<std::string>{"-p", "/tmp/rt/", "-c", "/tmp/rt/nginx.conf", "-e", "stderr",
                                      "-g", "daemon off;"}));

  auto caddy = make_launch_plan(with_proxy("caddy"), "/bin/sc", "/tmp/rt", {9001, 9000});
  EXPECT_EQ(caddy.proxy.spec.args, (std::vector<std::string>{"run", "--config", "/tmp/rt/Caddyfile",
                                                             "--adapter", "caddyfile"}));
  EXPECT_EQ(caddy.proxy.spec.env,
            (std::vector<std::string>{"XDG_CONFIG_HOME=/tmp/rt", "XDG_DATA_HOME=/tmp/rt",
                                      "HOME=/tmp/rt"}));
  EXPECT_EQ(caddy.proxy_url, "http://127.0.0.1:9000");
}

TEST(LaunchPlan, CommandExternalAndReferenceWithATemplate) {
  auto s = with_proxy("command");
  s.proxy.command = {"{{stickycheck}}", "balancer", "--listen", "{{listen}}"};
  auto cmd = make_launch_plan(s, "/bin/sc", "/tmp/rt", {9001, 9000});
  EXPECT_TRUE(cmd.render_command);
  EXPECT_EQ(cmd.proxy.spec.exe, "{{stickycheck}}");
  EXPECT_EQ(cmd.proxy_config, "/tmp/rt/proxy.conf");
  EXPECT_TRUE(cmd.install_hint.empty());

  auto ext = with_proxy("external");
  ext.proxy.config.clear();
  ext.proxy.url = "http://10.0.0.5:8080";
  auto e = make_launch_plan(ext, "/bin/sc", "/tmp/rt", {9001, 9000});
  EXPECT_FALSE(e.proxy.start);
  EXPECT_EQ(e.proxy_url, "http://10.0.0.5:8080");

  auto ref = make_launch_plan(with_proxy("reference"), "/bin/sc", "/tmp/rt", {9001, 9000});
  EXPECT_EQ(ref.proxy.spec.args,
            (std::vector<std::string>{"balancer", "--listen", "127.0.0.1:9000", "--manager",
                                      "/.stickycheck/balancer-manager", "--apache-conf",
                                      "/tmp/rt/httpd.conf"}));
}

}  // namespace
}  // namespace sc
