// The reference balancer's forwarding path against members that misbehave on purpose
// (ScriptedUpstream): interim answers, trailers, the fields a proxy writes, large bodies.
#include <gtest/gtest.h>
#include <sys/socket.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstdio>
#include <fstream>

#include "harness.hpp"
#include "runner/ports.hpp"
#include "scripted_upstream.hpp"

namespace sc::test {
namespace {

using namespace std::chrono_literals;
namespace asio = boost::asio;
using asio::ip::tcp;

struct Balancer {
  std::uint16_t port = 0;
  std::unique_ptr<CliProcess> proc;
  explicit Balancer(const std::vector<std::uint16_t>& members,
                    std::vector<std::string> extra = {}) {
    port = (*allocate_loopback_ports(1))[0];
    std::vector<std::string> args = {"balancer", "--listen", "127.0.0.1:" + std::to_string(port)};
    for (auto m : members) {
      args.push_back("--member");
      args.push_back("http://127.0.0.1:" + std::to_string(m));
    }
    args.insert(args.end(), extra.begin(), extra.end());
    proc = std::make_unique<CliProcess>(args);
    EXPECT_TRUE(wait_until([&] { return port_accepts(port); }, 10s));
  }
};


std::string fmt_chunk(const std::string& data) {
  char size[20];
  std::snprintf(size, sizeof size, "%zx\r\n", data.size());
  return size + data + "\r\n";
}

// Regression (issue 15.1): a member's "100 Continue" was taken for its answer; the real one
// stayed on the pooled connection and went to the next client, Set-Cookie included.
TEST(BalancerForwarding, InterimAnswersAreSkippedAndTheNextClientGetsItsOwnAnswer) {
  ScriptedUpstream member([](const SeenRequest&, int n, const ScriptedUpstream::Write& write) {
    const auto who = "client " + std::to_string(n);
    write("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n" +
          http_answer("HTTP/1.1 200 OK", {"Set-Cookie: session=" + std::to_string(n)}, who));
  });
  Balancer b({member.port()});
  RawClient first(b.port);
  first.send("POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc");
  const auto a = first.read_answer();
  RawClient second(b.port);
  second.send("GET /b HTTP/1.1\r\nHost: x\r\n\r\n");
  const auto c = second.read_answer();
  EXPECT_EQ(status_of(a), "HTTP/1.1 200 OK") << a;
  EXPECT_EQ(body_of(a), "client 1");
  EXPECT_EQ(field_value(a, "Set-Cookie"), "session=1");
  EXPECT_EQ(status_of(c), "HTTP/1.1 200 OK") << c;
  EXPECT_EQ(body_of(c), "client 2");
  EXPECT_EQ(field_value(c, "Set-Cookie"), "session=2");
  const auto seen = member.requests();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[1].connection, seen[0].connection) << "the second request used a new connection";
}

// A 101 the balancer never asked for leaves the connection in another protocol: 502, and the
// connection is closed, not pooled.
TEST(BalancerForwarding, UnaskedSwitchingProtocolsIs502AndTheConnectionIsNotReused) {
  ScriptedUpstream member([](const SeenRequest&, int n, const ScriptedUpstream::Write& write) {
    if (n == 1)
      write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\n\r\nh2c bytes");
    else
      write(http_answer("HTTP/1.1 200 OK", {}, "fine"));
  });
  Balancer b({member.port()});
  RawClient first(b.port);
  first.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(status_of(first.read_answer()), "HTTP/1.1 502 Bad Gateway");
  RawClient second(b.port);
  second.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(body_of(second.read_answer()), "fine");
  const auto seen = member.requests();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_NE(seen[1].connection, seen[0].connection);
}

const ScriptedUpstream::Script kAnswerOk = [](const SeenRequest&, int,
                                              const ScriptedUpstream::Write& write) {
  write(http_answer("HTTP/1.1 200 OK", {}, "ok"));
};

// Regression (issue 15.3): the trailer section of a chunked request was merged into its
// header fields, so a trailer Cookie or Host changed routing and what the member saw.
TEST(BalancerForwarding, TrailersOfAChunkedRequestNeverBecomeHeaders) {
  ScriptedUpstream member(kAnswerOk);
  Balancer b({member.port()});
  RawClient client(b.port);
  client.send(
      "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5\r\nhello\r\n0\r\nCookie: ROUTEID=.evil\r\nX-Trailer-Probe: 1\r\n\r\n");
  EXPECT_EQ(status_of(client.read_answer()), "HTTP/1.1 200 OK");
  const auto seen = member.requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].body, "hello");
  EXPECT_EQ(field_count(seen[0].head, "X-Trailer-Probe"), 0) << seen[0].head;
  EXPECT_EQ(field_count(seen[0].head, "Cookie"), 0) << seen[0].head;
}

