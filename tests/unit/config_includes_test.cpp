// Errors found in a configuration whose includes were spliced in name the included file's own
// line, not a line of the assembled text the user never wrote.
#include "proxies/config_includes.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace sc {
namespace {

const std::vector<std::pair<std::string, std::size_t>> kOrigins = {
    {"site.conf", 1},
    {"site.conf", 2},
    {"conf-available/members.conf", 1},
    {"conf-available/members.conf", 2},
    {"site.conf", 4}};

TEST(RelocateLines, ALineOfTheSplicedTextNamesItsOwnFileAndLine) {
  EXPECT_EQ(relocate_lines("site.conf:4:12: unexpected '}'", "site.conf", kOrigins),
            "conf-available/members.conf:2:12: unexpected '}'");
  EXPECT_EQ(relocate_lines("site.conf:5: </Proxy> closes <IfModule> opened on line 3", "site.conf",
                           kOrigins),
            "site.conf:4: </Proxy> closes <IfModule> opened on line 3");
}

TEST(RelocateLines, WithoutOriginsOrOutOfRangeTheMessageStays) {
  EXPECT_EQ(relocate_lines("site.conf:4: x", "site.conf", {}), "site.conf:4: x");
  EXPECT_EQ(relocate_lines("site.conf:9: x", "site.conf", kOrigins), "site.conf:9: x");
  EXPECT_EQ(relocate_lines("other.conf:4: x", "site.conf", kOrigins), "other.conf:4: x");
  EXPECT_EQ(relocate_lines("site.conf: no line", "site.conf", kOrigins), "site.conf: no line");
}

// An Include httpd never reads (inside an <IfDefine> that is false there) needs no file: a
// missing one made init and run refuse a configuration httpd accepts.
TEST(SpliceApacheIncludes, AnIncludeUnderAFalseIfDefineIsNotRead) {
  const auto dir = std::filesystem::temp_directory_path() / "stickycheck-ifdefine-include";
  std::filesystem::create_directories(dir);
  const std::string file = (dir / "site.conf").string();
  const std::string text =
      "<IfDefine STAGING>\n  Include staging-members.conf\n</IfDefine>\n"
      "BalancerMember http://10.0.0.1:80\n";
  std::ofstream(file) << text;
  auto spliced = splice_apache_includes(file, text);
  ASSERT_TRUE(spliced.ok()) << spliced.error().message;
  EXPECT_NE(spliced->text.find("  Include staging-members.conf\n"), std::string::npos);
  ASSERT_EQ(spliced->notes.size(), 1u);
  EXPECT_EQ(spliced->notes[0], file +
                                   ":2: Include staging-members.conf not read: it stands "
                                   "inside an <IfDefine> that is false there");
  // Defined before it: httpd reads it, and the missing file is the user's error.
  const std::string defined = "Define STAGING\n" + text;
  EXPECT_FALSE(splice_apache_includes(file, defined).ok());
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace sc
