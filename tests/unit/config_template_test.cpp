// Proxy configuration templates: placeholders, the per-backend line, located errors.
#include "runner/config_template.hpp"

#include <gtest/gtest.h>

namespace sc {
namespace {

TemplateValues values() {
  TemplateValues v;
  v.listen_port = 8080;
  v.runtime_dir = "/tmp/run";
  v.backends = {{"www1", "r1", 9001, "1"}, {"www2", "r2", 9002, "2.5"}};
  return v;
}

TEST(ConfigTemplate, GlobalsAndOneLinePerBackend) {
  auto r = render_config_template(
      "bind {{ listen }}\npid {{runtime_dir}}/p\n  server {{name}} {{address}} cookie {{route}} "
      "weight {{weight}} # {{index}} {{each_backend}}\nend\n",
      "t.cfg", values());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(*r,
            "bind 127.0.0.1:8080\npid /tmp/run/p\n"
            "  server www1 127.0.0.1:9001 cookie r1 weight 1 # 1 \n"
            "  server www2 127.0.0.1:9002 cookie r2 weight 2.5 # 2 \nend\n");
}

TEST(ConfigTemplate, ErrorsAreLocated) {
  EXPECT_EQ(render_config_template("a\nserver {{name}}\n", "t.cfg", values()).error().message,
            "t.cfg:2: unknown placeholder {{name}}; expected one of listen_port, listen, "
            "runtime_dir, each_backend");
  EXPECT_EQ(
      render_config_template("x {{each_backend}} {{adress}}", "t.cfg", values()).error().message,
      "t.cfg:1: unknown placeholder {{adress}}; expected one of listen_port, listen, "
      "runtime_dir, each_backend, name, route, address, port, weight, index");
  EXPECT_EQ(render_config_template("x {{listen", "t.cfg", values()).error().message,
            "t.cfg:1: '{{' without a closing '}}'");
}

}  // namespace
}  // namespace sc

namespace sc {
namespace {

TEST(ConfigTemplate, ACommandLineArgumentIsRenderedLikeALine) {
  auto v = values();
  v.extra = {{"stickycheck", "/bin/sc"}, {"config", "/tmp/run/proxy.conf"}};
  EXPECT_EQ(*render_template_line("{{stickycheck}}", v), std::vector<std::string>{"/bin/sc"});
  EXPECT_EQ(*render_template_line("--member=http://{{address}}{{each_backend}}", v),
            (std::vector<std::string>{"--member=http://127.0.0.1:9001",
                                      "--member=http://127.0.0.1:9002"}));
  EXPECT_EQ(render_template_line("{{conf}}", v).error().message,
            "unknown placeholder {{conf}}; expected one of listen_port, listen, runtime_dir, "
            "stickycheck, config, each_backend");
}

}  // namespace
}  // namespace sc

namespace sc {
namespace {

TEST(ConfigTemplate, RuntimeDirWithABlankQuotesTheWholeWordItStandsIn) {
  TemplateValues v = values();
  v.runtime_dir = "/tmp/my dir/run";
  auto r = render_config_template(
      "PidFile {{runtime_dir}}/httpd.pid\nMutex file:{{runtime_dir}} default\n"
      "pid {{runtime_dir}}/nginx.pid;\nDefaultRuntimeDir \"{{runtime_dir}}\"\n",
      "t.conf", v);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(*r,
            "PidFile \"/tmp/my dir/run/httpd.pid\"\nMutex \"file:/tmp/my dir/run\" default\n"
            "pid \"/tmp/my dir/run/nginx.pid\";\nDefaultRuntimeDir \"/tmp/my dir/run\"\n");
}

}  // namespace
}  // namespace sc