// Regression (issue 15.5): as mod_proxy_http with its defaults, the member gets its own name
// as Host, the client's in X-Forwarded-Host, the client's address appended to
// X-Forwarded-For, and none of the fields the client's Connection named.
TEST(BalancerForwarding, ForwardedRequestCarriesTheFieldsAProxyWrites) {
  ScriptedUpstream member(kAnswerOk);
  Balancer b({member.port()});
  RawClient client(b.port);
  client.send(
      "GET /p HTTP/1.1\r\nHost: public.example\r\nConnection: keep-alive, X-Hop\r\n"
      "X-Hop: secret\r\nX-Forwarded-For: 10.0.0.1\r\n\r\n");
  EXPECT_EQ(status_of(client.read_answer()), "HTTP/1.1 200 OK");
  const auto seen = member.requests();
  ASSERT_EQ(seen.size(), 1u);
  const auto& head = seen[0].head;
  EXPECT_EQ(field_value(head, "Host"), "127.0.0.1:" + std::to_string(member.port())) << head;
  EXPECT_EQ(field_value(head, "X-Forwarded-For"), "10.0.0.1, 127.0.0.1") << head;
  EXPECT_EQ(field_value(head, "X-Forwarded-Host"), "public.example") << head;
  EXPECT_NE(field_value(head, "X-Forwarded-Server"), "") << head;
  EXPECT_EQ(field_count(head, "X-Hop"), 0) << head;
}

// The proxy leaves keep-alive to HTTP/1.1's default towards the member and the client, and
// says it only to an HTTP/1.0 client that asked for it.
TEST(BalancerForwarding, KeepAliveIsSaidOnlyToAnHttp10ClientThatAskedForIt) {
  ScriptedUpstream member(kAnswerOk);
  Balancer b({member.port()});
  RawClient modern(b.port);
  modern.send("GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n");
  for (int k = 0; k < 2; ++k) {
    const auto answer = modern.read_answer();
    EXPECT_EQ(status_of(answer), "HTTP/1.1 200 OK") << answer;
    EXPECT_EQ(field_count(answer, "Connection"), 0) << answer;
    EXPECT_EQ(field_value(answer, "Content-Length"), "2") << answer;
  }
  RawClient old(b.port);
  old.send("GET /c HTTP/1.0\r\nHost: x\r\nConnection: keep-alive\r\n\r\n");
  const auto kept = old.read_answer();
  EXPECT_EQ(status_of(kept), "HTTP/1.0 200 OK") << kept;
  EXPECT_EQ(field_value(kept, "Connection"), "keep-alive") << kept;
  old.send("GET /d HTTP/1.0\r\nHost: x\r\n\r\n");
  const auto last = old.read_to_end();  // no keep-alive asked: the answer ends the connection
  EXPECT_EQ(status_of(last), "HTTP/1.0 200 OK") << last;
  EXPECT_EQ(body_of(last), "ok") << last;
  const auto seen = member.requests();
  ASSERT_EQ(seen.size(), 4u);
  for (const auto& request : seen) {
    EXPECT_TRUE(request.head.find(" HTTP/1.1\r\n") != std::string::npos) << request.head;
    EXPECT_EQ(field_count(request.head, "Connection"), 0) << request.head;
  }
}

