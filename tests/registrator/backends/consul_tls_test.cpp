// consul-tls:// for real: certificates made with the openssl CLI, fake-consul's HTTPS listener
// with verify_incoming, and the registrator binary registering a container through it. The
// negative cases check what an operator sees when the CA or the client certificate is wrong.
#include <gtest/gtest.h>

#include <cstdlib>

#include "tests/support/registrator/docker_request.hpp"
#include "tests/support/process/fake_consul_process.hpp"
#include "tests/support/process/child.hpp"
#include "registrator/http/http_client.hpp"

using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

using regtest::bin;

int sh(const std::string& command) { return test_support::run_shell(command).exit_code; }

// A CA, a server certificate for 127.0.0.1 and a client certificate signed by it, and a second
// CA that signed nothing of ours.
struct Certificates {
  explicit Certificates(const fs::path& dir) : dir(dir) {
    const std::string d = dir.string();
    const std::string ec = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
    std::ofstream(dir / "server.ext") << "subjectAltName=IP:127.0.0.1,DNS:localhost\n";
    std::ofstream(dir / "client.ext") << "extendedKeyUsage=clientAuth\n";
    ok = sh("cd '" + d + "' && openssl req -x509 " + ec + " -keyout ca.key -out ca.pem -days 2 -subj /CN=test-ca" +
            " && openssl req -x509 " + ec + " -keyout other-ca.key -out other-ca.pem -days 2 -subj /CN=other-ca" +
            " && openssl req " + ec + " -keyout server.key -out server.csr -subj /CN=server.dc1.consul" +
            " && openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2" +
            "    -extfile server.ext -out server.pem" +
            " && openssl req " + ec + " -keyout client.key -out client.csr -subj /CN=registrator" +
            " && openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2" +
            "    -extfile client.ext -out client.pem") == 0;
  }
  std::string file(const char* name) const { return (dir / name).string(); }
  fs::path dir;
  bool ok = false;
};

class ConsulTls : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(certs.ok) << "openssl could not make the test certificates";
    const fs::path ready = dir.path() / "consul.ready";
    consul = std::make_unique<test_support::ChildProcess>(
        test_support::Command{bin("fake-consul"), "--http", "127.0.0.1:0", "--https", "127.0.0.1:0", "--tls-cert",
                                 certs.file("server.pem"), "--tls-key", certs.file("server.key"), "--tls-ca",
                                 certs.file("ca.pem"), "--verify-incoming", "--ready-file", ready.string()},
        test_support::Output::log_file(dir.path() / "consul.log"));
    ASSERT_TRUE(consul->wait_for_file(ready, 20s));
    auto doc = nlohmann::json::parse(regtest::read_text(ready));
    http = doc.at("http").get<std::string>();
    https = doc.at("https").get<std::string>();

    socket = (dir.path() / "docker.sock").string();
    const fs::path docker_ready = dir.path() / "docker.ready";
    docker = std::make_unique<test_support::ChildProcess>(
        test_support::Command{bin("fake-docker"), "--socket", socket, "--ready-file", docker_ready.string()},
        test_support::Output::log_file(dir.path() / "docker.log"));
    ASSERT_TRUE(docker->wait_for_file(docker_ready, 20s));
    const std::string create = R"({"Image":"web","ExposedPorts":{"80/tcp":{}},)"
                               R"("HostConfig":{"PortBindings":{"80/tcp":[{"HostIp":"","HostPort":"8080"}]}}})";
    ASSERT_EQ(docker_call("POST", "/v1.47/containers/create?name=web1", create).status, 201u);
    ASSERT_EQ(docker_call("POST", "/v1.47/containers/web1/start").status, 204u);
  }

  registrator::http::Response docker_call(const std::string& method, const std::string& target,
                                          const std::string& body = {}) {
    return regtest::docker_request(socket, method, target, body);
  }

  // Runs registrator with the given TLS environment against the HTTPS port.
  void start_registrator(const std::string& ca, const std::string& cert, const std::string& key) {
    registrator = std::make_unique<test_support::ChildProcess>(
        test_support::Command{bin("registrator"), "-hostname", "host1", "-ip", "127.0.0.1", "-retry-attempts",
                              "2", "-retry-interval", "50", "consul-tls://" + https}
            .env("DOCKER_HOST", "unix://" + socket)
            .env("CONSUL_CACERT", ca)
            .env("CONSUL_CLIENT_CERT", cert)
            .env("CONSUL_CLIENT_KEY", key),
        test_support::Output::log_file(log_path()));
  }

  std::string log_path() const { return (dir.path() / "registrator.log").string(); }

  // What a user reads from the catalog over plain HTTP.
  nlohmann::json catalog_service(const std::string& name) {
    auto colon = http.rfind(':');
    registrator::http::Request req;
    req.target = "/v1/catalog/service/" + name;
    auto r = registrator::http::send(registrator::http::Endpoint::tcp(http.substr(0, colon), http.substr(colon + 1)),
                                     req, 5s);
    return nlohmann::json::parse(r.body);
  }

  regtest::TempDir dir{"reg-consul-tls"};
  Certificates certs{dir.path()};
  std::string http, https, socket;
  std::unique_ptr<test_support::ChildProcess> consul, docker, registrator;
};

