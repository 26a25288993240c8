#include "balancer/request_path.hpp"

#include <vector>

namespace sc {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool is_unreserved(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

// AP_NORMALIZE_DECODE_UNRESERVED: "%70" is "p", so it must match as "p"; other escapes stay.
std::string decode_unreserved(std::string_view path) {
  std::string out;
  out.reserve(path.size());
  for (std::size_t i = 0; i < path.size(); ++i) {
    if (path[i] == '%' && i + 2 < path.size()) {
      const int hi = hex_value(path[i + 1]), lo = hex_value(path[i + 2]);
      const char c = static_cast<char>(hi * 16 + lo);
      if (hi >= 0 && lo >= 0 && is_unreserved(c)) {
        out.push_back(c);
        i += 2;
        continue;
      }
    }
    out.push_back(path[i]);
  }
  return out;
}

// Merges runs of '/' (MergeSlashes On) and resolves "." and ".." segments; false when a ".."
// would climb above the root (AP_NORMALIZE_NOT_ABOVE_ROOT).
bool resolve_segments(std::string_view path, std::string& out) {
  std::vector<std::string_view> kept;
  bool trailing_slash = false;
  std::size_t start = 1;  // path[0] is '/'
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    const auto segment = path.substr(start, end - start);
    const bool last = end == path.size();
    trailing_slash = last;  // a last segment that is empty, "." or ".." leaves a '/'
    if (segment == "..") {
      if (kept.empty()) return false;
      kept.pop_back();
    } else if (!segment.empty() && segment != ".") {
      kept.push_back(segment);
      trailing_slash = false;
    }
    start = end + 1;
  }
  out = "/";
  for (std::size_t i = 0; i < kept.size(); ++i) {
    if (i) out += '/';
    out += kept[i];
  }
  if (trailing_slash && !kept.empty()) out += '/';
  return true;
}

// ap_unescape_url: a malformed escape is 400; an encoded '/' (AllowEncodedSlashes Off) or
// NUL is 404. Returns the status, 0 when the path decodes.
unsigned unescape(std::string_view path, std::string& out, std::string& reason) {
  out.clear();
  for (std::size_t i = 0; i < path.size(); ++i) {
    if (path[i] != '%') {
      out.push_back(path[i]);
      continue;
    }
    const int hi = i + 2 < path.size() ? hex_value(path[i + 1]) : -1;
    const int lo = hi >= 0 ? hex_value(path[i + 2]) : -1;
    if (hi < 0 || lo < 0) {
      reason = "a '%' in the path is not followed by two hex digits";
      return 400;
    }
    const char c = static_cast<char>(hi * 16 + lo);
    if (c == '/' || c == '\0') {
      reason = c == '/' ? "an encoded '/' (%2F) in the path" : "an encoded NUL (%00) in the path";
      return 404;
    }
    out.push_back(c);
    i += 2;
  }
  return 0;
}

// A path with no escape, no empty segment and no segment starting with '.' is its own
// normal form, encoded and decoded: most paths, which then skip the three passes below.
bool already_normal(std::string_view path) {
  return path.find('%') == std::string_view::npos && path.find("//") == std::string_view::npos &&
         path.find("/.") == std::string_view::npos;
}

}  // namespace

RequestPath normalise_request_path(std::string_view path) {
  RequestPath r;
  if (path.empty() || path[0] != '/') {
    r.refuse = 400;
    r.reason = "the path does not start with '/'";
    return r;
  }
  if (already_normal(path)) {
    r.encoded = path;
    r.decoded = path;
    return r;
  }
  if (!resolve_segments(decode_unreserved(path), r.encoded)) {
    r.refuse = 400;
    r.reason = "a '..' segment climbs above the root";
    r.encoded.clear();
    return r;
  }
  r.refuse = unescape(r.encoded, r.decoded, r.reason);
  return r;
}

std::size_t match_path_prefix(std::string_view path, std::string_view prefix) {
  std::size_t p = 0, u = 0;
  while (p < prefix.size() && u < path.size()) {
    if (prefix[p] == '/') {
      if (path[u] != '/') return 0;
      while (p < prefix.size() && prefix[p] == '/') ++p;
      while (u < path.size() && path[u] == '/') ++u;
    } else if (path[u++] != prefix[p++]) {
      return 0;
    }
  }
  if (p != prefix.size()) return 0;  // the path ended first
  if (prefix.empty()) return 0;
  // The prefix's last segment must be matched whole.
  if (prefix.back() != '/' && u < path.size() && path[u] != '/') return 0;
  return u;
}

std::string encode_path(std::string_view decoded) {
  static constexpr std::string_view kKept = "/~$-_.+!*'(),;:@&=";
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(decoded.size());
  for (char c : decoded) {
    const auto u = static_cast<unsigned char>(c);
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
        kKept.find(c) != std::string_view::npos) {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 15]);
    }
  }
  return out;
}

}  // namespace sc