TEST(BalancerForwarding, RequestWithoutHostOrWithTwoIs400) {
  ScriptedUpstream member(kAnswerOk);
  Balancer b({member.port()});
  for (const std::string request :
       {"GET / HTTP/1.1\r\n\r\n", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"}) {
    RawClient client(b.port);
    client.send(request);
    EXPECT_EQ(status_of(client.read_answer()), "HTTP/1.1 400 Bad Request") << request;
  }
  EXPECT_TRUE(member.requests().empty());
}

// Regression (issue 15.5): a HEAD answered by the balancer itself carried the error's body,
// which the client then read as the start of the next answer.
TEST(BalancerForwarding, HeadAnsweredByTheBalancerItselfCarriesNoBody) {
  const auto dead = (*allocate_loopback_ports(1))[0];
  Balancer b({dead});
  RawClient client(b.port);
  client.send(
      "HEAD / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  const auto all = client.read_to_end();
  const auto first_end = all.find("\r\n\r\n");
  ASSERT_NE(first_end, std::string::npos) << all;
  EXPECT_EQ(status_of(all), "HTTP/1.1 503 Service Unavailable");
  EXPECT_NE(field_value(all.substr(0, first_end + 2), "Content-Length"), "0");
  EXPECT_EQ(status_of(all.substr(first_end + 4)), "HTTP/1.1 503 Service Unavailable") << all;
}

// Regression (issue 15.5): a client that sent Expect: 100-continue waited (curl: a second)
// for a 100 that never came before sending its body.
TEST(BalancerForwarding, ExpectContinueIsAnsweredBeforeTheBodyIsSent) {
  ScriptedUpstream member(kAnswerOk);
  Balancer b({member.port()});
  RawClient client(b.port);
  client.send("PUT /up HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
  const std::string expected = "HTTP/1.1 100 Continue\r\n\r\n";
  EXPECT_EQ(client.read(expected.size()), expected);
  client.send("hello");
  EXPECT_EQ(status_of(client.read_answer()), "HTTP/1.1 200 OK");
  const auto seen = member.requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].body, "hello");
  EXPECT_EQ(field_count(seen[0].head, "Expect"), 0) << "the member would answer 100 again";
}

// Regression (issue 15.5): "GET http://host/path" matched no ProxyPass prefix (404).
TEST(BalancerForwarding, AbsoluteFormTargetIsForwardedAsAPath) {
  ScriptedUpstream member(kAnswerOk);
  Balancer b({member.port()});
  RawClient client(b.port);
  client.send("GET http://public.example/path?q=1 HTTP/1.1\r\nHost: other\r\n\r\n");
  EXPECT_EQ(status_of(client.read_answer()), "HTTP/1.1 200 OK");
  const auto seen = member.requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(status_of(seen[0].head), "GET /path?q=1 HTTP/1.1");
  EXPECT_EQ(field_value(seen[0].head, "X-Forwarded-Host"), "public.example");
}

// Regression (issue 15.5): answers were held whole, up to 64 MiB; a 100 MB one became 502.
TEST(BalancerForwarding, LargeAnswerIsRelayedWhole) {
  constexpr std::size_t kSize = 100 * 1000 * 1000;
  ScriptedUpstream member([&](const SeenRequest&, int, const ScriptedUpstream::Write& write) {
    write("HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(kSize) + "\r\n\r\n");
    const std::string piece(1000 * 1000, 'x');
    for (std::size_t sent = 0; sent < kSize && write(piece); sent += piece.size()) {
    }
  });
  Balancer b({member.port()});
  RawClient client(b.port);
  client.send("GET /big HTTP/1.1\r\nHost: x\r\n\r\n");
  const auto answer = client.read_answer();
  EXPECT_EQ(status_of(answer), "HTTP/1.1 200 OK");
  EXPECT_EQ(body_of(answer).size(), kSize);
}

// An answer of unknown length is relayed chunked, and the client's connection stays usable.
TEST(BalancerForwarding, AnswerOfUnknownLengthIsRelayedChunked) {
  ScriptedUpstream member([](const SeenRequest&, int n, const ScriptedUpstream::Write& write) {
    if (n > 1) {
      write(http_answer("HTTP/1.1 200 OK", {}, "second"));
      return;
    }
    write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
    const std::string piece(300 * 1000, 'y');
    for (int k = 0; k < 10; ++k) write(fmt_chunk(piece));
    write("0\r\n\r\n");
  });
  Balancer b({member.port()});
  boost::asio::io_context ioc;
  boost::beast::tcp_stream stream(ioc);
  stream.connect({asio::ip::make_address("127.0.0.1"), b.port});
  stream.expires_after(10s);
  namespace http = boost::beast::http;
  http::request<http::empty_body> get{http::verb::get, "/", 11};
  get.set(http::field::host, "x");
  boost::beast::flat_buffer buffer;
  http::response_parser<http::string_body> first;
  first.body_limit(16 * 1000 * 1000);
  http::write(stream, get);
  http::read(stream, buffer, first);
  EXPECT_TRUE(first.chunked());
  EXPECT_EQ(first.get().body().size(), 3u * 1000 * 1000);
  http::response<http::string_body> second;
  http::write(stream, get);
  http::read(stream, buffer, second);
  EXPECT_EQ(second.body(), "second");
}

// ProxyPreserveHost On sends the client's Host on; ServerName names the balancer.
TEST(BalancerForwarding, PreservedHostAndServerNameFromTheApacheConfiguration) {
  ScriptedUpstream member(kAnswerOk);
  const auto port = (*allocate_loopback_ports(1))[0];
  const auto conf = temp_path("preserve-host.conf");
  {
    std::ofstream out(conf);
    out << "Listen 127.0.0.1:" << port << "\nProxyPreserveHost On\nServerName lb.example\n"
        << "<Proxy balancer://c>\nBalancerMember http://127.0.0.1:" << member.port()
        << "\n</Proxy>\nProxyPass / balancer://c/\n";
  }
  CliProcess balancer({"balancer", "--apache-conf", conf});
  ASSERT_TRUE(wait_until([&] { return port_accepts(port); }, 10s)) << balancer.output_so_far();
  RawClient client(port);
  client.send("GET / HTTP/1.1\r\nHost: public.example\r\n\r\n");
  EXPECT_EQ(status_of(client.read_answer()), "HTTP/1.1 200 OK");
  const auto seen = member.requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(field_value(seen[0].head, "Host"), "public.example");
  EXPECT_EQ(field_value(seen[0].head, "X-Forwarded-Server"), "lb.example");
}

}  // namespace
}  // namespace sc::test
