#pragma once
// A member that misbehaves on purpose: a raw-socket HTTP/1.1 server on 127.0.0.1 (a port the
// system picks) that reads each request on a keep-alive connection and writes what a script
// returns for it, byte for byte. It records every request (head and body) with the number of
// the connection it came on.
#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace sc::test {

struct SeenRequest {
  int connection = 0;  // 1 for the first connection accepted
  std::string head;    // start line and fields, up to the empty line
  std::string body;    // by Content-Length or decoded from chunks
};

class ScriptedUpstream {
 public:
  // `answer(request, n)`: the bytes to write for the n-th request (from 1), over all
  // connections. `write` sends them; a script may call it several times (a body in pieces).
  using Write = std::function<bool(const std::string&)>;
  using Script = std::function<void(const SeenRequest&, int n, const Write& write)>;
  explicit ScriptedUpstream(Script script);
  ~ScriptedUpstream();
  ScriptedUpstream(const ScriptedUpstream&) = delete;
  ScriptedUpstream& operator=(const ScriptedUpstream&) = delete;

  std::uint16_t port() const;
  std::vector<SeenRequest> requests();

 private:
  void accept_loop();
  void serve(std::shared_ptr<boost::asio::ip::tcp::socket> socket, int connection);

  Script script_;
  boost::asio::io_context ioc_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  std::vector<SeenRequest> requests_;
  std::vector<std::shared_ptr<boost::asio::ip::tcp::socket>> sockets_;
  std::vector<std::thread> threads_;
  int request_count_ = 0;
  std::thread acceptor_thread_;
};

// A client connection speaking raw bytes to 127.0.0.1:port, every read bounded (5 s).
class RawClient {
 public:
  explicit RawClient(std::uint16_t port);
  void send(const std::string& bytes);
  // Reads until `bytes` more arrived, the peer closed or the timeout passed.
  std::string read(std::size_t bytes);
  // Reads one answer with a Content-Length body (or none): head and body.
  std::string read_answer();
  std::string read_to_end() { return read(std::string::npos); }

 private:
  boost::asio::io_context ioc_;
  boost::asio::ip::tcp::socket socket_;
};

// A simple answer: status line, the fields given (each "Name: value"), Content-Length, body.
std::string http_answer(const std::string& status_line, const std::vector<std::string>& fields,
                        const std::string& body);

// The value of field `name` (case-insensitive) in a request head; "" when absent.
std::string field_value(const std::string& head, const std::string& name);
// How many times field `name` occurs in a request head.
int field_count(const std::string& head, const std::string& name);

}  // namespace sc::test
