// The checks the HTTP transport makes on a request before its handler sees it.
#include "net/request_checks.hpp"

#include <gtest/gtest.h>

namespace sc::net {
namespace {

TEST(RequestChecks, Http11WithoutHostOrAnyRequestWithTwoIs400) {
  Request req{http::verb::get, "/", 11};
  EXPECT_EQ(check_host(req), http::status::bad_request);
  req.insert(http::field::host, "a");
  EXPECT_EQ(check_host(req), std::nullopt);
  req.insert(http::field::host, "b");
  EXPECT_EQ(check_host(req), http::status::bad_request);
}

TEST(RequestChecks, Http10MayLeaveHostOut) {
  Request req{http::verb::get, "/", 10};
  EXPECT_EQ(check_host(req), std::nullopt);
}

TEST(RequestChecks, OnlyTheContinueExpectationIsKnown) {
  Request req{http::verb::put, "/", 11};
  EXPECT_EQ(expectation(req), Expectation::kNone);
  req.set(http::field::expect, " 100-Continue ");
  EXPECT_EQ(expectation(req), Expectation::kContinue);
  req.set(http::field::expect, "200-ok");
  EXPECT_EQ(expectation(req), Expectation::kUnsupported);
}

TEST(RequestChecks, TrailerFieldsAfterTheHeaderAreDropped) {
  Request req{http::verb::post, "/", 11};
  req.insert(http::field::host, "x");
  req.insert(http::field::cookie, "a=1");
  req.insert(http::field::cookie, "ROUTEID=.evil");  // as Beast appends a trailer
  req.insert("X-Trailer", "1");
  drop_trailer_fields(req, 2);
  EXPECT_EQ(req.count(http::field::cookie), 1u);
  EXPECT_EQ(req[http::field::cookie], "a=1");
  EXPECT_EQ(req.count("X-Trailer"), 0u);
  EXPECT_EQ(req[http::field::host], "x");
}

}  // namespace
}  // namespace sc::net
