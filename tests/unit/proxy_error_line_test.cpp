// The line of a proxy's output quoted when it fails: the first that says what went wrong.
#include <gtest/gtest.h>

#include "runner/proxy_check.hpp"

namespace sc {
namespace {

TEST(ProxyErrorLine, ApacheCauseIsQuotedNotItsSummary) {
  EXPECT_EQ(first_error_line("(2)No such file or directory: AH02291: Cannot access directory "
                             "'/tmp/x/logs/' for main error log\nAH00014: Configuration check "
                             "failed\n"),
            "(2)No such file or directory: AH02291: Cannot access directory '/tmp/x/logs/' for "
            "main error log");
}

TEST(ProxyErrorLine, ApacheSyntaxErrorKeepsItsReason) {
  EXPECT_EQ(first_error_line("AH00526: Syntax error on line 3 of /tmp/x/httpd.conf:\nInvalid "
                             "command 'ProxySet', perhaps misspelled\n"),
            "AH00526: Syntax error on line 3 of /tmp/x/httpd.conf: Invalid command 'ProxySet', "
            "perhaps misspelled");
}

TEST(ProxyErrorLine, HaproxyAlertBeforeItsNoticesAndSummary) {
  EXPECT_EQ(first_error_line("[NOTICE]   (7) : haproxy version is 2.6.12\n"
                             "[ALERT]    (7) : config : parsing [/x/haproxy.cfg:3] : unknown "
                             "keyword 'bnd' in 'frontend' section\n"
                             "[ALERT]    (7) : config : Fatal errors found in configuration.\n"),
            "[ALERT]    (7) : config : parsing [/x/haproxy.cfg:3] : unknown keyword 'bnd' in "
            "'frontend' section");
}

TEST(ProxyErrorLine, CaddyErrorAfterItsInfoLines) {
  EXPECT_EQ(first_error_line("{\"level\":\"info\",\"msg\":\"using config\"}\nError: adapting "
                             "config using caddyfile: unrecognized global option: x\n"),
            "Error: adapting config using caddyfile: unrecognized global option: x");
}

TEST(ProxyErrorLine, NginxAdaptedLineNamesTheUsersLine) {
  EXPECT_EQ(at_user_lines("unknown directive \"proxy_pas\" in /run/x/nginx.conf:14",
                          "/run/x/nginx.conf", {"/home/u/app.conf", 9, {}}),
            "unknown directive \"proxy_pas\" in /home/u/app.conf:5");
}

TEST(ProxyErrorLine, ApacheLineInASplicedIncludeNamesTheIncludedFile) {
  const UserLines user{"/home/u/site.conf", 3, {{"/home/u/site.conf", 1}, {"/home/u/m.conf", 2}}};
  EXPECT_EQ(at_user_lines("AH00526: Syntax error on line 5 of /run/x/httpd.conf: Invalid "
                          "command 'BalancerMembr'",
                          "/run/x/httpd.conf", user),
            "AH00526: Syntax error on line 2 of /home/u/m.conf: Invalid command 'BalancerMembr'");
}

TEST(ProxyErrorLine, LineStickycheckAddedStaysAsItIs) {
  EXPECT_EQ(at_user_lines("in /run/x/nginx.conf:2", "/run/x/nginx.conf", {"app.conf", 9, {}}),
            "in /run/x/nginx.conf:2");
}

}  // namespace
}  // namespace sc
