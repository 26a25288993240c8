// Sticky value and route lookup, rule by rule from spec/apache-balancer.md §1 and §5.
#include "cookie/sticky_lookup.hpp"

#include <gtest/gtest.h>

namespace sc {
namespace {

TEST(ApacheCookieValue, FindsNameAtStartOrAfterSeparatorOrSpace) {
  EXPECT_EQ(apache_cookie_value("ROUTEID=.1", "ROUTEID"), ".1");
  EXPECT_EQ(apache_cookie_value("a=b;ROUTEID=.2", "ROUTEID"), ".2");
  EXPECT_EQ(apache_cookie_value("a=b, ROUTEID=.3", "ROUTEID"), ".3");
  EXPECT_EQ(apache_cookie_value("a=b;\tROUTEID=.4", "ROUTEID"), ".4");
}

TEST(ApacheCookieValue, NameMustNotBeASuffixOfAnotherName) {
  EXPECT_EQ(apache_cookie_value("XROUTEID=.1", "ROUTEID"), std::nullopt);
  EXPECT_EQ(apache_cookie_value("XROUTEID=.1; ROUTEID=.2", "ROUTEID"), ".2");
}

TEST(ApacheCookieValue, NameIsCaseSensitive) {
  EXPECT_EQ(apache_cookie_value("routeid=.1", "ROUTEID"), std::nullopt);
}

TEST(ApacheCookieValue, WhitespaceBeforeEqualsIsAllowed) {
  EXPECT_EQ(apache_cookie_value("ROUTEID =.1", "ROUTEID"), ".1");
}

TEST(ApacheCookieValue, ValueEndsAtSemicolonOrCommaAndIsNotUnquoted) {
  EXPECT_EQ(apache_cookie_value("ROUTEID=.1,x=y", "ROUTEID"), ".1");
  EXPECT_EQ(apache_cookie_value("ROUTEID=.1;x=y", "ROUTEID"), ".1");
  EXPECT_EQ(apache_cookie_value("ROUTEID=\".1\"", "ROUTEID"), "\".1\"");
  EXPECT_EQ(apache_cookie_value("ROUTEID=a.1 ; x=y", "ROUTEID"), "a.1 ");
}

TEST(ApacheCookieValue, LeftmostDuplicateWinsEvenWhenEmpty) {
  EXPECT_EQ(apache_cookie_value("ROUTEID=.old; ROUTEID=.new", "ROUTEID"), ".old");
  EXPECT_EQ(apache_cookie_value("ROUTEID=; ROUTEID=.2", "ROUTEID"), "");
}

TEST(ApacheCookieValue, NameWithEqualsAtVeryEndIsSkipped) {
  EXPECT_EQ(apache_cookie_value("ROUTEID=", "ROUTEID"), std::nullopt);
  EXPECT_EQ(apache_cookie_value("a=1; ROUTEID", "ROUTEID"), std::nullopt);
}

TEST(ApacheUrlParam, SubstringMatchWithoutBoundary) {
  EXPECT_EQ(apache_url_param("/app?xjsessionid=abc.2", "jsessionid", false), "abc.2");
}

TEST(ApacheUrlParam, ValueEndsAtQuestionMarkOrAmpersandButNotSlash) {
  EXPECT_EQ(apache_url_param("/a?jsessionid=x.1&b=2", "jsessionid", false), "x.1");
  EXPECT_EQ(apache_url_param("/a;jsessionid=x.1/more?q", "jsessionid", false), "x.1/more");
}

TEST(ApacheUrlParam, SemicolonEndsTheValueOnlyWithScolonpathdelim) {
  EXPECT_EQ(apache_url_param("/a;jsessionid=x.1;b", "jsessionid", false), "x.1;b");
  EXPECT_EQ(apache_url_param("/a;jsessionid=x.1;b", "jsessionid", true), "x.1");
}

TEST(ApacheUrlParam, LeadingDelimitersAreSkipped) {
  EXPECT_EQ(apache_url_param("/?jsessionid=&x=a.2", "jsessionid", false), "x=a.2");
}

TEST(ApacheUrlParam, EmptyOrMissingValueYieldsNothing) {
  EXPECT_EQ(apache_url_param("/?jsessionid=", "jsessionid", false), std::nullopt);
  EXPECT_EQ(apache_url_param("/?jsessionid=&&", "jsessionid", false), std::nullopt);
  EXPECT_EQ(apache_url_param("/?other=1", "jsessionid", false), std::nullopt);
}

TEST(RouteOf, EverythingAfterTheFirstSeparator) {
  EXPECT_EQ(route_of("a.b.c", '.'), "b.c");
  EXPECT_EQ(route_of("balancer.www1", '.'), "www1");
  EXPECT_EQ(route_of(".1", '.'), "1");
}

TEST(RouteOf, NoSeparatorOrTrailingSeparatorMeansNoRoute) {
  EXPECT_EQ(route_of("0dnp3dbk7gsklprj2uer7knama", '.'), std::nullopt);
  EXPECT_EQ(route_of("abc.", '.'), std::nullopt);
}

TEST(RouteOf, CustomSeparatorAndOff) {
  EXPECT_EQ(route_of("abc-www2", '-'), "www2");
  EXPECT_EQ(route_of("abc.www2", '-'), std::nullopt);
  EXPECT_EQ(route_of("abc.www2", 0), "abc.www2");
}

TEST(StickyConfig, PipeSplitsCookieAndParameterNames) {
  auto c = StickyConfig::from_stickysession("JSESSIONID|jsessionid");
  EXPECT_EQ(c.cookie_name, "JSESSIONID");
  EXPECT_EQ(c.param_name, "jsessionid");
  auto d = StickyConfig::from_stickysession("ROUTEID");
  EXPECT_EQ(d.cookie_name, "ROUTEID");
  EXPECT_EQ(d.param_name, "ROUTEID");
}

TEST(StickyConfig, NamesAreTruncatedTo63Characters) {
  auto c = StickyConfig::from_stickysession(std::string(70, 'A'));
  EXPECT_EQ(c.cookie_name.size(), 63u);
}

TEST(FindSticky, UrlParameterBeatsCookieEvenWithoutRoute) {
  auto c = StickyConfig::from_stickysession("JSESSIONID|jsessionid");
  auto r = find_sticky(c, "/a;jsessionid=noroute", "JSESSIONID=abc.node2");
  ASSERT_TRUE(r.value);
  EXPECT_EQ(*r.value, "noroute");
  EXPECT_TRUE(r.from_url);
  EXPECT_EQ(r.route, std::nullopt);
}

TEST(FindSticky, FallsBackToCookie) {
  auto c = StickyConfig::from_stickysession("JSESSIONID|jsessionid");
  auto r = find_sticky(c, "/a", "JSESSIONID=abc.node2");
  EXPECT_EQ(r.source_name, "JSESSIONID");
  EXPECT_EQ(r.route, "node2");
}

TEST(FindSticky, NothingConfiguredNeverSticks) {
  auto r = find_sticky(StickyConfig{}, "/a?ROUTEID=.1", "ROUTEID=.1");
  EXPECT_FALSE(r.value);
}

}  // namespace
}  // namespace sc
