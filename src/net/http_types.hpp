#pragma once
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <functional>
#include <string>

namespace sc::net {

namespace http = boost::beast::http;
using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;
class BodyStream;
class TimedStream;

// The connection a request came on. A handler that cannot hold its answer in memory (a large
// proxied body) writes it itself through `stream`, within `write_timeout`, and sets `answered`
// (and `close` when the connection cannot carry another exchange); the transport then writes
// nothing. `client_keep_alive` is the client's own choice.
struct Connection {
  boost::asio::ip::tcp::endpoint remote;  // the client: for Require and X-Forwarded-For
  boost::asio::ip::tcp::endpoint local;   // the address it connected to: for Require local
  std::string remote_ip;                  // remote's address as text, once per connection
  TimedStream* stream = nullptr;
  std::chrono::milliseconds write_timeout{30000};
  // The request's body when ServerOptions::stream_bodies and the request has one; else the
  // body is in the Request. What the handler leaves unread, the transport discards.
  BodyStream* body = nullptr;
  bool client_keep_alive = true;
  bool answered = false;
  bool close = false;
};

// Request handling is separate from the transport: a handler maps a request to a response.
// The transport does not use the request after its handler, so a handler may move from it.
using AsyncHandler = std::function<boost::asio::awaitable<Response>(Request&, Connection&)>;

struct ServerOptions {
  std::chrono::milliseconds read_timeout{30000};  // whole request, idle keep-alive included
  std::chrono::milliseconds write_timeout{30000};
  std::uint32_t header_limit = 16 * 1024;
  // One request body, buffered or streamed (then it is httpd's LimitRequestBody). Past it: 413.
  std::uint64_t body_limit = 8 * 1024 * 1024;
  // Hand request bodies to the handler as they arrive (Connection::body) rather than read
  // them whole first: memory per connection stays bounded whatever the body's size, and
  // buffered_body_limit does not apply.
  bool stream_bodies = false;
  // Where the transport reports trouble that is not one request's (accept failing); may be empty.
  std::function<void(const std::string&)> log;
  // All request bodies held at once, over every connection: past it a request is refused
  // (503) rather than buffered. A chunked body counts as body_limit until it is read.
  std::uint64_t buffered_body_limit = 256 * 1024 * 1024;
};

// Field lookups on the hot path walk the few fields a message has, in order: Beast's lookup
// in its tree of names (find, count, equal_range, and keep_alive() and chunked() through
// them) costs 100 to 400 instructions each, a dozen times per proxied request. A header
// holds at most ServerOptions::header_limit bytes, so a walk stays short.

// The first field named `name`, as Beast's find() gives it, or fields.end().
http::fields::const_iterator first_field(const http::fields& fields, http::field name);

// How many fields are named `name`, as Beast's count().
std::size_t count_fields(const http::fields& fields, http::field name);

// What Beast's message keep_alive() says: the first Connection field's tokens, read by the
// version ("close" ends an HTTP/1.1 connection, "keep-alive" keeps a 1.0 one).
bool keeps_alive(const http::fields& fields, unsigned version);

// What Beast's message chunked() says: the first Transfer-Encoding field ends in "chunked".
bool is_chunked(const http::fields& fields);

// A plain response with a text body, for errors the transport itself answers.
Response text_response(http::status status, unsigned version, std::string body);

}  // namespace sc::net
