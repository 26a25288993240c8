#pragma once
// A throw-away certificate for a run over TLS: a P-256 key and a self-signed certificate for
// the site's names (and localhost, 127.0.0.1), valid for a day, written for the proxy to serve
// and for the driver to trust. The user's own certificate and key are never read.
#include <string>
#include <vector>

#include "util/result.hpp"

namespace sc {

struct TlsPaths {
  std::string cert;
  std::string key;
  std::string bundle;  // the certificate and its key in one file (HAProxy's crt); "": none
};

// The key and the bundle are written 0600; an existing file at any path is an error (nothing
// is overwritten, nothing is left half-written).
Status make_tls_certificate(const std::vector<std::string>& names, const TlsPaths& paths);

}  // namespace sc
