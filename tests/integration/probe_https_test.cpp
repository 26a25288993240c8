// `stickycheck probe` of an https target: nginx in front of the PHP backends, with a
// self-signed certificate made at test time (never committed).
#include <gtest/gtest.h>

#include "php_site.hpp"

namespace sc::test {
namespace {

class ProbeHttps : public ::testing::Test {
 protected:
  void SetUp() override {
    auto tls = make_self_signed_certificate(temp_path(""));
    ASSERT_TRUE(tls.ok()) << tls.error().message;
    tls_ = *tls;
    auto site = PhpSite::start(sites::nginx_hash_tls(tls_));
    ASSERT_TRUE(site.ok()) << site.error().message;
    site_ = std::move(*site);
  }
  TlsFiles tls_;
  std::unique_ptr<PhpSite> site_;
};

TEST_F(ProbeHttps, TargetWithItsCertificateIsProbedWithoutErrors) {
  const auto r = run_probe(site_->url("https"),
                           {.extra = {"--identify", "json:/backend", "--cacert", tls_.cert}});
  ASSERT_TRUE(r.scenario.is_object()) << r.describe();
  EXPECT_EQ(r.scenario["metrics"]["requests"], 60) << r.describe();
  EXPECT_EQ(r.scenario["metrics"]["errors"], 0) << r.describe();
  EXPECT_EQ(r.scenario["metrics"]["backends"].size(), 2u) << r.describe();
}

TEST_F(ProbeHttps, HostNameThroughResolveIsProbedWithoutErrors) {
  const std::string port = std::to_string(site_->port());
  const auto r = run_probe("https://localhost:" + port + "/",
                           {.extra = {"--identify", "json:/backend", "--cacert", tls_.cert,
                                      "--resolve", "localhost:" + port + ":127.0.0.1"}});
  ASSERT_TRUE(r.scenario.is_object()) << r.describe();
  EXPECT_EQ(r.scenario["metrics"]["errors"], 0) << r.describe();
}

TEST_F(ProbeHttps, UnknownCertificateStopsTheProbeUnlessInsecure) {
  const auto refused = run_probe(site_->url("https"), {.extra = {"--identify", "json:/backend"}});
  EXPECT_EQ(refused.cli.exit_code, 3) << refused.describe();
  EXPECT_NE((refused.cli.out + refused.cli.err).find("certificate"), std::string::npos)
      << refused.describe();
  // Its cause says what to do, and no cookie story comes with it.
  const std::string causes = joined_lines(refused.scenario["diagnosis"]);
  EXPECT_NE(causes.find("the TLS handshake failed"), std::string::npos) << refused.describe();
  EXPECT_NE(causes.find("--cacert FILE"), std::string::npos) << refused.describe();
  EXPECT_NE(causes.find("--insecure"), std::string::npos) << refused.describe();
  EXPECT_EQ(causes.find("cookie"), std::string::npos) << refused.describe();

  const auto insecure =
      run_probe(site_->url("https"), {.extra = {"--identify", "json:/backend", "--insecure"}});
  ASSERT_TRUE(insecure.scenario.is_object()) << insecure.describe();
  EXPECT_EQ(insecure.scenario["metrics"]["errors"], 0) << insecure.describe();
  EXPECT_FALSE(said(insecure, "the TLS handshake failed")) << insecure.describe();
}

}  // namespace
}  // namespace sc::test
