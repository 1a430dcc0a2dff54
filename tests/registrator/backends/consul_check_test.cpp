// Exact Check / registration JSON, mirroring upstream consul/consul.go buildCheck().
#include <gtest/gtest.h>

#include "registrator/backends/consul.hpp"
#include "registrator/backends/registry_factory.hpp"

using nlohmann::ordered_json;
using registrator::build_consul_check;
using registrator::build_consul_registration;
using registrator::Service;

namespace {

Service svc(std::map<std::string, std::string> attrs) {
  Service s;
  s.id = "host1:web:80";
  s.name = "web";
  s.ip = "10.0.0.5";
  s.port = 8080;
  s.attrs = std::move(attrs);
  s.origin.container_id = "0123456789abcdef0123";
  s.origin.exposed_port = "80";
  return s;
}

std::string check(std::map<std::string, std::string> attrs) {
  auto c = build_consul_check(svc(std::move(attrs)));
  return c ? c->dump() : "null";
}

}  // namespace

TEST(RegistratorConsulCheck, NoneWithoutCheckAttrs) {
  EXPECT_EQ(check({}), "null");
  EXPECT_EQ(check({{"region", "eu"}}), "null");
  EXPECT_EQ(check({{"check_interval", "5s"}}), "null");
}

TEST(RegistratorConsulCheck, HttpDefaultInterval) {
  EXPECT_EQ(check({{"check_http", "/health"}}), R"({"Interval":"10s","HTTP":"http://10.0.0.5:8080/health"})");
}

TEST(RegistratorConsulCheck, HttpWithIntervalTimeoutMethod) {
  EXPECT_EQ(check({{"check_http", "/h"}, {"check_interval", "15s"}, {"check_timeout", "1s"},
                   {"check_http_method", "HEAD"}}),
            R"({"Interval":"15s","Timeout":"1s","HTTP":"http://10.0.0.5:8080/h","Method":"HEAD"})");
}

TEST(RegistratorConsulCheck, HttpsWithMethodAndTimeout) {
  EXPECT_EQ(check({{"check_https", "/secure"}, {"check_timeout", "2s"}, {"check_https_method", "POST"}}),
            R"({"Interval":"10s","Timeout":"2s","HTTP":"https://10.0.0.5:8080/secure","Method":"POST"})");
  // check_http_method does not apply to https checks (upstream).
  EXPECT_EQ(check({{"check_https", "/s"}, {"check_http_method", "HEAD"}}),
            R"({"Interval":"10s","HTTP":"https://10.0.0.5:8080/s"})");
}

TEST(RegistratorConsulCheck, Tcp) {
  EXPECT_EQ(check({{"check_tcp", "true"}, {"check_interval", "3s"}, {"check_timeout", "1s"}}),
            R"({"Interval":"3s","Timeout":"1s","TCP":"10.0.0.5:8080"})");
}

TEST(RegistratorConsulCheck, TtlHasNoInterval) {
  EXPECT_EQ(check({{"check_ttl", "30s"}, {"check_interval", "5s"}}), R"({"TTL":"30s"})");
}

TEST(RegistratorConsulCheck, ScriptInterpolatesIpAndPort) {
  EXPECT_EQ(check({{"check_script", "nc $SERVICE_IP $SERVICE_PORT && echo $SERVICE_IP"}}),
            R"({"ScriptArgs":["nc 10.0.0.5 8080 && echo 10.0.0.5"],"Interval":"10s"})");
}

TEST(RegistratorConsulCheck, Cmd) {
  EXPECT_EQ(check({{"check_cmd", "/bin/check"}}),
            R"({"ScriptArgs":["check-cmd","0123456789ab","80","/bin/check"],"Interval":"10s"})");
}

TEST(RegistratorConsulCheck, GrpcPlainTlsAndSkipVerify) {
  EXPECT_EQ(check({{"check_grpc", "true"}}), R"({"Interval":"10s","GRPC":"10.0.0.5:8080"})");
  EXPECT_EQ(check({{"check_grpc", "true"}, {"check_grpc_use_tls", "true"}, {"check_timeout", "3s"}}),
            R"({"Interval":"10s","Timeout":"3s","GRPC":"10.0.0.5:8080","GRPCUseTLS":true})");
  EXPECT_EQ(check({{"check_grpc", "true"}, {"check_grpc_use_tls", "true"}, {"check_tls_skip_verify", "true"}}),
            R"({"Interval":"10s","TLSSkipVerify":true,"GRPC":"10.0.0.5:8080","GRPCUseTLS":true})");
  // skip-verify only counts together with TLS (upstream).
  EXPECT_EQ(check({{"check_grpc", "true"}, {"check_tls_skip_verify", "true"}}),
            R"({"Interval":"10s","GRPC":"10.0.0.5:8080"})");
}

TEST(RegistratorConsulCheck, InitialStatusAndDeregisterAfter) {
  EXPECT_EQ(check({{"check_http", "/h"}, {"check_initial_status", "passing"}, {"check_deregister_after", "90m"}}),
            R"({"Interval":"10s","HTTP":"http://10.0.0.5:8080/h","Status":"passing",)"
            R"("DeregisterCriticalServiceAfter":"90m"})");
  EXPECT_EQ(check({{"check_ttl", "10s"}, {"check_initial_status", "critical"}}),
            R"({"TTL":"10s","Status":"critical"})");
}

TEST(RegistratorConsulCheck, PrecedenceHttpBeforeOthers) {
  EXPECT_EQ(check({{"check_tcp", "true"}, {"check_http", "/h"}, {"check_ttl", "5s"}}),
            R"({"Interval":"10s","HTTP":"http://10.0.0.5:8080/h"})");
  EXPECT_EQ(check({{"check_tcp", "true"}, {"check_ttl", "5s"}}), R"({"TTL":"5s"})");
}

TEST(RegistratorConsulRegistration, GoFieldOrderAndOmitEmpty) {
  Service s = svc({{"check_http", "/h"}, {"region", "eu"}});
  s.tags = {"a", "b"};
  EXPECT_EQ(build_consul_registration(s).dump(),
            R"({"ID":"host1:web:80","Name":"web","Tags":["a","b"],"Port":8080,"Address":"10.0.0.5",)"
            R"("Meta":{"check_http":"/h","region":"eu"},"Check":{"Interval":"10s","HTTP":"http://10.0.0.5:8080/h"},)"
            R"("Checks":null})");
  Service bare;
  bare.id = "x";
  bare.name = "y";
  EXPECT_EQ(build_consul_registration(bare).dump(), R"({"ID":"x","Name":"y","Check":null,"Checks":null})");
}

TEST(RegistratorRegistryUri, ErrorsLikeUpstream) {
  auto message = [](const std::string& uri) {
    try {
      registrator::make_registry(uri);
      return std::string("ok");
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
  };
  EXPECT_EQ(message("nosuch://127.0.0.1:2379/x"), "unrecognized adapter: nosuch://127.0.0.1:2379/x");
  EXPECT_EQ(message("foo"), "unrecognized adapter: foo");
  EXPECT_EQ(message(""), "unrecognized adapter: ");
  EXPECT_EQ(message("consul://host:port"), "bad adapter uri: consul://host:port");
  EXPECT_EQ(message("://x"), "bad adapter uri: ://x");
  EXPECT_EQ(message("127.0.0.1:8500"), "bad adapter uri: 127.0.0.1:8500");
  EXPECT_EQ(message("consul://a%zz"), "bad adapter uri: consul://a%zz");
  EXPECT_EQ(message("consul://127.0.0.1:8500"), "ok");
  EXPECT_EQ(message("CONSUL://127.0.0.1:8500"), "ok");
  EXPECT_EQ(message("consul://"), "ok");
  EXPECT_EQ(message("consul-unix:///tmp/consul.sock"), "ok");
}

TEST(RegistratorRegistryUri, Parse) {
  auto u = registrator::parse_adapter_uri("consul://user@localhost:8500/prefix?x=1");
  EXPECT_EQ(u.scheme, "consul");
  EXPECT_EQ(u.host, "localhost:8500");
  EXPECT_EQ(u.path, "/prefix");
}

TEST(RegistratorConsulRegistration, EnableTagOverrideFromServiceAttribute) {
  // SERVICE_ENABLE_TAG_OVERRIDE=true arrives as the attribute enable_tag_override.
  for (const char* yes : {"true", "1", "TRUE", "True", "t"}) {
    auto j = build_consul_registration(svc({{"enable_tag_override", yes}}));
    ASSERT_TRUE(j.contains("EnableTagOverride")) << yes;
    EXPECT_EQ(j["EnableTagOverride"], true) << yes;
    // Field order as consul's api.AgentServiceRegistration: after Address, before Meta.
    EXPECT_NE(j.dump().find(R"("Address":"10.0.0.5","EnableTagOverride":true,"Meta":)"), std::string::npos);
  }
  for (const char* no : {"false", "0", "yes", ""}) {
    auto j = build_consul_registration(svc({{"enable_tag_override", no}}));
    EXPECT_FALSE(j.contains("EnableTagOverride")) << no;
  }
}

TEST(RegistratorConsulRegistration, MetaThatConsulRejectsIsDroppedAndNamed) {
  auto ok = registrator::consul_meta({{"region", "us2"}, {"check_http", "/h"}, {"a-b_C9", "x"}});
  EXPECT_TRUE(ok.dropped.empty());
  EXPECT_EQ(ok.kept.size(), 3u);

  auto bad = registrator::consul_meta({{"foo.bar", "1"},
                                       {"consul-x", "1"},
                                       {std::string(129, 'k'), "1"},
                                       {"big", std::string(513, 'v')},
                                       {"caf\xc3\xa9", "1"},
                                       {"region", "eu"}});
  EXPECT_EQ(bad.kept, (std::map<std::string, std::string>{{"region", "eu"}}));
  ASSERT_EQ(bad.dropped.size(), 5u);
  auto has = [&](const std::string& text) {
    return std::any_of(bad.dropped.begin(), bad.dropped.end(),
                       [&](const std::string& p) { return p.find(text) != std::string::npos; });
  };
  EXPECT_TRUE(has("Meta key \"foo.bar\" has characters outside [A-Za-z0-9_-]"));
  EXPECT_TRUE(has("Meta key \"caf\xc3\xa9\" has characters outside [A-Za-z0-9_-]"));
  EXPECT_TRUE(has("Meta key \"consul-x\" uses the reserved prefix consul-"));
  EXPECT_TRUE(has("is longer than 128 characters"));
  EXPECT_TRUE(has("Meta value of \"big\" is longer than 512 characters"));

  // The registration body carries only what is kept; checks still come from every attribute.
  Service s;
  s.id = "x";
  s.name = "y";
  s.ip = "10.0.0.5";
  s.port = 80;
  s.attrs = {{"foo.bar", "1"}, {"region", "eu"}, {"check_tcp", "true"}};
  EXPECT_EQ(build_consul_registration(s).dump(),
            R"({"ID":"x","Name":"y","Port":80,"Address":"10.0.0.5","Meta":{"check_tcp":"true","region":"eu"},)"
            R"("Check":{"Interval":"10s","TCP":"10.0.0.5:80"},"Checks":null})");
  s.attrs = {{"consul-only", "1"}};
  EXPECT_EQ(build_consul_registration(s).dump().find("Meta"), std::string::npos);

  std::map<std::string, std::string> many;
  for (int i = 0; i < 70; ++i) many["k" + std::string(i < 10 ? "0" : "") + std::to_string(i)] = "v";
  auto too_many = registrator::consul_meta(many);
  ASSERT_EQ(too_many.kept.size(), 64u);
  EXPECT_EQ(too_many.kept.rbegin()->first, "k63");
  ASSERT_EQ(too_many.dropped.size(), 6u);
  EXPECT_EQ(too_many.dropped[0], "Meta key \"k64\" is beyond Consul's 64 pairs");
}
