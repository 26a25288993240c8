// A proxy configuration as it ships, adapted for a standalone run: listen address, members
// mapped onto the backends, files in the runtime directory, Apache's missing modules.
#include "proxies/config_adapt.hpp"

#include <algorithm>

#include <gtest/gtest.h>

#include "../common/fixture_text.hpp"

namespace sc {
namespace {

using test::pasted_apache_block;

AdaptInput input() {
  AdaptInput in;
  in.file = "site.conf";
  in.listen = "127.0.0.1:40000";
  in.runtime_dir = "/tmp/run";
  in.backend_names = {"www1", "www2"};
  in.backend_addresses = {"127.0.0.1:40001", "127.0.0.1:40002"};
  in.compiled_modules = {"core.c", "mod_so.c", "http_core.c", "mod_unixd.c"};
  return in;
}

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(ConfigAdapt, ApacheBlockGetsItsModulesAndRuntimePaths) {
  auto r = adapt_config("apache", pasted_apache_block(), input());
  ASSERT_TRUE(r.ok()) << r.error().message;
  for (const char* line :
       {"LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so\n",
        "LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so\n",
        "LoadModule proxy_balancer_module /usr/lib/apache2/modules/mod_proxy_balancer.so\n",
        "LoadModule slotmem_shm_module /usr/lib/apache2/modules/mod_slotmem_shm.so\n",
        "LoadModule lbmethod_byrequests_module "
        "/usr/lib/apache2/modules/mod_lbmethod_byrequests.so\n",
        "LoadModule headers_module /usr/lib/apache2/modules/mod_headers.so\n",
        "ServerName 127.0.0.1\n", "PidFile /tmp/run/httpd.pid\n", "DefaultRuntimeDir /tmp/run\n",
        "ErrorLog /dev/stderr\n"})
    EXPECT_TRUE(has(r->text, line)) << line << " missing from\n" << r->text;
  EXPECT_FALSE(has(r->text, "unixd_module")) << "compiled in: not loaded again";
}

TEST(ConfigAdapt, ApacheMembersAreMappedInOrderAndListenIsReplaced) {
  auto r = adapt_config("apache", pasted_apache_block(), input());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(has(r->text, "BalancerMember \"http://127.0.0.1:40001\" route=www1\n"));
  EXPECT_TRUE(has(r->text, "BalancerMember \"http://127.0.0.1:40002\" route=www2\n"));
  EXPECT_TRUE(has(r->text, "\nListen 127.0.0.1:40000\n"));
  const std::vector<std::string> notes(r->notes.begin() + 1, r->notes.end());
  EXPECT_EQ(notes, (std::vector<std::string>{
                       "site.conf:4: member 127.0.0.1:8001 -> backend www1 (127.0.0.1:40001)",
                       "site.conf:5: member 127.0.0.1:8002 -> backend www2 (127.0.0.1:40002)",
                       "site.conf:1: Listen 80 -> Listen 127.0.0.1:40000"}));
}

TEST(ConfigAdapt, ProxyMembersSayWhichIsWhich) {
  auto in = input();
  in.members = {{"127.0.0.1:8001", "www2"}, {"127.0.0.1:8002", "www1"}};
  auto r = adapt_config("apache", pasted_apache_block(), in);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(has(r->text, "BalancerMember \"http://127.0.0.1:40002\" route=www1\n"));
  EXPECT_TRUE(has(r->text, "BalancerMember \"http://127.0.0.1:40001\" route=www2\n"));
}

TEST(ConfigAdapt, MembersThatCannotBeMappedAreALocatedError) {
  auto in = input();
  in.backend_names = {"www1", "www2", "www3"};
  in.backend_addresses = {"127.0.0.1:40001", "127.0.0.1:40002", "127.0.0.1:40003"};
  EXPECT_EQ(adapt_config("apache", pasted_apache_block(), in).error().message,
            "site.conf:4: 2 BalancerMembers (127.0.0.1:8001, 127.0.0.1:8002) for 3 backends "
            "(www1, www2, www3): they are paired in order only when the counts match; say which "
            "is which with proxy.members, e.g. {\"127.0.0.1:8001\": www1}");
  in = input();
  in.members = {{"127.0.0.1:8001", "www1"}};
  EXPECT_EQ(adapt_config("apache", pasted_apache_block(), in).error().message,
            "site.conf:5: member 127.0.0.1:8002 is not in proxy.members (which names "
            "127.0.0.1:8001)");
}

TEST(ConfigAdapt, ApacheSystemPathsMoveIntoTheRuntimeDirectory) {
  const std::string conf =
      std::string("PidFile /run/apache2.pid\nErrorLog ${APACHE_LOG_DIR}/e.log\n") +
      pasted_apache_block();
  auto r = adapt_config("apache", conf, input());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_FALSE(has(r->text, "/run/apache2.pid"));
  EXPECT_TRUE(has(r->text, "\nPidFile /tmp/run/httpd.pid\nErrorLog /dev/stderr\n"));
}

TEST(ConfigAdapt, AWritePathStickycheckCannotMoveIsALocatedError) {
  const std::string conf = pasted_apache_block() + "ScoreBoardFile /var/run/sb\n";
  EXPECT_EQ(adapt_config("apache", conf, input()).error().message,
            "site.conf:9: ScoreBoardFile /var/run/sb would write outside the runtime directory; "
            "remove it, or write under {{runtime_dir}}");
}

TEST(ConfigAdapt, ARenderedTemplateIsLeftAsItIs) {
  const std::string conf =
      "LoadModule mpm_event_module m\nLoadModule authz_core_module m\n"
      "LoadModule headers_module m\nLoadModule proxy_module m\nLoadModule proxy_http_module m\n"
      "LoadModule proxy_balancer_module m\nLoadModule slotmem_shm_module m\n"
      "LoadModule lbmethod_byrequests_module m\nServerName x\nDefaultRuntimeDir /tmp/run\n"
      "PidFile /tmp/run/httpd.pid\nMutex file:/tmp/run default\nErrorLog /dev/stderr\n"
      "User nobody\nGroup nogroup\nThreadsPerChild 200\nListen 127.0.0.1:40000\n"
      "<Proxy balancer://a>\nBalancerMember http://127.0.0.1:40001\n"
      "BalancerMember http://127.0.0.1:40002\n</Proxy>\n";
  auto r = adapt_config("apache", conf, input());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->text, conf);
  EXPECT_TRUE(r->notes.empty());
}

const char* kHaproxy =
    "global\n  pidfile /run/haproxy.pid\n  stats socket /run/haproxy/admin.sock mode 660\n"
    "defaults\n  mode http\nfrontend fe\n  bind :80\n  default_backend app\n"
    "backend app\n  cookie SERVERID insert indirect nocache\n"
    "  server s1 10.0.0.1:8080 check cookie s1\n  server s2 10.0.0.2:8080 check cookie s2\n";

TEST(ConfigAdapt, HaproxyFixedBindIsReplacedWithANote) {
  auto r = adapt_config("haproxy", kHaproxy, input());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(has(r->text, "\n  bind 127.0.0.1:40000\n"));
  EXPECT_TRUE(has(r->text, "server s1 127.0.0.1:40001 check cookie s1\n"));
  EXPECT_TRUE(has(r->text, "server s2 127.0.0.1:40002 check cookie s2\n"));
  EXPECT_TRUE(has(r->text, "pidfile /tmp/run/haproxy.pid\n"));
  EXPECT_TRUE(has(r->text, "stats socket /tmp/run/haproxy.sock mode 660\n"));
  EXPECT_EQ(r->notes.back(), "site.conf:7: bind :80 -> bind 127.0.0.1:40000");
}

TEST(ConfigAdapt, HaproxyWithoutAFrontendIsALocatedError) {
  EXPECT_EQ(adapt_config("haproxy",
                         "backend app\n  server s1 10.0.0.1:80\n  server s2 10.0.0.2:80\n", input())
                .error()
                .message,
            "site.conf: no frontend or listen section, so nothing binds the address stickycheck "
            "gives the proxy; add one with `bind {{listen}}`");
}

TEST(ConfigAdapt, NginxSitesFileIsWrappedAndItsListenReplaced) {
  const char* site =
      "upstream app {\n  hash $cookie_PHPSESSID consistent;\n  server 10.0.0.1:8080;\n"
      "  server 10.0.0.2:8080 weight=2;\n}\nserver {\n  listen 80;\n  listen [::]:80;\n"
      "  access_log /var/log/nginx/app.log;\n  location / { proxy_pass http://app; }\n}\n";
  auto r = adapt_config("nginx", site, input());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(has(r->text,
                  "pid /tmp/run/nginx.pid;\nevents { worker_connections 1024; }\nhttp {\n"
                  "  client_body_temp_path /tmp/run/client_body;\n"));
  EXPECT_TRUE(has(r->text, "  server 127.0.0.1:40001;\n  server 127.0.0.1:40002 weight=2;\n"));
  EXPECT_TRUE(has(r->text, "  listen 127.0.0.1:40000;\n  # (stickycheck) listen [::]:80;\n"));
  EXPECT_EQ(r->lines_before, 9u);  // the comment, pid, events, http and 5 temp paths
  EXPECT_TRUE(has(r->text, "access_log /tmp/run/access.log;"));
  EXPECT_TRUE(r->text.ends_with("}\n}\n"));
}

TEST(ConfigAdapt, NginxWithoutAServerBlockIsAnError) {
  EXPECT_EQ(
      adapt_config("nginx", "upstream app {\n  server 10.0.0.1:80;\n}\n", input()).error().message,
      "site.conf: no server block, so nothing listens on the address stickycheck gives the "
      "proxy; add one with `listen {{listen}};`");
}

TEST(ConfigAdapt, CaddySiteAddressAndUpstreamsAreReplaced) {
  const char* caddy =
      "http://example.com {\n\treverse_proxy /app/* 10.0.0.1:8080 10.0.0.2:8080 {\n"
      "\t\tlb_policy cookie\n\t}\n}\n";
  auto r = adapt_config("caddy", caddy, input());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->text,
            "# Added by stickycheck for a standalone run:\n{\n\tadmin off\n"
            "\tdefault_bind 127.0.0.1\n\tstorage file_system /tmp/run/caddy-data\n}\n"
            "http://example.com:40000 {\n"
            "\treverse_proxy /app/* 127.0.0.1:40001 127.0.0.1:40002 {\n\t\tlb_policy cookie\n"
            "\t}\n}\n");
  EXPECT_FALSE(r->tls);
  EXPECT_EQ(r->server_names, std::vector<std::string>{"example.com"});
}