TEST_F(ConsulTls, RegistersThroughHttpsWithAClientCertificate) {
  start_registrator(certs.file("ca.pem"), certs.file("client.pem"), certs.file("client.key"));
  ASSERT_TRUE(regtest::eventually([&] { return catalog_service("web").size() == 1; }, 15s))
      << regtest::read_text(log_path());
  auto entry = catalog_service("web")[0];
  EXPECT_EQ(entry["ServiceID"], "host1:web1:80");
  EXPECT_EQ(entry["ServicePort"], 8080);
  EXPECT_EQ(entry["ServiceAddress"], "127.0.0.1");
  EXPECT_NE(regtest::read_text(log_path()).find("Using consul-tls adapter: consul-tls://" + https), std::string::npos);
}

TEST_F(ConsulTls, AServerCertificateFromAnotherCaIsRefusedAndNothingIsRegistered) {
  start_registrator(certs.file("other-ca.pem"), certs.file("client.pem"), certs.file("client.key"));
  ASSERT_TRUE(regtest::eventually([&] { return !registrator->running(); }, 15s)) << "registrator kept running";
  const std::string log = regtest::read_text(log_path());
  EXPECT_NE(log.find("https://" + https + ": tls handshake: certificate verify failed"), std::string::npos) << log;
  EXPECT_TRUE(catalog_service("web").empty());
}

TEST_F(ConsulTls, WithoutAClientCertificateVerifyIncomingRefusesTheConnection) {
  start_registrator(certs.file("ca.pem"), "", "");
  ASSERT_TRUE(regtest::eventually([&] { return !registrator->running(); }, 15s)) << "registrator kept running";
  const std::string log = regtest::read_text(log_path());
  EXPECT_NE(log.find("https://" + https + ": "), std::string::npos) << log;
  EXPECT_TRUE(catalog_service("web").empty());
}

TEST_F(ConsulTls, CurlSeesTheSameApiOnTheHttpsListener) {
  // An independent TLS client: the listener is real TLS, not something only our client accepts.
  const std::string out = (dir.path() / "curl.out").string();
  ASSERT_EQ(sh("curl -sS --fail --cacert '" + certs.file("ca.pem") + "' --cert '" + certs.file("client.pem") +
               "' --key '" + certs.file("client.key") + "' -o '" + out + "' https://" + https + "/v1/status/leader"),
            0);
  EXPECT_NE(regtest::read_text(out).find(":8300\""), std::string::npos) << regtest::read_text(out);
  // No client certificate: the handshake fails.
  EXPECT_NE(sh("curl -sS --fail --cacert '" + certs.file("ca.pem") + "' https://" + https + "/v1/status/leader"), 0);
}

TEST(ConsulTlsSettings, UnreadableFilesAreNamedAtStartUp) {
  try {
    registrator::http::make_tls_context({"/nonexistent/ca.pem", "", ""});
    FAIL() << "no error for a missing CA file";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("Cannot set up Consul TLSConfig: CONSUL_CACERT /nonexistent/ca.pem"),
              std::string::npos)
        << e.what();
  }
  try {
    registrator::http::make_tls_context({"", "/tmp/client.pem", ""});
    FAIL() << "no error for a certificate without its key";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("CONSUL_CLIENT_CERT and CONSUL_CLIENT_KEY must be set together"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
