// The field walks must say what Beast's tree lookups say: keeps_alive() as keep_alive() for
// requests and responses of both versions, is_chunked() as chunked(), first_field() and
// count_fields() as find() and count().
#include "net/http_types.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sc::net {
namespace {

TEST(KeepsAlive, SaysWhatBeastSaysForEveryConnectionFieldAndVersion) {
  const std::vector<std::vector<std::string>> connection_fields{
      {},
      {"keep-alive"},
      {"close"},
      {"Keep-Alive"},
      {"CLOSE"},
      {"upgrade, close"},
      {" keep-alive , te"},
      {"te"},
      {"te", "close"},  // only the first field counts, for Beast too
      {"close", "keep-alive"},
      {""},
  };
  int checked = 0;
  for (const unsigned version : {10u, 11u}) {
    for (const auto& values : connection_fields) {
      Request req{http::verb::get, "/", version};
      Response res{http::status::ok, version};
      req.set(http::field::host, "h");
      res.set(http::field::server, "s");
      for (const auto& v : values) {
        req.insert(http::field::connection, v);
        res.insert(http::field::connection, v);
      }
      EXPECT_EQ(keeps_alive(req, version), req.keep_alive()) << version << " " << values.size();
      EXPECT_EQ(keeps_alive(res, version), res.keep_alive()) << version << " " << values.size();
      checked += 2;
    }
  }
  EXPECT_EQ(checked, 44);
}

TEST(KeepsAlive, Http11KeepsAndHttp10ClosesWithoutAConnectionField) {
  Request req{http::verb::get, "/", 11};
  EXPECT_TRUE(keeps_alive(req, 11));
  EXPECT_FALSE(keeps_alive(req, 10));
}

TEST(IsChunked, SaysWhatBeastSaysForEveryTransferEncoding) {
  const std::vector<std::vector<std::string>> values{
      {},
      {"chunked"},
      {"CHUNKED"},
      {"gzip, chunked"},
      {"chunked, gzip"},
      {"gzip"},
      {""},
      {" chunked "},
      {"gzip", "chunked"},
      {"chunked", "gzip"},
      {"gzip,,chunked"},
      {"@, chunked"},
  };
  for (const auto& te : values) {
    Response res{http::status::ok, 11};
    res.set(http::field::server, "s");
    for (const auto& v : te) res.insert(http::field::transfer_encoding, v);
    EXPECT_EQ(is_chunked(res), res.chunked()) << (te.empty() ? "(none)" : te.front());
  }
}

TEST(FirstField, FindsWhatFindFindsAndCountsWhatCountCounts) {
  Request req{http::verb::get, "/", 11};
  req.insert(http::field::cookie, "a=1");
  req.insert(http::field::host, "h1");
  req.insert("X-Other", "x");
  req.insert(http::field::cookie, "b=2");
  req.insert(http::field::host, "h2");
  for (const auto name : {http::field::cookie, http::field::host, http::field::expect}) {
    const auto ours = first_field(req, name);
    const auto beasts = req.find(name);
    ASSERT_EQ(ours == req.end(), beasts == req.end());
    if (ours != req.end()) EXPECT_EQ(ours->value(), beasts->value());
    EXPECT_EQ(count_fields(req, name), req.count(name));
  }
  EXPECT_EQ(first_field(req, http::field::host)->value(), "h1");
  EXPECT_EQ(count_fields(req, http::field::cookie), 2u);
}

}  // namespace
}  // namespace sc::net
