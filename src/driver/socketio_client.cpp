#include "driver/socketio_client.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <cctype>
#include <cmath>

#include "contract/backend_contract.hpp"
#include "identify/explicit_sources.hpp"
#include "realtime/engineio_codec.hpp"
#include "util/text.hpp"

namespace sc::detail {

namespace {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

constexpr std::size_t kMaxBody = 1'000'000;  // engine.io's default maxPayload
constexpr std::size_t kMaxPackets = 1000;    // in one polling answer

// A failure that no HTTP status tells (status 0: for the record, the event got no answer):
// a timeout, or a protocol the client cannot follow.
RealtimeFailure failure(int status, std::string error) { return {status, std::move(error), "", false}; }

}  // namespace

// The body (a payload, or engine.io's error) and the backend's identity header, for the record
// of an answer that failed; and what the observer wants.
bool SocketIoConnection::Wishes::wants_header(std::string_view lower_name) const {
  return lower_name == contract::kBackendHeaderLower || observer_.wants_header(lower_name);
}

std::size_t SocketIoConnection::Wishes::body_limit() const {
  return std::max(kMaxBody, observer_.body_limit());
}

SocketIoConnection::SocketIoConnection(asio::io_context& ioc, const LeanTarget& target,
                                       const RealtimeConfig& realtime,
                                       std::chrono::milliseconds timeout, CookieJar* jar,
                                       std::optional<asio::ip::address> source,
                                       const ResponseReader& observer,
                                       std::function<void(const ResponseView&)> observe)
    : ioc_(ioc),
      wishes_(observer),
      observe_(std::move(observe)),
      target_(target),
      realtime_(realtime),
      timeout_(timeout),
      jar_(jar),
      source_(source),
      path_(target.path_prefix + realtime.path),
      event_(ioc),
      sender_(ioc) {
  poll_capture_.use(wishes_);
  send_capture_.use(wishes_);
  ws_capture_.use(wishes_);
}

void SocketIoConnection::spawn(asio::awaitable<void> loop) {
  ++running_;
  asio::co_spawn(ioc_, std::move(loop), asio::detached);
}

std::string SocketIoConnection::websocket_target() const {
  return fmt::format("{}?EIO=4&transport=websocket{}{}", path_, sid_.empty() ? "" : "&sid=", sid_);
}

CookieOrigin SocketIoConnection::origin() const {
  return {target_.host, path_, target_.secure_context};
}

// A polling request as the client writes it; `method` GET (no body) or POST.
std::string SocketIoConnection::request(std::string_view method, std::string_view body) {
  std::string out = fmt::format(
      "{} {}?EIO=4&transport=polling&t={}{}{} HTTP/1.1\r\nHost: {}\r\n"
      "Accept: */*\r\n",
      method, path_, ++requests_, sid_.empty() ? "" : "&sid=", sid_, target_.host_header);
  scratch_.clear();
  if (jar_) jar_->cookie_header(origin(), std::chrono::system_clock::now(), scratch_);
  if (!scratch_.empty()) out += fmt::format("Cookie: {}\r\n", scratch_);
  if (method == "POST")
    out += fmt::format("Content-Type: text/plain;charset=UTF-8\r\nContent-Length: {}\r\n",
                       body.size());
  out += "\r\n";
  out += body;
  return out;
}

void SocketIoConnection::fail(RealtimeFailure f) {
  if (!failure_) failure_ = std::move(f);
  notify();
  sender_.cancel();
}

// An answer other than 200, or none: engine.io's 400 "Session ID unknown" is the session's loss.
// `what`: "the handshake", "the long-poll" (cut when it ends without an answer), "sending".
RealtimeFailure SocketIoConnection::failure_of(const Exchange& x, const ResponseCapture& capture,
                                          std::string_view what) const {
  RealtimeFailure f;
  f.status = x.status;
  if (x.status == 0) {
    f.error =
        fmt::format("{} {}: {}", what, what == "the long-poll" ? "was cut" : "failed", x.error);
    return f;
  }
  const auto view = capture.view(0, 0, x.status);
  for (const auto& h : view.headers)
    if (h.name == contract::kBackendHeaderLower) f.backend = h.value;
  const auto code = eio::parse_error_body(view.body);
  f.lost = x.status == 400 && code == eio::ErrorCode::kUnknownSid;
  f.error = code ? std::string(eio::error_message(*code))
                 : fmt::format("{} was answered HTTP {}", what, x.status);
  return f;
}

// A long-poll that ended without the node's answer: how long it was held says whose timeout
// ended it (a proxy that gives up before the node's ping, every pingInterval). engine.io's own
// errors ("Session ID unknown") keep their words.
RealtimeFailure SocketIoConnection::poll_failure(const Exchange& x,
                                                 std::chrono::steady_clock::duration held) const {
  RealtimeFailure f = failure_of(x, poll_capture_, "the long-poll");
  if (x.status != 0 && eio::parse_error_body(poll_capture_.view(0, 0, x.status).body)) return f;
  const long seconds = std::lround(std::chrono::duration<double>(held).count());
  f.error = long_poll_end_text(x.status, seconds, x.error);
  return f;
}

void SocketIoConnection::take_socketio(std::string_view text) {
  auto p = sio::decode(text);
  if (!p)
    return fail(failure(0, "a socket.io packet the client cannot read: " + p.error().message));
  if (p->type == sio::PacketType::kConnect) {
    connected_ = true;
  } else if (p->type == sio::PacketType::kConnectError) {
    return fail(failure(0, "the server refused the socket.io connect: " + printable(p->data)));
  } else if (p->type == sio::PacketType::kAck && p->ack_id && p->ack_id == awaiting_) {
    // Only the acknowledgement awaited is kept: a server's others cost no memory.
    // Bounded to a name's size: an application's long answer costs nothing either.
    ack_ = identify::identity_in_json_args(p->data, realtime_.ack_pointer).value_or("");
  } else if (p->type == sio::PacketType::kDisconnect) {
    return fail(failure(0, "the server disconnected the socket"));
  }
  notify();
}

void SocketIoConnection::take_packet(const eio::Packet& p) {
  switch (p.type) {
    case eio::PacketType::kPing:
      send_packet("3");
      break;
    case eio::PacketType::kMessage:
      take_socketio(p.data);
      break;
    case eio::PacketType::kClose:
      return fail(failure(0, "the server closed the session"));
    default:
      break;  // noop, and what the client ignores
  }
}

void SocketIoConnection::take_payload(std::string_view body) {
  auto packets = eio::decode_payload(body, kMaxPackets);
  if (!packets)
    return fail(failure(0, "a polling answer the client cannot read: " + packets.error().message));
  for (const auto& p : *packets) {
    if (failure_) return;
    take_packet(p);
  }
}

void SocketIoConnection::send_packet(std::string packet) {
  outbox_.push_back(std::move(packet));
  sender_.cancel();
}

asio::awaitable<void> SocketIoConnection::poll_loop() {
  polling_ = true;
  while (!closing_ && !failure_ && !pausing_) {
    poll_capture_.reset();
    const auto held_since = std::chrono::steady_clock::now();
    const auto x =
        co_await poll_->exchange(request("GET", ""), {poll_capture_, jar_, origin()}, false);
    if (closing_) break;
    if (x.status != 0) observe_(poll_capture_.view(0, 0, x.status));
    if (x.status != 200) {
      fail(poll_failure(x, std::chrono::steady_clock::now() - held_since));
      break;
    }
    const auto view = poll_capture_.view(0, 0, x.status);
    take_payload(view.body);
  }
  polling_ = false;
  --running_;
  notify();
}

asio::awaitable<void> SocketIoConnection::send_loop() {
  while (!closing_ && !failure_) {
    // While the upgrade drains the polling transport, packets wait for the WebSocket.
    if (outbox_.empty() || (pausing_ && !upgraded_)) {
      sender_.expires_at(Clock::time_point::max());
      co_await sender_.async_wait(kTuple);
      continue;
    }
    if (upgraded_) {
      const std::string packet = std::move(outbox_.front());
      outbox_.pop_front();
      sending_ = true;
      const auto ec = co_await ws_->write(packet);
      sending_ = false;
      notify();
      if (ec && !closing_) fail(failure(0, "sending over the WebSocket failed: " + ec.message()));
      continue;
    }
    std::string body;
    for (const auto& p : outbox_) {
      if (!body.empty()) body += eio::kRecordSeparator;
      body += p;
    }
    outbox_.clear();
    send_capture_.reset();
    sending_ = true;
    const auto x =
        co_await send_->exchange(request("POST", body), {send_capture_, jar_, origin()}, false);
    sending_ = false;
    notify();
    if (closing_) break;
    if (x.status != 0) observe_(send_capture_.view(0, 0, x.status));
    if (x.status != 200) fail(failure_of(x, send_capture_, "sending"));
  }
  --running_;
  notify();
}

asio::awaitable<void> SocketIoConnection::watch(LeanConnection& c) {
  co_await c.watchdog();
  --running_;
  notify();
}

// The WebSocket's packets, one per message, until it ends.
asio::awaitable<void> SocketIoConnection::websocket_loop() {
  while (!closing_ && !failure_) {
    std::string_view message;
    const auto ec = co_await ws_->read(message);
    if (closing_) break;
    if (ec) {
      fail(failure(0, "the WebSocket was cut: " + ec.message()));
      break;
    }
    auto p = eio::decode(message);
    if (!p) {
      fail(failure(0, "a WebSocket message the client cannot read: " + p.error().message));
      break;
    }
    take_packet(*p);
  }
  --running_;
  notify();
}

// Waits for a notification or the deadline; false once the deadline has passed.
asio::awaitable<bool> SocketIoConnection::wait_for(Clock::time_point deadline) {
  if (Clock::now() >= deadline) co_return false;
  event_.expires_at(deadline);
  co_await event_.async_wait(kTuple);
  co_return Clock::now() < deadline;
}

// The open packet's handshake: its sid, checked, and its ping window.
std::optional<RealtimeFailure> SocketIoConnection::take_handshake(std::string_view body) {
  auto packet = eio::decode(body);
  auto h = packet && packet->type == eio::PacketType::kOpen
               ? eio::decode_handshake(packet->data)
               : Result<eio::Handshake>(Error{"not an open packet"});
  if (!h) return failure(0, "the handshake's answer is not engine.io's: " + h.error().message);
  // The sid goes into every request line: only what engine.io's ids are made of.
  const bool plain = h->sid.size() <= 64 && std::all_of(h->sid.begin(), h->sid.end(), [](char c) {
                       return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' ||
                              c == '=' || c == '.' || c == '~';
                     });
  if (!plain) return failure(0, "the handshake's sid is not an engine.io id: " + printable(h->sid));
  sid_ = h->sid;
  ping_window_ = std::chrono::milliseconds(h->ping_interval_ms + h->ping_timeout_ms);
  const bool may_upgrade =
      std::find(h->upgrades.begin(), h->upgrades.end(), "websocket") != h->upgrades.end();
  upgrade_offered_ = may_upgrade;
  return std::nullopt;
}

// The socket.io connect, sent and answered.
asio::awaitable<std::optional<RealtimeFailure>> SocketIoConnection::await_connect() {
  send_packet("40");
  const auto deadline = Clock::now() + timeout_;
  while (!connected_ && !failure_)
    if (!(co_await wait_for(deadline)))
      co_return failure(0,
                        fmt::format("no socket.io connect answer within {} ms", timeout_.count()));
  if (failure_) co_return failure_;
  co_return std::nullopt;
}

asio::awaitable<std::optional<RealtimeFailure>> SocketIoConnection::open_polling() {
  send_.emplace(ioc_, target_, timeout_);
  send_->set_source(source_);
  spawn(watch(*send_));
  send_capture_.reset();
  const auto x =
      co_await send_->exchange(request("GET", ""), {send_capture_, jar_, origin()}, false);
  if (x.status != 0) observe_(send_capture_.view(0, 0, x.status));
  if (x.status != 200) co_return failure_of(x, send_capture_, "the handshake");
  if (auto f = take_handshake(send_capture_.view(0, 0, 200).body)) co_return f;
  // A poll is held up to the ping interval: its exchange may take that long, and more.
  poll_.emplace(ioc_, target_, timeout_ + ping_window_);
  poll_->set_source(source_);
  spawn(watch(*poll_));
  spawn(poll_loop());
  spawn(send_loop());
  if (auto f = co_await await_connect()) co_return f;
  if (realtime_.transports.websocket && upgrade_offered_) co_await upgrade();
  if (failure_) co_return failure_;
  co_return std::nullopt;
}

// A WebSocket alone (transports: [websocket]): the handshake is its first message.
asio::awaitable<std::optional<RealtimeFailure>> SocketIoConnection::open_websocket() {
  ws_.emplace(ioc_, target_, WsLimits{timeout_, ping_window_ + timeout_, kMaxBody});
  ws_capture_.reset();
  const auto x = co_await ws_->open(websocket_target(), source_, {ws_capture_, jar_, origin()});
  if (x.status != 0) observe_(ws_capture_.view(0, 0, x.status));
  if (x.status != 101) co_return failure_of(x, ws_capture_, "the WebSocket handshake");
  std::string_view first;
  if (const auto ec = co_await ws_->read(first))
    co_return failure(0, "no engine.io handshake over the WebSocket: " + ec.message());
  if (auto f = take_handshake(first)) co_return f;
  upgraded_ = true;
  spawn(websocket_loop());
  spawn(send_loop());
  co_return co_await await_connect();
}

asio::awaitable<std::optional<RealtimeFailure>> SocketIoConnection::open() {
  // Not a conditional expression: GCC 12 miscompiles co_await in one.
  if (realtime_.transports.polling) co_return co_await open_polling();
  co_return co_await open_websocket();
}

// `2probe` answered `3probe` on the new WebSocket.
asio::awaitable<std::optional<RealtimeFailure>> SocketIoConnection::probe() {
  ws_.emplace(ioc_, target_, WsLimits{timeout_, ping_window_ + timeout_, kMaxBody});
  ws_capture_.reset();
  const auto x = co_await ws_->open(websocket_target(), source_, {ws_capture_, jar_, origin()});
  if (x.status != 0) observe_(ws_capture_.view(0, 0, x.status));
  if (x.status != 101) {
    // A failed request (no answer to count as the backend's), with what answered in its
    // words; the engine.io session lives on over polling, so nothing is lost by it alone.
    if (x.status == 0) co_return failure(0, fmt::format("{}: {}", kUpgradeRefused, x.error));
    const auto answer = failure_of(x, ws_capture_, "the upgrade");
    const auto code = eio::parse_error_body(ws_capture_.view(0, 0, x.status).body);
    co_return failure(0, fmt::format("{}: answered HTTP {}{}{}; the client stays on long-polling",
                                     kUpgradeRefused, x.status,
                                     code ? fmt::format(" \"{}\"", eio::error_message(*code)) : "",
                                     answer.backend.empty() ? "" : " by " + answer.backend));
  }
  std::string_view answer;
  auto ec = co_await ws_->write("2probe");
  if (!ec) ec = co_await ws_->read(answer);
  if (ec) co_return failure(0, "the upgrade's probe got no answer: " + ec.message());
  if (answer != "3probe")
    co_return failure(0, "the upgrade's probe was answered " + printable(answer.substr(0, 64)));
  co_return std::nullopt;
}

// The upgrade, as the client does it: a probe on a WebSocket, then the polling transport
// drained (the server releases the waiting poll), then `5` and every packet over the
// WebSocket. A failed probe leaves the connection on polling, saying why.
asio::awaitable<void> SocketIoConnection::upgrade() {
  if (auto f = co_await probe()) {
    upgrade_failure_ = std::move(f);
    ws_.reset();
    co_return;
  }
  pausing_ = true;
  const auto deadline = Clock::now() + timeout_;
  while ((polling_ || sending_) && !failure_)
    if (!(co_await wait_for(deadline))) {
      fail(failure(0, fmt::format("the polling transport did not drain within {} ms of the "
                                  "upgrade's probe (the waiting poll was not released)",
                                  timeout_.count())));
      co_return;
    }
  if (failure_) co_return;
  if (const auto ec = co_await ws_->write("5")) {
    fail(failure(0, "the upgrade packet could not be sent: " + ec.message()));
    co_return;
  }
  upgraded_ = true;
  spawn(websocket_loop());
  sender_.cancel();  // what waited for the WebSocket goes now
}

asio::awaitable<std::variant<std::string, RealtimeFailure>> SocketIoConnection::ask(std::uint64_t id) {
  sio::Packet event;
  event.type = sio::PacketType::kEvent;
  event.ack_id = id;
  event.data = "[\"" + realtime_.event + "\"]";
  awaiting_ = id;
  ack_.reset();
  send_packet("4" + sio::encode(event));
  const auto deadline = Clock::now() + timeout_;
  while (true) {
    if (ack_) {
      awaiting_.reset();
      co_return std::move(*ack_);
    }
    if (failure_) co_return *failure_;
    if (!(co_await wait_for(deadline)))
      co_return failure(0, fmt::format("no acknowledgement within {} ms", timeout_.count()));
  }
}

asio::awaitable<void> SocketIoConnection::close() {
  // As the client's close(): the close packet, so that the server ends the session and answers
  // the poll it holds at once (a proxy's worker is not held until the next ping).
  if (!failure_ && !sid_.empty() && (send_ || upgraded_)) {
    send_packet("1");
    const auto deadline = Clock::now() + timeout_;
    while ((!outbox_.empty() || sending_) && !failure_ && (co_await wait_for(deadline))) {
    }
  }
  closing_ = true;
  if (poll_) poll_->finish();
  if (send_) send_->finish();
  if (ws_) ws_->close();
  sender_.cancel();
  while (running_ > 0) {
    event_.expires_after(std::chrono::seconds(1));
    co_await event_.async_wait(kTuple);
  }
}

}  // namespace sc::detail