TEST(ConfigAdapt, CaddyHostNameSiteIsServedOverTlsWithTheRunsCertificate) {
  AdaptInput in = input();
  in.tls_cert = "/tmp/run/cert.pem";
  in.tls_key = "/tmp/run/key.pem";
  const char* caddy =
      "{\n\temail ops@example.com\n}\nshop.example.com, www.shop.example.com {\n"
      "\ttls /etc/ssl/shop.pem /etc/ssl/shop.key\n\treverse_proxy 10.0.0.1:80 10.0.0.2:80\n}\n";
  auto r = adapt_config("caddy", caddy, in);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(r->tls);
  EXPECT_EQ(r->server_names, (std::vector<std::string>{"shop.example.com", "www.shop.example.com"}));
  EXPECT_TRUE(has(r->text,
                  "https://shop.example.com:40000, https://www.shop.example.com:40000 {\n"
                  "\ttls /tmp/run/cert.pem /tmp/run/key.pem\n"
                  "\t# (stickycheck) tls /etc/ssl/shop.pem /etc/ssl/shop.key\n"))
      << r->text;
  EXPECT_TRUE(has(r->text, "\tauto_https off\n")) << r->text;
  EXPECT_TRUE(std::find(r->notes.begin(), r->notes.end(),
                        "site.conf:5: tls /etc/ssl/shop.pem /etc/ssl/shop.key left out: the run "
                        "serves a certificate made for it") != r->notes.end());
}

