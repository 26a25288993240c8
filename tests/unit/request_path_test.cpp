// The request path as httpd normalises it before matching ProxyPass, and its prefix match.
#include "balancer/request_path.hpp"

#include <gtest/gtest.h>

namespace sc {
namespace {

std::string decoded(std::string_view raw) {
  auto r = normalise_request_path(raw);
  return r.refuse ? std::to_string(r.refuse) : r.decoded;
}

TEST(RequestPath, APathAlreadyNormalIsBothItsEncodedAndDecodedForm) {
  for (std::string_view plain : {"/", "/a", "/a/b/", "/a.b/c-d_e~f", "/x..y/z."}) {
    const auto r = normalise_request_path(plain);
    EXPECT_EQ(r.refuse, 0u) << plain;
    EXPECT_EQ(r.encoded, plain);
    EXPECT_EQ(r.decoded, plain);
  }
}

TEST(RequestPath, UnreservedEscapesAreDecoded) {
  EXPECT_EQ(decoded("/%70rivate"), "/private");
  EXPECT_EQ(decoded("/%7Euser/%2D"), "/~user/-");
}

TEST(RequestPath, RunsOfSlashesAreMerged) {
  EXPECT_EQ(decoded("//private"), "/private");
  EXPECT_EQ(decoded("/a///b//"), "/a/b/");
}

TEST(RequestPath, DotSegmentsAreResolved) {
  EXPECT_EQ(decoded("/x/../private"), "/private");
  EXPECT_EQ(decoded("/x/./private"), "/x/private");
  EXPECT_EQ(decoded("/x/%2e%2E/private"), "/private");
  EXPECT_EQ(decoded("/a/b/.."), "/a/");
  EXPECT_EQ(decoded("/a/."), "/a/");
  EXPECT_EQ(decoded("/a/..b/c.."), "/a/..b/c..");
}

TEST(RequestPath, DotDotAboveTheRootIsABadRequest) {
  EXPECT_EQ(decoded("/%2e%2e/private"), "400");
  EXPECT_EQ(decoded("/../private"), "400");
  EXPECT_EQ(decoded("/a/../../private"), "400");
}

TEST(RequestPath, EncodedSlashAndNulAreNotFound) {
  auto slash = normalise_request_path("/private%2fx");
  EXPECT_EQ(slash.refuse, 404u);
  EXPECT_EQ(slash.reason, "an encoded '/' (%2F) in the path");
  EXPECT_EQ(decoded("/a%00b"), "404");
}

TEST(RequestPath, MalformedEscapesAndRelativePathsAreBadRequests) {
  EXPECT_EQ(decoded("/a%zz"), "400");
  EXPECT_EQ(decoded("/a%4"), "400");
  EXPECT_EQ(decoded("private"), "400");
  EXPECT_EQ(decoded(""), "400");
}

TEST(RequestPath, OtherEscapesStayEncodedForTheMemberAndDecodedForMatching) {
  auto r = normalise_request_path("/a%20b/%3F/../%70");
  EXPECT_EQ(r.refuse, 0u);
  EXPECT_EQ(r.encoded, "/a%20b/p");
  EXPECT_EQ(r.decoded, "/a b/p");
}

TEST(RequestPath, PrefixMatchesWholeSegmentsOnly) {
  EXPECT_EQ(match_path_prefix("/private", "/private"), 8u);
  EXPECT_EQ(match_path_prefix("/private/x", "/private"), 8u);
  EXPECT_EQ(match_path_prefix("/privateer", "/private"), 0u);
  EXPECT_EQ(match_path_prefix("/app/x", "/app/"), 5u);
  EXPECT_EQ(match_path_prefix("/app", "/app/"), 0u);
  EXPECT_EQ(match_path_prefix("/anything", "/"), 1u);
}

TEST(RequestPath, PrefixSlashRunsMatchSlashRuns) {
  EXPECT_EQ(match_path_prefix("/a//b/c", "/a/b"), 5u);
  EXPECT_EQ(match_path_prefix("/a/b", "/a//b"), 4u);
}

TEST(RequestPath, EncodePathEscapesWhatAPathCannotHold) {
  EXPECT_EQ(encode_path("/a b/%/?#/\xC3\xA9/ok-._~;=@:"), "/a%20b/%25/%3F%23/%C3%A9/ok-._~;=@:");
}

}  // namespace
}  // namespace sc
