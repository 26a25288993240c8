// The engine.io / socket.io codec and the mock backend's engine.io server, with the invariants
// the protocol implies: what decodes encodes back to the same text, and no input a client can
// send makes the server hold more than its bounds.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "backend/engineio_server.hpp"
#include "realtime/engineio_codec.hpp"

static void check(bool ok) {
  if (!ok) std::abort();
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  if (auto p = sc::eio::decode(in)) check(sc::eio::encode(*p) == in);
  if (auto ps = sc::eio::decode_payload(in, 50)) {
    check(ps->size() <= 50);
    check(sc::eio::encode_payload(*ps) == in);
  }
  if (auto s = sc::sio::decode(in)) {
    // Encoding normalises ("/," and leading zeros of an ack id go): decoding it again gives
    // the same packet.
    auto again = sc::sio::decode(sc::sio::encode(*s));
    check(again && *again == *s);
    sc::sio::event_name(*s);
    sc::sio::ack_text(*s);
  }
  sc::eio::decode_handshake(in);
  sc::eio::parse_error_body(in);
  sc::classify_engineio("GET", in, in.size() % 2 == 0);

  sc::EngineIoOptions o;
  o.max_payload = 4096;
  unsigned n = 0;
  sc::EngineIoServer server(o, "www1", [&n] { return n++; });
  const auto now = sc::EngineIoServer::Clock::now();
  auto open = server.open(sc::EioTransport::kPolling, now);
  check(open.has_value());
  const auto sid = sc::eio::decode_handshake(sc::eio::decode(*open)->data)->sid;
  server.receive_payload(sid, in, now);
  if (server.holds(sid, now)) {
    server.receive_message(sid, in, now);
    auto out = server.take_payload(sid, now);
    // Every answer is one packet per packet received, each far smaller than the input allows.
    check(!out || out->size() <= 64 * (in.size() + 1) + 64);
  }
  check(server.size() <= 1);
  return 0;
}