// mod_ssl is loaded for an SSLEngine httpd reads, not for one under a false <IfDefine>.
TEST(ConfigAdapt, ApacheModulesUnderAFalseIfDefineAreNotLoaded) {
  const char* conf =
      "<IfDefine SSL>\n  SSLEngine on\n</IfDefine>\nListen 80\n<Proxy balancer://app>\n"
      "  BalancerMember http://10.0.0.1:80\n  BalancerMember http://10.0.0.2:80\n</Proxy>\n"
      "ProxyPass / balancer://app/\n";
  auto r = adapt_config("apache", conf, input());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_FALSE(has(r->text, "mod_ssl.so")) << r->text;
  auto defined = adapt_config("apache", std::string("Define SSL\n") + conf, input());
  ASSERT_TRUE(defined.ok()) << defined.error().message;
  EXPECT_TRUE(has(defined->text, "LoadModule ssl_module /usr/lib/apache2/modules/mod_ssl.so"))
      << defined->text;
}

TEST(ConfigAdapt, HaproxyTlsBindKeepsOnlyTheTlsShapingOptions) {
  AdaptInput in = input();
  in.tls_bundle = "/tmp/run/site.pem";
  const char* cfg =
      "frontend www\n  bind :80\n"
      "  bind :443 ssl crt /etc/haproxy/site.pem alpn h2,http/1.1 ca-file /etc/ca.pem verify "
      "required accept-proxy no-sslv3\n  default_backend app\n"
      "backend app\n  server a 10.0.0.1:80\n  server b 10.0.0.2:80\n";
  auto r = adapt_config("haproxy", cfg, in);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(r->tls);
  EXPECT_TRUE(r->tls_bundle);
  EXPECT_TRUE(has(r->text, "  bind 127.0.0.1:40000 ssl crt /tmp/run/site.pem alpn h2,http/1.1 "
                           "no-sslv3\n"))
      << r->text;
  EXPECT_TRUE(std::find(r->notes.begin(), r->notes.end(),
                        "site.conf:3: bind options left out for the run: ca-file /etc/ca.pem, "
                        "verify required, accept-proxy") != r->notes.end());
}

