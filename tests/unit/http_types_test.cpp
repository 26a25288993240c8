// keeps_alive() must say what Beast's message keep_alive() says, for requests and responses
// of both versions, with and without Connection fields.
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

}  // namespace
}  // namespace sc::net
