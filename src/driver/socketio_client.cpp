#include "driver/socketio_client.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <cctype>

#include "contract/backend_contract.hpp"
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
EioFailure failure(int status, std::string error) { return {status, std::move(error), "", false}; }

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

void SocketIoConnection::fail(EioFailure f) {
  if (!failure_) failure_ = std::move(f);
  notify();
  sender_.cancel();
}

// An answer other than 200, or none: engine.io's 400 "Session ID unknown" is the session's loss.
// `what`: "the handshake", "the long-poll" (cut when it ends without an answer), "sending".
EioFailure SocketIoConnection::failure_of(const Exchange& x, const ResponseCapture& capture,
                                          std::string_view what) const {
  EioFailure f;
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
    ack_ = sio::ack_text(*p).value_or("");
  } else if (p->type == sio::PacketType::kDisconnect) {
    return fail(failure(0, "the server disconnected the socket"));
  }
  notify();
}

void SocketIoConnection::take_payload(std::string_view body) {
  auto packets = eio::decode_payload(body, kMaxPackets);
  if (!packets)
    return fail(failure(0, "a polling answer the client cannot read: " + packets.error().message));
  for (const auto& p : *packets) {
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
}

void SocketIoConnection::send_packet(std::string packet) {
  outbox_.push_back(std::move(packet));
  sender_.cancel();
}

asio::awaitable<void> SocketIoConnection::poll_loop() {
  while (!closing_ && !failure_) {
    poll_capture_.reset();
    const auto x =
        co_await poll_->exchange(request("GET", ""), {poll_capture_, jar_, origin()}, false);
    if (closing_) break;
    if (x.status != 0) observe_(poll_capture_.view(0, 0, x.status));
    if (x.status != 200) {
      fail(failure_of(x, poll_capture_, "the long-poll"));
      break;
    }
    const auto view = poll_capture_.view(0, 0, x.status);
    take_payload(view.body);
  }
  --running_;
  notify();
}

asio::awaitable<void> SocketIoConnection::send_loop() {
  while (!closing_ && !failure_) {
    if (outbox_.empty()) {
      sender_.expires_at(Clock::time_point::max());
      co_await sender_.async_wait(kTuple);
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

// Waits for a notification or the deadline; false once the deadline has passed.
asio::awaitable<bool> SocketIoConnection::wait_for(Clock::time_point deadline) {
  if (Clock::now() >= deadline) co_return false;
  event_.expires_at(deadline);
  co_await event_.async_wait(kTuple);
  co_return Clock::now() < deadline;
}

asio::awaitable<std::optional<EioFailure>> SocketIoConnection::open() {
  send_.emplace(ioc_, target_, timeout_);
  send_->set_source(source_);
  ++running_;
  asio::co_spawn(ioc_, watch(*send_), asio::detached);
  send_capture_.reset();
  const auto x =
      co_await send_->exchange(request("GET", ""), {send_capture_, jar_, origin()}, false);
  if (x.status != 0) observe_(send_capture_.view(0, 0, x.status));
  if (x.status != 200) co_return failure_of(x, send_capture_, "the handshake");
  auto packet = eio::decode(send_capture_.view(0, 0, 200).body);
  auto h = packet && packet->type == eio::PacketType::kOpen
               ? eio::decode_handshake(packet->data)
               : Result<eio::Handshake>(Error{"not an open packet"});
  if (!h) co_return failure(0, "the handshake's answer is not engine.io's: " + h.error().message);
  // The sid goes into every request line: only what engine.io's ids are made of.
  const bool plain = h->sid.size() <= 64 && std::all_of(h->sid.begin(), h->sid.end(), [](char c) {
                       return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' ||
                              c == '=' || c == '.' || c == '~';
                     });
  if (!plain)
    co_return failure(0, "the handshake's sid is not an engine.io id: " + printable(h->sid));
  sid_ = h->sid;
  // A poll is held up to the ping interval: its exchange may take that long, and more.
  poll_.emplace(ioc_, target_,
                timeout_ + std::chrono::milliseconds(h->ping_interval_ms + h->ping_timeout_ms));
  poll_->set_source(source_);
  running_ += 3;
  asio::co_spawn(ioc_, watch(*poll_), asio::detached);
  asio::co_spawn(ioc_, poll_loop(), asio::detached);
  asio::co_spawn(ioc_, send_loop(), asio::detached);
  send_packet("40");
  const auto deadline = Clock::now() + timeout_;
  while (!connected_ && !failure_)
    if (!(co_await wait_for(deadline)))
      co_return failure(0,
                        fmt::format("no socket.io connect answer within {} ms", timeout_.count()));
  if (failure_) co_return failure_;
  co_return std::nullopt;
}

asio::awaitable<std::variant<std::string, EioFailure>> SocketIoConnection::emit(std::uint64_t id) {
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
  if (!failure_ && !sid_.empty() && send_) {
    send_packet("1");
    const auto deadline = Clock::now() + timeout_;
    while ((!outbox_.empty() || sending_) && !failure_ && (co_await wait_for(deadline))) {
    }
  }
  closing_ = true;
  if (poll_) poll_->finish();
  if (send_) send_->finish();
  sender_.cancel();
  while (running_ > 0) {
    event_.expires_after(std::chrono::seconds(1));
    co_await event_.async_wait(kTuple);
  }
}

}  // namespace sc::detail