// A Caddyfile without braces is one site: its directives are kept, not taken for more sites.
TEST(ConfigAdapt, CaddyFileWithoutBracesKeepsItsDirectives) {
  auto r = adapt_config("caddy", "http://localhost\nreverse_proxy 10.0.0.1:80 10.0.0.2:80\n",
                        input());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(has(r->text, "http://localhost:40000\nreverse_proxy 127.0.0.1:40001 127.0.0.1:40002\n"))
      << r->text;
}

// A `tls` inside reverse_proxy's transport is the connection to the upstreams: it stays.
TEST(ConfigAdapt, CaddyUpstreamTlsIsKeptWhileTheSitesOwnIsReplaced) {
  AdaptInput in = input();
  in.tls_cert = "/tmp/run/cert.pem";
  in.tls_key = "/tmp/run/key.pem";
  const char* caddy =
      "shop.example.com {\n\ttls internal\n\treverse_proxy 10.0.0.1:443 10.0.0.2:443 {\n"
      "\t\ttransport http {\n\t\t\ttls\n\t\t}\n\t}\n}\n";
  auto r = adapt_config("caddy", caddy, in);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(has(r->text, "\t# (stickycheck) tls internal\n")) << r->text;
  EXPECT_TRUE(has(r->text, "\t\ttransport http {\n\t\t\ttls\n\t\t}\n")) << r->text;
}

TEST(ConfigAdapt, CaddySiteWithoutAReverseProxyIsLeftOut) {
  const char* caddy =
      "www.example.com {\n\tredir https://example.com{uri}\n}\n"
      "http://example.com {\n\treverse_proxy 10.0.0.1:80 10.0.0.2:80\n}\n";
  auto r = adapt_config("caddy", caddy, input());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_FALSE(r->tls);
  EXPECT_TRUE(has(r->text,
                  "# (stickycheck) www.example.com {\n"
                  "\t# (stickycheck) redir https://example.com{uri}\n# (stickycheck) }\n"
                  "http://example.com:40000 {\n"))
      << r->text;
}

TEST(ConfigAdapt, CaddyToLinesAreUpstreams) {
  const char* caddy =
      "{\n\tadmin localhost:2019\n}\n:80 {\n\treverse_proxy {\n\t\tto http://a:1 http://b:2\n"
      "\t}\n}\n";
  auto r = adapt_config("caddy", caddy, input());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(has(r->text, "\t\tto http://127.0.0.1:40001 http://127.0.0.1:40002\n"));
  EXPECT_TRUE(has(r->text,
                  "{\n\tdefault_bind 127.0.0.1\n\tstorage file_system /tmp/run/caddy-data\n"
                  "\tadmin off\n}\n"));
}

}  // namespace
}  // namespace sc

