#include "scripted_upstream.hpp"

#include <sys/socket.h>

#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <sstream>

namespace sc::test {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using asio::ip::tcp;

ScriptedUpstream::ScriptedUpstream(Script script)
    : script_(std::move(script)), acceptor_(ioc_, {asio::ip::make_address("127.0.0.1"), 0}) {
  acceptor_thread_ = std::thread([this] { accept_loop(); });
}

ScriptedUpstream::~ScriptedUpstream() {
  stop_ = true;
  boost::system::error_code ec;
  tcp::socket poke(ioc_);
  poke.connect(acceptor_.local_endpoint(), ec);  // unblocks accept
  acceptor_thread_.join();
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& s : sockets_) s->shutdown(tcp::socket::shutdown_both, ec);
  }
  for (auto& t : threads_) t.join();
}

std::uint16_t ScriptedUpstream::port() const { return acceptor_.local_endpoint().port(); }

std::vector<SeenRequest> ScriptedUpstream::requests() {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_;
}

void ScriptedUpstream::accept_loop() {
  for (int connection = 1; !stop_; ++connection) {
    auto socket = std::make_shared<tcp::socket>(ioc_);
    boost::system::error_code ec;
    acceptor_.accept(*socket, ec);
    if (ec || stop_) return;
    std::lock_guard<std::mutex> lock(mu_);
    sockets_.push_back(socket);
    threads_.emplace_back([this, socket, connection] { serve(socket, connection); });
  }
}

// Beast parses each request (chunked bodies decoded); the raw head is kept as received.
void ScriptedUpstream::serve(std::shared_ptr<tcp::socket> socket, int connection) {
  boost::beast::flat_buffer buffer;
  const Write write = [&](const std::string& bytes) {
    boost::system::error_code ec;
    asio::write(*socket, asio::buffer(bytes), ec);
    return !ec;
  };
  while (!stop_) {
    http::request_parser<http::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    boost::system::error_code ec;
    http::read_header(*socket, buffer, parser, ec);
    if (ec) return;
    SeenRequest seen{connection, {}, {}};
    std::ostringstream head;
    head << parser.get().base();
    seen.head = head.str();
    if (!parser.is_done()) http::read(*socket, buffer, parser, ec);
    if (ec) return;
    seen.body = parser.get().body();
    int n = 0;
    {
      std::lock_guard<std::mutex> lock(mu_);
      requests_.push_back(seen);
      n = ++request_count_;
    }
    script_(seen, n, write);
  }
}

RawClient::RawClient(std::uint16_t port) : socket_(ioc_) {
  socket_.connect({asio::ip::make_address("127.0.0.1"), port});
  struct timeval tv {
    5, 0
  };
  ::setsockopt(socket_.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
}

void RawClient::send(const std::string& bytes) { asio::write(socket_, asio::buffer(bytes)); }

std::string RawClient::read(std::size_t bytes) {
  std::string out;
  std::vector<char> buf(65536);
  while (out.size() < bytes) {
    const ssize_t n =
        ::recv(socket_.native_handle(), buf.data(), std::min(buf.size(), bytes - out.size()), 0);
    if (n <= 0) break;
    out.append(buf.data(), static_cast<std::size_t>(n));
  }
  return out;
}

std::string RawClient::read_answer() {
  std::string head;
  while (head.find("\r\n\r\n") == std::string::npos) {
    auto c = read(1);
    if (c.empty()) return head;
    head += c;
  }
  const auto length = field_value(head, "Content-Length");
  return head + read(length.empty() ? 0 : std::stoul(length));
}

std::string http_answer(const std::string& status_line, const std::vector<std::string>& fields,
                        const std::string& body) {
  std::string out = status_line + "\r\n";
  for (const auto& f : fields) out += f + "\r\n";
  out += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  return out;
}

namespace {

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::vector<std::string> values(const std::string& head, const std::string& name) {
  std::vector<std::string> out;
  const std::string key = lower(name) + ":";
  std::size_t pos = head.find("\r\n");
  while (pos != std::string::npos && pos + 2 < head.size()) {
    const auto next = head.find("\r\n", pos + 2);
    const std::string line = head.substr(pos + 2, next - pos - 2);
    if (lower(line).rfind(key, 0) == 0) {
      auto v = line.substr(key.size());
      v.erase(0, v.find_first_not_of(' '));
      out.push_back(v);
    }
    pos = next;
  }
  return out;
}

}  // namespace

std::string field_value(const std::string& head, const std::string& name) {
  auto v = values(head, name);
  return v.empty() ? "" : v.front();
}

int field_count(const std::string& head, const std::string& name) {
  return static_cast<int>(values(head, name).size());
}

}  // namespace sc::test
