// fake-consul --run-checks with https:// checks: a real TLS handshake against HTTPS servers
// this test runs on loopback with certificates made by the openssl CLI. Verification as
// Consul's agent does it: a self-signed certificate is critical naming the verification
// failure unless TLSSkipVerify; TLSServerName is the name the certificate must carry, checked
// against the agent's CA with --enable-agent-tls-for-checks; Timeout bounds the handshake.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>

#include <atomic>
#include <fstream>
#include <future>
#include <mutex>
#include <thread>

#include <nlohmann/json.hpp>

#include "tests/support/test_helpers.hpp"
#include "tests/support/process/child.hpp"
#include "tests/fakes/consul/checking_agent.hpp"
#include "tests/fakes/consul/probed_endpoint.hpp"
#include "tests/fakes/consul/test_certificates.hpp"
#include "fakes/common/http/client.hpp"
#include "fakes/common/http/server.hpp"

namespace fs = std::filesystem;
using nlohmann::json;
using namespace std::chrono_literals;
using fakes::http::bhttp::verb;

namespace {

using regtest::Certificates;

// The endpoint HttpsChecks probe: HTTPS with the given certificate.
class HttpsEndpoint : public consultest::ProbedEndpoint {
 public:
  HttpsEndpoint(const std::string& cert, const std::string& key)
      : ProbedEndpoint("tls ok", fakes::http::TlsListenerOptions{cert, key, "", false}) {}
};

// A loopback TLS server that records the SNI name of each handshake and answers 200.
class SniRecorder {
 public:
  SniRecorder(const std::string& cert, const std::string& key) {
    tls_.use_certificate_chain_file(cert);
    tls_.use_private_key_file(key, boost::asio::ssl::context::pem);
    port_ = acceptor_.local_endpoint().port();
    accept();
    thread_ = std::thread([this] { io_.run(); });
  }
  ~SniRecorder() {
    io_.stop();
    thread_.join();
  }
  std::vector<std::string> names() {
    std::lock_guard lock(mutex_);
    return names_;
  }
  std::string url() const { return "https://127.0.0.1:" + std::to_string(port_) + "/"; }

 private:
  using TlsSocket = boost::asio::ssl::stream<boost::asio::ip::tcp::socket>;
  void accept() {
    acceptor_.async_accept([this](boost::system::error_code ec, boost::asio::ip::tcp::socket socket) {
      if (ec) return;
      auto tls = std::make_shared<TlsSocket>(std::move(socket), tls_);
      tls->async_handshake(boost::asio::ssl::stream_base::server, [this, tls](boost::system::error_code e) {
        if (e) return;
        const char* name = SSL_get_servername(tls->native_handle(), TLSEXT_NAMETYPE_host_name);
        {
          std::lock_guard lock(mutex_);
          names_.push_back(name ? name : "");
        }
        static const std::string answer = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok";
        boost::asio::async_write(*tls, boost::asio::buffer(answer), [tls](boost::system::error_code, std::size_t) {});
      });
      accept();
    });
  }

  boost::asio::io_context io_;
  boost::asio::ssl::context tls_{boost::asio::ssl::context::tls_server};
  boost::asio::ip::tcp::acceptor acceptor_{io_, {boost::asio::ip::make_address("127.0.0.1"), 0}};
  std::uint16_t port_ = 0;
  std::mutex mutex_;
  std::vector<std::string> names_;
  std::thread thread_;
};

class HttpsChecks : public ::testing::Test {
 protected:
  void start(const std::vector<std::string>& extra) {
    ASSERT_TRUE(certs_.ok) << "openssl could not make the test certificates";
    endpoint_ = consultest::start_checking_agent(dir_.path(), consul_, extra);
  }
  void register_service(const std::string& id, const json& check) {
    json body = {{"ID", id}, {"Name", "web"}, {"Address", "127.0.0.1"}, {"Port", 443}, {"Check", check}};
    auto answer = fakes::http::fetch(endpoint_, verb::put, "/v1/agent/service/register", body.dump());
    ASSERT_EQ(answer.status, 200u) << answer.body;
  }
  json check_of(const std::string& id) {
    auto all = json::parse(fakes::http::fetch(endpoint_, verb::get, "/v1/health/checks/web").body);
    for (const auto& c : all)
      if (c["ServiceID"] == id) return c;
    return json::object();
  }
  bool becomes(const std::string& id, const std::string& status, std::chrono::milliseconds within = 10s) {
    return regtest::eventually([&] { return check_of(id).value("Status", "") == status; }, within);
  }
  std::string output_of(const std::string& id) { return check_of(id).value("Output", ""); }
  // For a check that starts critical (no initial Status), "critical" alone is no sign it ran.
  bool reaches(const std::string& id, const std::string& status, const std::string& output) {
    return regtest::eventually([&] {
      const auto c = check_of(id);
      return c.value("Status", "") == status && c.value("Output", "") == output;
    }, 10s);
  }

