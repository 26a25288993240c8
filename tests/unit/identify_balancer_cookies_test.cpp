// The balancer cookie catalogue, one balancer at a time, with the examples of
// spec/proxy-stickiness.md and the published decoders.
#include <gtest/gtest.h>

#include "identify/balancer_cookies.hpp"

namespace sc::identify {
namespace {

const CatalogueOptions kPlain{.redact = false};

TEST(ApacheRouteCookie, RouteAfterTheFirstDot) {
  auto c = recognise_balancer_cookie("ROUTEID", ".www1");
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->balancer, Balancer::apache);
  EXPECT_TRUE(c->identifies);
  EXPECT_EQ(c->member, "www1");
  EXPECT_EQ(recognise_balancer_cookie("BALANCEID", "balancer.www2")->member, "www2");
  EXPECT_EQ(recognise_balancer_cookie("BALANCEID", "id.www1.eu")->member, "www1.eu");
}

TEST(ApacheRouteCookie, WithoutRouteIsRecognisedButNamesNoMember) {
  auto c = recognise_balancer_cookie("ROUTEID", "www1");
  ASSERT_TRUE(c.has_value());
  EXPECT_FALSE(c->identifies);
  EXPECT_NE(c->note.find("no route"), std::string::npos);
}

TEST(ApacheRouteCookie, ConfiguredSeparator) {
  CatalogueOptions options;
  options.apache_separator = '_';
  EXPECT_EQ(recognise_balancer_cookie("ROUTEID", "x_www3", options)->member, "www3");
}

TEST(ApacheRouteCookie, TomcatJvmRouteInJsessionid) {
  auto c = recognise_balancer_cookie("JSESSIONID", "8F3A1C9E2B7D4F60A1B2C3D4E5F60718.node2");
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->member, "node2");
  EXPECT_FALSE(recognise_balancer_cookie("JSESSIONID", "8F3A1C9E2B7D4F60").has_value());
}

TEST(HaproxyCookie, PlainPrefixAndDatedValues) {
  EXPECT_EQ(recognise_balancer_cookie("SERVERID", "s1")->member, "s1");
  EXPECT_EQ(recognise_balancer_cookie("SERVERID", "s2|ZX4bM|ZX4bM")->member, "s2");
  EXPECT_EQ(recognise_balancer_cookie("SRV", "app3~a8f3c9d2e1")->member, "app3");
  EXPECT_EQ(recognise_balancer_cookie("SRV", "s1")->balancer, Balancer::haproxy);
}

TEST(HaproxyCookie, EmptyValueIsNotRecognised) {
  EXPECT_FALSE(recognise_balancer_cookie("SERVERID", "").has_value());
}

TEST(BigipCookie, PlainFormDecodedToAddress) {
  EXPECT_EQ(decode_bigip_value("1677787402.36895.0000"), "10.1.1.100:8080");
  EXPECT_EQ(decode_bigip_value("2684427692.51205.0000"), "172.29.1.160:1480");
  auto c = recognise_balancer_cookie("BIGipServerpool_web", "1677787402.36895.0000", kPlain);
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->balancer, Balancer::f5_bigip);
  EXPECT_TRUE(c->identifies);
  EXPECT_TRUE(c->member_is_address);
  EXPECT_EQ(c->member, "10.1.1.100:8080");
}

TEST(BigipCookie, RouteDomainForms) {
  EXPECT_EQ(decode_bigip_value("rd5o00000000000000000000ffffc0000201o80"), "192.0.2.1:80");
  EXPECT_EQ(decode_bigip_value("rd3o20010112000000000000000000000030o443"), "[2001:112::30]:443");
}

TEST(BigipCookie, Ipv6Form) {
  EXPECT_EQ(decode_bigip_value("vi20010112000000000000000000000030.20480"), "[2001:112::30]:80");
}

TEST(BigipCookie, EncryptedValueDoesNotIdentify) {
  auto c = recognise_balancer_cookie("BIGipServerpool", "!Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA==");
  ASSERT_TRUE(c.has_value());
  EXPECT_FALSE(c->identifies);
  EXPECT_NE(c->note.find("encrypted"), std::string::npos);
}

TEST(BigipCookie, MalformedValuesDoNotDecode) {
  EXPECT_FALSE(decode_bigip_value("1677787402.36895.0001").has_value());
  EXPECT_FALSE(decode_bigip_value("99999999999.80.0000").has_value());
  EXPECT_FALSE(decode_bigip_value("1677787402.99999.0000").has_value());
  EXPECT_FALSE(decode_bigip_value("rd5oZZo80").has_value());
  EXPECT_FALSE(decode_bigip_value("vi2001.80").has_value());
  EXPECT_FALSE(recognise_balancer_cookie("BIGipServerp", "garbage")->identifies);
}

TEST(CitrixCookie, ServiceAddressDecoded) {
  EXPECT_EQ(decode_citrix_value("ffffffffaf1a1e4b45525d5f4f58455e445a4a42378b"), "172.18.0.90:443");
  auto c = recognise_balancer_cookie("NSC_wtsw-xfc", "ffffffffaf1a1e4b45525d5f4f58455e445a4a42378b",
                                     kPlain);
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->balancer, Balancer::citrix);
  EXPECT_EQ(c->member, "172.18.0.90:443");
}

TEST(CitrixCookie, VserverNameShiftedBack) {
  EXPECT_EQ(decode_citrix_vserver("NSC_wtsw-xfc"), "vsrv-web");
  EXPECT_EQ(decode_citrix_vserver("NSC_bcA"), "abZ");
}

TEST(CitrixCookie, NonPersistenceValueDoesNotIdentify) {
  auto c = recognise_balancer_cookie("NSC_TMAS", "not-hex-at-all");
  ASSERT_TRUE(c.has_value());
  EXPECT_FALSE(c->identifies);
}

