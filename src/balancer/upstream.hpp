#pragma once
// One exchange with a member over a (possibly pooled) connection: the request out, interim
// responses skipped, the final response either held (small, known length) or relayed to the
// client as it arrives. A connection goes back to the pool only when the exchange ended
// exactly at a message boundary; anything else (an error, a 101, bytes after the answer)
// leaves its state uncertain, and then it is closed: one client's bytes never reach another.
#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <chrono>
#include <optional>
#include <string>

#include "net/http_types.hpp"
#include "net/timed_stream.hpp"

namespace sc {

struct Upstream {
  net::TimedStream stream;
  boost::beast::flat_buffer buffer;  // kept with the connection: no allocation per exchange
  std::string scratch;               // the request's start line and fields
  bool reused = false;
  bool reusable = false;  // the last exchange ended cleanly, at a message boundary
};

using HeadParser = net::http::response_parser<net::http::empty_body>;

// Bodies up to this size are read whole and answered as any response; a larger one, or one
// of unknown length, is relayed to the client while it arrives.
inline constexpr std::uint64_t kHeldBodyLimit = 1024 * 1024;

// A streamed body goes through in pieces of this size, whatever its length.
inline constexpr std::size_t kRelayChunk = 64 * 1024;

// One piece of a relayed body, framed as a chunk when `chunked`, in one gathered write. The
// deadline covers the write only: the stream then idles while the other side is read.
boost::asio::awaitable<void> write_piece(net::TimedStream& to, std::chrono::milliseconds timeout,
                                         bool chunked, const char* data, std::size_t size,
                                         boost::system::error_code& ec);

// Whether a pooled connection can carry another request: the member has not closed it nor
// sent anything unasked while it was idle. Checked before reuse, because once a streamed
// body's first byte is read from the client the request can no longer go elsewhere.
bool idle_connection_usable(Upstream& up);

// What went wrong on the client's side while its streamed body was relayed.
struct BodyRelay {
  std::uint64_t bytes = 0;              // body bytes read from the client
  boost::system::error_code client_ec;  // reading the client's body failed (e.g. body_limit)
};

// Sends `req` (with `body`, when streamed, after req's own body, its start, framed as `req`
// says: Content-Length or chunked)
// and reads the member's final response header into `parser`. Interim 1xx responses are
// discarded (the transport has already answered the client's 100-continue); 101 is final
// when `upgrade` (the route carries the upgrade asked for) and an error otherwise, and so are
// more than a few interim ones. A client-side failure ends the exchange with
// `relayed.client_ec` set and `ec` clear.
boost::asio::awaitable<void> send_and_read_head(Upstream& up, const net::Request& req,
                                                net::BodyStream* body, BodyRelay& relayed,
                                                std::optional<HeadParser>& parser,
                                                std::chrono::milliseconds timeout, bool upgrade,
                                                boost::system::error_code& ec);

bool holds_body(const HeadParser& parser);

// A response holds_body() accepts, when the buffer already holds all of it (it came with the
// header, as a small answer does): no I/O, no coroutine. nullopt when more is to be read.
std::optional<net::Response> held_from_buffer(Upstream& up, HeadParser& parser,
                                              boost::system::error_code& ec);

// Reads the rest of a response holds_body() accepts, when held_from_buffer() could not.
boost::asio::awaitable<net::Response> read_held(Upstream& up, HeadParser& parser,
                                                std::chrono::milliseconds timeout,
                                                boost::system::error_code& ec);

// Writes `head` (the response's rewritten header, no body) to the client, then relays the
// body. Framing: the member's Content-Length when it sent one, else chunked to an HTTP/1.1
// client, else the end of the connection. The client connection is marked answered (and
// closed on any error). Returns the body bytes relayed; `ec` is the member's error, if any.
boost::asio::awaitable<std::uint64_t> relay(Upstream& up, HeadParser& parser, net::Response& head,
                                            net::Connection& client,
                                            std::chrono::milliseconds timeout,
                                            boost::system::error_code& ec);

}  // namespace sc
