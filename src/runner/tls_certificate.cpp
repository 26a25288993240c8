#include "runner/tls_certificate.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "util/text.hpp"

namespace sc {

namespace {

struct KeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct CertFree {
  void operator()(X509* c) const { X509_free(c); }
};
struct FileClose {
  void operator()(std::FILE* f) const { std::fclose(f); }
};

std::string openssl_error(std::string_view what) {
  const unsigned long e = ERR_get_error();
  char text[256] = {};
  if (e) ERR_error_string_n(e, text, sizeof text);
  return fmt::format("cannot make the run's TLS certificate: {}{}{}", what, e ? ": " : "", text);
}

// "DNS:app.example.com,DNS:localhost,IP:127.0.0.1": names that are addresses go as IP.
std::string subject_alt_names(const std::vector<std::string>& names) {
  std::string san;
  auto add = [&](std::string_view kind, std::string_view n) {
    san += fmt::format("{}{}:{}", san.empty() ? "" : ",", kind, n);
  };
  for (const auto& n : names) {
    const bool address = n.find_first_not_of("0123456789.") == std::string::npos ||
                         n.find(':') != std::string::npos;
    add(address ? "IP" : "DNS", n);
  }
  add("DNS", "localhost");
  add("IP", "127.0.0.1");
  return san;
}

bool add_extension(X509* cert, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  if (!ext) return false;
  const bool ok = X509_add_ext(cert, ext, -1) == 1;
  X509_EXTENSION_free(ext);
  return ok;
}

Result<std::unique_ptr<X509, CertFree>> self_signed(EVP_PKEY* key,
                                                    const std::vector<std::string>& names) {
  std::unique_ptr<X509, CertFree> cert(X509_new());
  if (!cert) return Error{openssl_error("X509_new")};
  unsigned char serial[16];
  if (RAND_bytes(serial, sizeof serial) != 1) return Error{openssl_error("RAND_bytes")};
  serial[0] &= 0x7f;  // a positive serial number
  BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
  const bool serial_ok = bn && BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()));
  BN_free(bn);
  if (!serial_ok) return Error{openssl_error("serial number")};
  X509_set_version(cert.get(), 2);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24 * 3600);
  X509_set_pubkey(cert.get(), key);
  X509_NAME* subject = X509_get_subject_name(cert.get());
  const std::string cn = names.empty() ? "localhost" : names.front().substr(0, 64);
  X509_NAME_add_entry_by_txt(subject, "O", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("stickycheck run"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  X509_set_issuer_name(cert.get(), subject);
  if (!add_extension(cert.get(), NID_basic_constraints, "critical,CA:TRUE") ||
      !add_extension(cert.get(), NID_subject_key_identifier, "hash") ||
      !add_extension(cert.get(), NID_subject_alt_name, subject_alt_names(names)))
    return Error{openssl_error("certificate extensions")};
  if (X509_sign(cert.get(), key, EVP_sha256()) == 0) return Error{openssl_error("X509_sign")};
  return cert;
}

// Opens a new file (never an existing one) with `mode`.
Result<std::unique_ptr<std::FILE, FileClose>> create_file(const std::string& path, mode_t mode) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0)
    return Error{fmt::format("cannot make the run's TLS certificate: cannot create {}: {}",
                             path, std::strerror(errno))};
  std::unique_ptr<std::FILE, FileClose> f(::fdopen(fd, "w"));
  if (!f) {
    ::close(fd);
    return Error{fmt::format("cannot make the run's TLS certificate: cannot write {}", path)};
  }
  return f;
}

}  // namespace

namespace {

// Each file 0600 for a key (0644 for the certificate alone); either all are written or none
// is left.
struct TlsFiles {
  std::vector<std::pair<std::string, std::unique_ptr<FILE, FileClose>>> open;
  void remove_all() {
    for (auto& [path, f] : open) {
      f.reset();
      ::unlink(path.c_str());
    }
  }
};

}  // namespace

Status make_tls_certificate(const std::vector<std::string>& names, const TlsPaths& paths) {
  for (const auto& n : names)
    if (!valid_host_name(n))
      return Error{fmt::format("cannot make the run's TLS certificate for '{}': not a host name",
                               printable(n))};
  std::unique_ptr<EVP_PKEY, KeyFree> key(EVP_EC_gen("P-256"));
  if (!key) return Error{openssl_error("EVP_EC_gen")};
  auto cert = self_signed(key.get(), names);
  if (!cert) return cert.error();
  TlsFiles files;
  for (const auto& [path, mode] : {std::pair{paths.key, 0600}, std::pair{paths.cert, 0644},
                                   std::pair{paths.bundle, 0600}}) {
    if (path.empty()) continue;
    auto f = create_file(path, static_cast<mode_t>(mode));
    if (!f) {
      files.remove_all();
      return f.error();
    }
    files.open.emplace_back(path, std::move(*f));
  }
  bool written = true;
  std::string failed;
  for (auto& [path, f] : files.open) {
    const bool has_key = path != paths.cert, has_cert = path != paths.key;
    written = written && (!has_cert || PEM_write_X509(f.get(), cert->get()) == 1) &&
              (!has_key || PEM_write_PrivateKey(f.get(), key.get(), nullptr, nullptr, 0, nullptr,
                                                nullptr) == 1) &&
              std::fflush(f.get()) == 0;
    if (!written && failed.empty()) failed = path;
  }
  if (!written) {
    files.remove_all();
    return Error{openssl_error("writing " + failed)};
  }
  return ok_status();
}

}  // namespace sc
