#pragma once
// The run the adapters are fuzzed for: two backends, a listen address, a runtime directory,
// and the paths of a run's TLS certificate.
#include "proxies/config_adapt.hpp"

namespace sc::fuzz {

inline AdaptInput adapt_input() {
  AdaptInput in;
  in.file = "fuzz.conf";
  in.listen = "127.0.0.1:40000";
  in.runtime_dir = "/tmp/run";
  in.backend_names = {"www1", "www2"};
  in.backend_addresses = {"127.0.0.1:40001", "127.0.0.1:40002"};
  in.tls_cert = "/tmp/run/cert.pem";
  in.tls_key = "/tmp/run/key.pem";
  return in;
}

}  // namespace sc::fuzz
