// The hand-laid start line and fields must be byte for byte what Beast's serializer writes.
#include "net/wire.hpp"

#include <gtest/gtest.h>

#include <sstream>

namespace sc::net {
namespace {

template <class Message>
std::string beast_bytes(const Message& m) {
  std::ostringstream os;
  os << m;
  return os.str();
}

template <class Message>
std::string our_bytes(const Message& m) {
  std::string out;
  append_head(m, out);
  return out + m.body();
}

TEST(Wire, RequestMatchesBeast) {
  Request req{http::verb::post, "/a/b?x=1&y=%20", 11};
  req.set(http::field::host, "127.0.0.1:8080");
  req.insert(http::field::cookie, "a=1");
  req.insert(http::field::cookie, "b=2");
  req.insert("X-Custom", "  spaced value");
  req.body() = "payload";
  req.prepare_payload();
  EXPECT_EQ(our_bytes(req), beast_bytes(req));
  EXPECT_EQ(our_bytes(req).substr(0, 31), "POST /a/b?x=1&y=%20 HTTP/1.1\r\nH");
}

TEST(Wire, UnknownMethodAndHttp10) {
  Request req;
  req.method_string("PURGE");
  req.target("/");
  req.version(10);
  EXPECT_EQ(our_bytes(req), beast_bytes(req));
  EXPECT_EQ(our_bytes(req), "PURGE / HTTP/1.0\r\n\r\n");
}

TEST(Wire, ResponseReasonsMatchBeast) {
  Response plain{http::status::service_unavailable, 11};
  plain.body() = "Service Unavailable\n";
  plain.prepare_payload();
  EXPECT_EQ(our_bytes(plain), beast_bytes(plain));

  Response custom{http::status::ok, 10};
  custom.reason("Fine Thanks");
  custom.set(http::field::set_cookie, "ROUTEID=.b1; path=/");
  EXPECT_EQ(our_bytes(custom), beast_bytes(custom));
  EXPECT_EQ(our_bytes(custom).substr(0, 26), "HTTP/1.0 200 Fine Thanks\r\n");

  Response unknown;
  unknown.result(599);
  EXPECT_EQ(our_bytes(unknown), beast_bytes(unknown));
}

}  // namespace
}  // namespace sc::net
