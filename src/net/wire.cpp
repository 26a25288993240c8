#include "net/wire.hpp"

namespace sc::net {

namespace {

void append_version(unsigned version, std::string& out) {
  out += "HTTP/";
  out += static_cast<char>('0' + version / 10);
  out += '.';
  out += static_cast<char>('0' + version % 10);
}

void append_fields(const http::fields& fields, std::string& out) {
  for (const auto& f : fields) {
    out += f.name_string();
    out += ": ";
    out += f.value();
    out += "\r\n";
  }
  out += "\r\n";
}

}  // namespace

void append_head(const Request& req, std::string& out) {
  out += req.method_string();
  out += ' ';
  out += req.target();
  out += ' ';
  append_version(req.version(), out);
  out += "\r\n";
  append_fields(req.base(), out);
}

void append_head(const Response& res, std::string& out) {
  append_version(res.version(), out);
  out += ' ';
  out += std::to_string(res.result_int());
  out += ' ';
  const auto reason = res.reason();
  out += reason.empty() ? http::obsolete_reason(res.result()) : reason;
  out += "\r\n";
  append_fields(res.base(), out);
}

}  // namespace sc::net
