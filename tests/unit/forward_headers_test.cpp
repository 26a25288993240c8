// The fields the reference balancer rewrites on a forwarded request, and how it reads targets.
#include "balancer/forward_headers.hpp"

#include <gtest/gtest.h>

namespace sc {
namespace {

namespace http = net::http;

TEST(ForwardHeaders, FieldsNamedInConnectionAreRemovedWithTheFixedHopByHopOnes) {
  net::Request req{http::verb::get, "/", 11};
  req.set(http::field::connection, "keep-alive, X-Hop ,x-other");
  req.set("X-Hop", "secret");
  req.set("X-Other", "secret");
  req.set(http::field::keep_alive, "timeout=5");
  req.set(http::field::te, "trailers");
  req.set("X-Kept", "1");
  strip_hop_by_hop(req);
  EXPECT_EQ(req.count("X-Hop"), 0u);
  EXPECT_EQ(req.count("X-Other"), 0u);
  EXPECT_EQ(req.count(http::field::keep_alive), 0u);
  EXPECT_EQ(req.count(http::field::te), 0u);
  EXPECT_EQ(req.count(http::field::connection), 0u);
  EXPECT_EQ(req["X-Kept"], "1");
}

TEST(ForwardHeaders, EveryConnectionFieldNamesFieldsToRemoveInAnyCaseAndAnyNumber) {
  net::Response res{http::status::ok, 11};
  res.insert(http::field::connection, "X-A");
  res.insert("x-b", "1");
  res.insert("X-A", "1");
  res.insert(http::field::connection, " x-B , ");
  res.insert("x-a", "2");
  res.insert(http::field::server, "kept");
  strip_hop_by_hop(res);
  EXPECT_EQ(res.count("X-A"), 0u);
  EXPECT_EQ(res.count("X-B"), 0u);
  EXPECT_EQ(res.count(http::field::connection), 0u);
  EXPECT_EQ(res[http::field::server], "kept");
}

TEST(ForwardHeaders, AMessageWithoutHopByHopFieldsKeepsAllItsFieldsInOrder) {
  net::Request req{http::verb::get, "/", 11};
  req.insert("B", "1");
  req.insert("A", "2");
  req.insert("B", "3");
  const auto listing = [&] {
    std::string out;
    for (const auto& f : req)
      out += std::string(f.name_string()) + "=" + std::string(f.value()) + ";";
    return out;
  };
  const std::string before = listing();
  strip_hop_by_hop(req);
  EXPECT_EQ(listing(), before);
  EXPECT_EQ(before.size(), 12u);
}

TEST(ForwardHeaders, XForwardedFieldsAreAppendedToWhatCameIn) {
  net::Request req{http::verb::get, "/", 11};
  req.set(http::field::host, "public.example");
  req.set("X-Forwarded-For", "10.0.0.1");
  rewrite_forwarded_request(req, ForwardContext{"127.0.0.1", "lb1"});
  EXPECT_EQ(req["X-Forwarded-For"], "10.0.0.1, 127.0.0.1");
  EXPECT_EQ(req["X-Forwarded-Host"], "public.example");
  EXPECT_EQ(req["X-Forwarded-Server"], "lb1");
  EXPECT_EQ(req[http::field::host], "public.example");  // the caller names the member
}

TEST(ForwardHeaders, MemberAuthorityOmitsPort80AndBracketsIpv6) {
  EXPECT_EQ(member_authority("127.0.0.1", 8081), "127.0.0.1:8081");
  EXPECT_EQ(member_authority("app.internal", 80), "app.internal");
  EXPECT_EQ(member_authority("::1", 8080), "[::1]:8080");
}

TEST(ForwardHeaders, OriginFormTargetSplitsIntoPathAndQuery) {
  auto t = split_target("/a/b?x=1");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->authority, "");
  EXPECT_EQ(t->path, "/a/b");
  EXPECT_EQ(t->query, "?x=1");
}

TEST(ForwardHeaders, AbsoluteFormTargetGivesItsAuthority) {
  auto t = split_target("HTTP://Public.Example:8080/p?q");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->authority, "Public.Example:8080");
  EXPECT_EQ(t->path, "/p");
  EXPECT_EQ(t->query, "?q");
  auto bare = split_target("https://h?q");
  ASSERT_TRUE(bare);
  EXPECT_EQ(bare->path, "/");
  EXPECT_EQ(bare->query, "?q");
}

TEST(ForwardHeaders, TargetsThatAreNeitherPathNorHttpUrlAreRefused) {
  for (const char* target :
       {"*", "example.com:443", "ftp://h/x", "http:///x", "http://u@h/x", "http://h#frag", ""})
    EXPECT_FALSE(split_target(target)) << target;
}

}  // namespace
}  // namespace sc
