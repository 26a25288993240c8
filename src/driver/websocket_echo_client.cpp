#include "driver/websocket_echo_client.hpp"

#include <fmt/format.h>

#include <iterator>
#include <nlohmann/json.hpp>

#include "contract/backend_contract.hpp"
#include "util/text.hpp"

namespace sc::detail {

namespace {
constexpr std::size_t kMaxEcho = 64 * 1024;  // the echo of a short message, and its name
constexpr std::size_t kMessageBytes = 64;
}  // namespace

std::optional<std::string> echo_backend(std::string_view echo, std::string_view sent) {
  const auto j = nlohmann::json::parse(echo, nullptr, false);
  if (!j.is_object()) return std::nullopt;
  const auto backend = j.find(contract::field::kBackend);
  const auto text = j.find("echo");
  if (backend == j.end() || !backend->is_string() || text == j.end() || !text->is_string() ||
      text->get_ref<const std::string&>() != sent)
    return std::nullopt;
  return backend->get<std::string>();
}

WebSocketEchoConnection::WebSocketEchoConnection(boost::asio::io_context& ioc,
                                                 const LeanTarget& target, std::string_view path,
                                                 std::uint32_t session,
                                                 std::chrono::milliseconds timeout, CookieJar* jar,
                                                 std::optional<boost::asio::ip::address> source,
                                                 const ResponseReader& observer,
                                                 std::function<void(const ResponseView&)> observe)
    : target_(target),
      path_(target.path_prefix + std::string(path)),
      session_(session),
      timeout_(timeout),
      jar_(jar),
      source_(source),
      observe_(std::move(observe)),
      ws_(ioc, target, WsLimits{timeout, std::chrono::milliseconds(0), kMaxEcho}) {
  capture_.use(observer);
}

boost::asio::awaitable<std::optional<RealtimeFailure>> WebSocketEchoConnection::open() {
  capture_.reset();
  const auto x = co_await ws_.open(path_, source_, {capture_, jar_, origin()});
  if (x.status != 0) observe_(capture_.view(session_, 0, x.status));
  if (x.status == 101) co_return std::nullopt;
  RealtimeFailure f;
  f.status = x.status;
  f.error = x.status == 0 ? "the WebSocket handshake failed: " + x.error
                          : fmt::format("the WebSocket upgrade was answered HTTP {}", x.status);
  if (x.status != 0)
    for (const auto& h : capture_.view(session_, 0, x.status).headers)
      if (h.name == contract::kBackendHeaderLower) f.backend = h.value;
  co_return f;
}

boost::asio::awaitable<std::variant<std::string, RealtimeFailure>> WebSocketEchoConnection::ask(
    std::uint64_t id) {
  // At least 64 bytes, the size of a chat line or a small JSON update (bench/run websocket).
  sent_.clear();
  fmt::format_to(std::back_inserter(sent_), "stickycheck session {} message {} ", session_, id);
  if (sent_.size() < kMessageBytes) sent_.append(kMessageBytes - sent_.size(), '.');
  ws_.expires_after(timeout_);
  auto ec = co_await ws_.write(sent_);
  std::string_view echo;
  if (!ec) ec = co_await ws_.read(echo);
  ws_.expires_never();
  if (ec) {
    const auto error = ws_.timed_out() ? fmt::format("no echo within {} ms", timeout_.count())
                                       : "the WebSocket was cut: " + ec.message();
    co_return RealtimeFailure{0, error, "", false};
  }
  if (auto backend = echo_backend(echo, sent_)) co_return std::move(*backend);
  co_return RealtimeFailure{
      0, "the echo is not the message sent: " + printable(echo.substr(0, 120)), "", false};
}

boost::asio::awaitable<void> WebSocketEchoConnection::close() {
  ws_.close();
  co_return;
}

}  // namespace sc::detail