  regtest::TempDir dir_{"consul-https-checks"};
  Certificates certs_{dir_.path()};
  std::unique_ptr<test_support::ChildProcess> consul_;
  fakes::http::Endpoint endpoint_;
};

TEST_F(HttpsChecks, SelfSignedCertificateIsCriticalUnlessTlsSkipVerify) {
  start({});
  HttpsEndpoint server(certs_.file("self.pem"), certs_.file("self.key"));
  const std::string url = server.url("/health");
  register_service("verified", {{"HTTP", url}, {"Interval", "100ms"}, {"Timeout", "2s"}, {"Status", "passing"}});
  register_service("skipped", {{"HTTP", url}, {"Interval", "100ms"}, {"Timeout", "2s"}, {"TLSSkipVerify", true}});

  ASSERT_TRUE(becomes("verified", "critical")) << check_of("verified").dump();
  EXPECT_EQ(output_of("verified").rfind("Get \"" + url + "\": tls: failed to verify certificate: self", 0), 0u)
      << output_of("verified");
  EXPECT_NE(output_of("verified").find("signed certificate"), std::string::npos) << output_of("verified");
  ASSERT_TRUE(becomes("skipped", "passing")) << check_of("skipped").dump();
  EXPECT_EQ(output_of("skipped"), "HTTP GET " + url + ": 200 OK Output: tls ok");

  // Definition as Consul's HealthCheckDefinition: TLSSkipVerify only when true, TLSServerName
  // only when set.
  EXPECT_EQ(check_of("skipped")["Definition"].value("TLSSkipVerify", false), true) << check_of("skipped").dump();
  EXPECT_FALSE(check_of("skipped")["Definition"].contains("TLSServerName"));
  EXPECT_FALSE(check_of("verified")["Definition"].contains("TLSSkipVerify")) << check_of("verified").dump();

  // Status follows the answer over TLS too: 429 warning, 500 critical.
  server.answer(429);
  EXPECT_TRUE(becomes("skipped", "warning")) << check_of("skipped").dump();
  server.answer(500);
  EXPECT_TRUE(becomes("skipped", "critical")) << check_of("skipped").dump();
}

TEST_F(HttpsChecks, MethodHeaderAndBodyGoOverTls) {
  start({});
  HttpsEndpoint server(certs_.file("self.pem"), certs_.file("self.key"));
  const std::string url = server.url("/probe");
  register_service("post", {{"HTTP", url}, {"Method", "POST"}, {"Header", {{"X-Probe", {"over-tls"}}}},
                            {"Body", "ping"}, {"Interval", "100ms"}, {"tls_skip_verify", true}});
  ASSERT_TRUE(becomes("post", "passing")) << check_of("post").dump();
  EXPECT_EQ(output_of("post"), "HTTP POST " + url + ": 200 OK Output: tls ok");
  EXPECT_EQ(server.last(), "POST Consul Health Check | over-tls | ping");
}

TEST_F(HttpsChecks, TlsServerNameIsVerifiedAgainstTheAgentsCa) {
  start({"--enable-agent-tls-for-checks", "--tls-ca", certs_.file("ca.pem")});
  HttpsEndpoint server(certs_.file("named.pem"), certs_.file("named.key"));
  const std::string url = server.url("/health");
  // snake_case as in an agent's configuration file; the certificate names checks.internal.
  register_service("named", {{"HTTP", url}, {"Interval", "100ms"}, {"tls_server_name", "checks.internal"}});
  register_service("wrong-name", {{"HTTP", url}, {"Interval", "100ms"}, {"TLSServerName", "other.internal"}});
  register_service("by-ip", {{"HTTP", url}, {"Interval", "100ms"}});

  ASSERT_TRUE(becomes("named", "passing")) << check_of("named").dump();
  EXPECT_EQ(output_of("named"), "HTTP GET " + url + ": 200 OK Output: tls ok");
  EXPECT_EQ(check_of("named")["Definition"].value("TLSServerName", ""), "checks.internal");
  EXPECT_TRUE(reaches("wrong-name", "critical", "Get \"" + url + "\": tls: failed to verify certificate: hostname mismatch"))
      << check_of("wrong-name").dump();
  // Without TLSServerName the URL's host (an IP) is what the certificate must name.
  EXPECT_TRUE(reaches("by-ip", "critical", "Get \"" + url + "\": tls: failed to verify certificate: IP address mismatch"))
      << check_of("by-ip").dump();
}

TEST_F(HttpsChecks, TlsServerNameIsSentAsSniAndAnIpHostSendsNone) {
  start({});
  SniRecorder server(certs_.file("self.pem"), certs_.file("self.key"));
  register_service("sni", {{"HTTP", server.url()}, {"Interval", "1h"}, {"TLSSkipVerify", true},
                           {"TLSServerName", "sni.internal"}});
  ASSERT_TRUE(becomes("sni", "passing")) << check_of("sni").dump();
  ASSERT_EQ(fakes::http::fetch(endpoint_, verb::put, "/v1/agent/service/deregister/sni").status, 200u);
  register_service("no-sni", {{"HTTP", server.url()}, {"Interval", "1h"}, {"TLSSkipVerify", true}});
  ASSERT_TRUE(becomes("no-sni", "passing")) << check_of("no-sni").dump();
  // Go's client sends no SNI for an IP address; the probes ran once each (Interval 1h).
  EXPECT_EQ(server.names(), (std::vector<std::string>{"sni.internal", ""}));
}

TEST_F(HttpsChecks, AgentCaDoesNotTrustOtherCertificates) {
  // With the agent's CA only, the self-signed server is not trusted even for its own IP.
  start({"--enable-agent-tls-for-checks", "--tls-ca", certs_.file("ca.pem")});
  HttpsEndpoint server(certs_.file("self.pem"), certs_.file("self.key"));
  register_service("self", {{"HTTP", server.url("/")}, {"Interval", "100ms"}, {"Status", "passing"}});
  ASSERT_TRUE(becomes("self", "critical")) << check_of("self").dump();
  EXPECT_NE(output_of("self").find("tls: failed to verify certificate: self"), std::string::npos) << output_of("self");
}

TEST_F(HttpsChecks, SilentHandshakeIsCutAtTheTimeoutAndTheApiKeepsAnswering) {
  start({});
  // Accepts TCP connections (the kernel does) but never speaks TLS.
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor mute(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  const std::string url = "https://127.0.0.1:" + std::to_string(mute.local_endpoint().port()) + "/";
  register_service("mute", {{"HTTP", url}, {"Interval", "100ms"}, {"Timeout", "300ms"}, {"Status", "passing"},
                            {"TLSSkipVerify", true}});
  const auto registered = std::chrono::steady_clock::now();
  // While the handshake hangs, the API answers at once.
  const auto asked = std::chrono::steady_clock::now();
  EXPECT_EQ(fakes::http::fetch(endpoint_, verb::get, "/v1/agent/self").status, 200u);
  EXPECT_LT(std::chrono::steady_clock::now() - asked, 250ms);
  ASSERT_TRUE(becomes("mute", "critical", 5s)) << check_of("mute").dump();
  EXPECT_GE(std::chrono::steady_clock::now() - registered, 250ms) << "critical before the Timeout ran out";
  EXPECT_EQ(output_of("mute").rfind("Get \"" + url + "\": tls: ", 0), 0u) << output_of("mute");
}

TEST(HttpsChecksFlags, AgentTlsForChecksNeedsTheCa) {
  auto result = test_support::run_shell(regtest::bin("fake-consul") + " --http 127.0.0.1:0 --enable-agent-tls-for-checks 2>&1");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.output.find("--enable-agent-tls-for-checks needs --tls-ca"), std::string::npos) << result.output;
  regtest::TempDir dir("consul-https-flags");
  result = test_support::run_shell(regtest::bin("fake-consul") + " --http 127.0.0.1:0 --run-checks --enable-agent-tls-for-checks" +
                              " --tls-ca " + (dir.path() / "missing.pem").string() + " 2>&1");
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.output.find("missing.pem"), std::string::npos) << result.output;
}

}  // namespace