TEST(IngressNginxCookie, ValueNamesThePod) {
  auto c = recognise_balancer_cookie("INGRESSCOOKIE", "1683894213.651.41.532744|d3b07384d113");
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->balancer, Balancer::ingress_nginx);
  EXPECT_TRUE(c->identifies);
}

TEST(TraefikCookie, DefaultNameHashValue) {
  auto c = recognise_balancer_cookie("_1d52e", "fe23b5c7a1e0b9d4");
  EXPECT_FALSE(c.has_value());  // five hex digits: not Traefik's default name
  c = recognise_balancer_cookie("_1d52e3", "fe23b5c7a1e0b9d4");
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->balancer, Balancer::traefik);
  EXPECT_EQ(c->member, "fe23b5c7a1e0b9d4");
}

TEST(TraefikCookie, OldServerUrlValueIsAnAddress) {
  auto c = recognise_balancer_cookie("_1d52e3", "http://10.42.0.12:80");
  ASSERT_TRUE(c.has_value());
  EXPECT_TRUE(c->member_is_address);
  EXPECT_EQ(c->member, redacted_member_label("http://10.42.0.12:80"));
}

TEST(CaddyCookie, HexHmacValue) {
  auto c = recognise_balancer_cookie(
      "lb", "6b86b273ff34fce19d6b804eff5a3f5747ada4eaa22f1d49c01e52ddb7875b4b");
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->balancer, Balancer::caddy);
  EXPECT_TRUE(c->identifies);
  EXPECT_FALSE(recognise_balancer_cookie("lb", "en-GB").has_value());
}

TEST(EnvoyCookie, Base64AddressUnderAnyName) {
  EXPECT_EQ(decode_envoy_value("MTAuMC4wLjU6ODA4MA=="), "10.0.0.5:8080");
  EXPECT_EQ(decode_envoy_value("WzIwMDE6ZGI4OjoxXTo0NDM="), "[2001:db8::1]:443");
  EXPECT_FALSE(decode_envoy_value("aGVsbG8gd29ybGQ=").has_value());
  auto c = recognise_balancer_cookie("envoy-session", "MTAuMC4wLjU6ODA4MA==", kPlain);
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->balancer, Balancer::envoy);
  EXPECT_EQ(c->member, "10.0.0.5:8080");
}

TEST(AwsAlbCookie, ProvesStickinessButNamesNoTarget) {
  for (auto name : {"AWSALB", "AWSALBCORS", "AWSALBAPP-0", "AWSALBTG"}) {
    auto c = recognise_balancer_cookie(name, "qK3bXm9yZp0R2vF7tLw8sJ4nH1cD6eA5gB0iU3oY");
    ASSERT_TRUE(c.has_value()) << name;
    EXPECT_EQ(c->balancer, Balancer::aws_alb);
    EXPECT_FALSE(c->identifies);
    EXPECT_TRUE(c->rotates);
  }
}

TEST(AzureAppGatewayCookie, OpaqueAffinity) {
  auto c =
      recognise_balancer_cookie("ApplicationGatewayAffinity", "4b9a1c2f7e8d3b6a5c4f1e2d3c4b5a69");
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->balancer, Balancer::azure_app_gateway);
  EXPECT_FALSE(c->identifies);
  EXPECT_FALSE(c->rotates);
}

TEST(CloudflareCookie, OpaqueAffinity) {
  auto c = recognise_balancer_cookie("__cflb", "02DiuFA7zZL3enAQJ7o5qXhGzqd2Lf4hhFbJkw5HUQEvX");
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->balancer, Balancer::cloudflare);
  EXPECT_FALSE(c->identifies);
}

TEST(CatalogueUnknown, OrdinaryCookiesAreNotBalancerCookies) {
  EXPECT_FALSE(recognise_balancer_cookie("PHPSESSID", "k3j4h5g6f7d8s9a0").has_value());
  EXPECT_FALSE(recognise_balancer_cookie("lang", "en").has_value());
}

TEST(Redaction, DecodedAddressesAreLabelledByDefault) {
  auto c = recognise_balancer_cookie("BIGipServerpool", "1677787402.36895.0000");
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->member, redacted_member_label("10.1.1.100:8080"));
  EXPECT_EQ(c->member->find("10.1.1.100"), std::string::npos);
}

TEST(Redaction, LabelIsStableAndKeepsMembersApart) {
  EXPECT_EQ(redacted_member_label("10.1.1.100:8080"), redacted_member_label("10.1.1.100:8080"));
  EXPECT_NE(redacted_member_label("10.1.1.100:8080"), redacted_member_label("10.1.1.101:8080"));
  EXPECT_EQ(redacted_member_label("x").substr(0, 7), "member-");
  EXPECT_EQ(redacted_member_label("x").size(), 13u);
}

TEST(CatalogueHostile, BinaryAndHugeValuesNeverCrash) {
  std::string junk;
  for (int i = 0; i < 70000; ++i) junk.push_back(static_cast<char>(i % 256));
  for (auto name : {"ROUTEID", "SERVERID", "BIGipServerx", "NSC_x", "INGRESSCOOKIE", "_abcdef",
                    "lb", "AWSALB", "whatever"}) {
    (void)recognise_balancer_cookie(name, junk);
    (void)recognise_balancer_cookie(name, "\xff\xfe\xfd");
  }
  EXPECT_FALSE(decode_bigip_value(junk).has_value());
  EXPECT_FALSE(decode_citrix_value(junk).has_value());
  EXPECT_FALSE(decode_envoy_value(junk).has_value());
}

}  // namespace
}  // namespace sc::identify
