// Errors found in a configuration whose includes were spliced in name the included file's own
// line, not a line of the assembled text the user never wrote.
#include "proxies/config_includes.hpp"

#include <gtest/gtest.h>

namespace sc {
namespace {

const std::vector<std::pair<std::string, std::size_t>> kOrigins = {
    {"site.conf", 1}, {"site.conf", 2}, {"conf-available/members.conf", 1},
    {"conf-available/members.conf", 2}, {"site.conf", 4}};

TEST(RelocateLines, ALineOfTheSplicedTextNamesItsOwnFileAndLine) {
  EXPECT_EQ(relocate_lines("site.conf:4:12: unexpected '}'", "site.conf", kOrigins),
            "conf-available/members.conf:2:12: unexpected '}'");
  EXPECT_EQ(relocate_lines("site.conf:5: </Proxy> closes <IfModule> opened on line 3",
                           "site.conf", kOrigins),
            "site.conf:4: </Proxy> closes <IfModule> opened on line 3");
}

TEST(RelocateLines, WithoutOriginsOrOutOfRangeTheMessageStays) {
  EXPECT_EQ(relocate_lines("site.conf:4: x", "site.conf", {}), "site.conf:4: x");
  EXPECT_EQ(relocate_lines("site.conf:9: x", "site.conf", kOrigins), "site.conf:9: x");
  EXPECT_EQ(relocate_lines("other.conf:4: x", "site.conf", kOrigins), "other.conf:4: x");
  EXPECT_EQ(relocate_lines("site.conf: no line", "site.conf", kOrigins), "site.conf: no line");
}

}  // namespace
}  // namespace sc