namespace sc {
namespace {

AdaptInput input_with_runtime(const std::string& dir) {
  AdaptInput in = input();
  in.runtime_dir = dir;
  return in;
}

TEST(ConfigAdapt, RuntimePathsWithABlankAreQuotedInEveryLanguage) {
  const auto in = input_with_runtime("/tmp/my dir/run");
  auto apache = adapt_config("apache", test::pasted_apache_block(), in);
  ASSERT_TRUE(apache.ok()) << apache.error().message;
  EXPECT_TRUE(has(apache->text,
                  "\nDefaultRuntimeDir \"/tmp/my dir/run\"\n"
                  "PidFile \"/tmp/my dir/run/httpd.pid\"\n"
                  "Mutex \"file:/tmp/my dir/run\" default\n"))
      << apache->text;
  auto haproxy = adapt_config("haproxy", kHaproxy, in);
  ASSERT_TRUE(haproxy.ok()) << haproxy.error().message;
  EXPECT_TRUE(has(haproxy->text, "pidfile \"/tmp/my dir/run/haproxy.pid\"\n")) << haproxy->text;
  auto nginx = adapt_config(
      "nginx", "upstream app {\n  server 10.0.0.1:80;\n  server 10.0.0.2:80;\n}\nserver {\n}\n",
      in);
  ASSERT_TRUE(nginx.ok()) << nginx.error().message;
  EXPECT_TRUE(has(nginx->text, "pid \"/tmp/my dir/run/nginx.pid\";\n")) << nginx->text;
  EXPECT_TRUE(has(nginx->text, "  proxy_temp_path \"/tmp/my dir/run/proxy\";\n")) << nginx->text;
  auto caddy = adapt_config("caddy", ":80 {\n\treverse_proxy 10.0.0.1:80 10.0.0.2:80\n}\n", in);
  ASSERT_TRUE(caddy.ok()) << caddy.error().message;
  EXPECT_TRUE(has(caddy->text, "\tstorage file_system \"/tmp/my dir/run/caddy-data\"\n"))
      << caddy->text;
}

TEST(ConfigAdapt, QuotedRuntimePathOfARenderedTemplateIsLeftAsItIs) {
  auto r = adapt_config("nginx",
                        "pid \"/tmp/my dir/run/nginx.pid\";\nevents {}\nhttp {\n"
                        "  upstream app {\n    server 10.0.0.1:80;\n    server 10.0.0.2:80;\n  }\n"
                        "  server {\n    listen 127.0.0.1:40000;\n  }\n}\n",
                        input_with_runtime("/tmp/my dir/run"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(has(r->text, "pid \"/tmp/my dir/run/nginx.pid\";\n")) << r->text;
  for (const auto& note : r->notes) EXPECT_FALSE(has(note, "nginx.pid")) << note;
}

TEST(ConfigAdapt, RuntimeDirectoryNoQuotingProtectsIsRefused) {
  EXPECT_EQ(
      adapt_config("nginx", "server {\n}\n", input_with_runtime("/tmp/a$b/run")).error().message,
      "site.conf: the runtime directory /tmp/a$b/run holds '$', which a nginx configuration "
      "cannot hold even quoted; set TMPDIR to a directory without it");
}

}  // namespace
}  // namespace sc

namespace sc {
namespace {

// Configurations as they ship (fixtures/nginx/shipped/): nginx's grammar, not lines.
// A grammar error in a spliced-in file names that file and line (it named a line of the
// assembled text, past the end of the user's own file).
TEST(ConfigAdaptNginx, ErrorInAnIncludedFileNamesThatFileAndLine) {
  AdaptInput in = input();
  in.origins = {{in.file, 1}, {"snippets/upstream.conf", 6}, {"snippets/upstream.conf", 7}};
  auto r = adapt_config("nginx", "server {\n  listen 80;\n  location / {\n", in);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.error().message.starts_with("snippets/upstream.conf:7:")) << r.error().message;
}

TEST(ConfigAdaptNginx, CompactOneLinersAreEditedInPlace) {
  const auto text = test::fixture_text("fixtures/nginx/shipped/compact-one-liners.conf");
  auto r = adapt_config("nginx", text, input());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(has(r->text,
                  "upstream app { ip_hash; server 127.0.0.1:40001; server 127.0.0.1:40002; }\n"));
  EXPECT_TRUE(has(r->text, "  listen 127.0.0.1:40000;                 server_name "
                           "app.example.com;\n"));
  EXPECT_TRUE(r->keeps_lines);
  EXPECT_EQ(r->server_names, std::vector<std::string>{"app.example.com"});
  // Every line of the user's is where it was, after the lines added before it.
  const auto user_lines = std::count(text.begin(), text.end(), '\n');
  const auto adapted_lines = std::count(r->text.begin(), r->text.end(), '\n');
  EXPECT_EQ(adapted_lines, user_lines + static_cast<long>(r->lines_before) + 1);  // + http's }
}

TEST(ConfigAdaptNginx, InsertionBesideALeftOutServerIsKept) {
  auto in = input();
  in.tls_cert = "/tmp/run/cert.pem";
  in.tls_key = "/tmp/run/key.pem";
  auto r = adapt_config(
      "nginx",
      "events{}http{server{listen 80;return 301 https://x;}server{listen 443 ssl;"
      "ssl_certificate a;ssl_certificate_key b;location /{proxy_pass http://u;}}"
      "upstream u{server 10.0.0.1:80;server 10.0.0.2:80;}}\n",
      in);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(has(r->text, "http{ client_body_temp_path /tmp/run/client_body;")) << r->text;
}

TEST(ConfigAdaptNginx, ListenOverSeveralLinesKeepsThem) {
  const std::string text =
      "upstream a { server 10.0.0.1:80; server 10.0.0.2:80; }\n"
      "server {\n  listen\n    80;\n  location / { proxy_pass http://a; }\n}\n";
  auto r = adapt_config("nginx", text, input());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(std::count(r->text.begin(), r->text.end(), '\n'),
            std::count(text.begin(), text.end(), '\n') + static_cast<long>(r->lines_before) + 1);
}

TEST(ConfigAdaptApache, RedirectByRewriteFlagsLeavesTheVhostOutWithItsMembers) {
  auto in = input();
  in.tls_cert = "/tmp/run/cert.pem";
  in.tls_key = "/tmp/run/key.pem";
  auto r = adapt_config(
      "apache",
      "<VirtualHost *:80>\n  RewriteEngine On\n  RewriteRule ^ https://%{HTTP_HOST}%{REQUEST_URI} "
      "[L,R]\n  <Proxy balancer://old>\n    BalancerMember http://10.9.9.9:80\n  </Proxy>\n"
      "</VirtualHost>\n<VirtualHost *:443>\n  SSLEngine on\n  SSLCertificateFile /etc/c.pem\n"
      "  SSLCertificateKeyFile /etc/k.pem\n  <Proxy balancer://shop>\n"
      "    BalancerMember http://10.0.0.1:80\n    BalancerMember http://10.0.0.2:80\n"
      "  </Proxy>\n  ProxyPass / balancer://shop/\n</VirtualHost>\n",
      in);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(r->tls);
  EXPECT_TRUE(std::find(r->notes.begin(), r->notes.end(),
                        "site.conf:1: the <VirtualHost> at line 1 left out: it only redirects "
                        "(to https://%{HTTP_HOST}%{REQUEST_URI}); the run goes to the one at "
                        "line 8") != r->notes.end())
      << r->notes.front();
  EXPECT_TRUE(has(r->text, "BalancerMember http://127.0.0.1:40002\n"));
}

TEST(ConfigAdaptNginx, OneLineServerGetsItsListenInsideTheBlock) {
  auto r = adapt_config(
      "nginx",
      "upstream app { server 10.0.0.1:80; server 10.0.0.2:80; }\n"
      "server { location / { proxy_pass http://app; } }\n",
      input());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(has(r->text, "server { listen 127.0.0.1:40000; location / {"));
}

TEST(ConfigAdaptNginx, RedirectToHttpsLayoutKeepsTheTlsServerWithTheRunsCertificate) {
  auto in = input();
  in.tls_cert = "/tmp/run/cert.pem";
  in.tls_key = "/tmp/run/key.pem";
  const auto text = test::fixture_text("fixtures/nginx/shipped/redirect-to-https.conf");
  auto r = adapt_config("nginx", text, in);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(r->tls);
  EXPECT_EQ(r->server_names, std::vector<std::string>{"shop.example.com"});
  EXPECT_TRUE(has(r->text, "    listen 127.0.0.1:40000 ssl http2;\n"));
  EXPECT_TRUE(has(r->text, "ssl_certificate /tmp/run/cert.pem;"));
  EXPECT_TRUE(has(r->text, "ssl_certificate_key /tmp/run/key.pem;"));
  EXPECT_TRUE(has(r->text, "\n# (stickycheck)     return 301 https://$host$request_uri;\n"));
  EXPECT_TRUE(has(r->text, "    # (stickycheck) ssl_dhparam /etc/letsencrypt/ssl-dhparams.pem;\n"));
  EXPECT_TRUE(std::find(r->notes.begin(), r->notes.end(),
                        "site.conf:10: the server at line 10 left out: it only redirects (to "
                        "https://$host$request_uri); the run goes to the server at line 17") !=
              r->notes.end());
}

}  // namespace
}  // namespace sc
