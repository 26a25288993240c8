#pragma once
// A throw-away certificate for a run over TLS: a P-256 key and a self-signed certificate for
// the site's names (and localhost, 127.0.0.1), valid for a day, written for the proxy to serve
// and for the driver to trust. The user's own certificate and key are never read.
#include <string>
#include <vector>

#include "util/result.hpp"

namespace sc {

// The key is written 0600; an existing file at either path is an error (nothing is
// overwritten, nothing is left half-written).
Status make_tls_certificate(const std::vector<std::string>& names, const std::string& cert_path,
                            const std::string& key_path);

}  // namespace sc
