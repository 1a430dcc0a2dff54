// fake-consul --run-checks with gRPC checks against a real gRPC server: grpcio (Debian's
// python3-grpcio) serving grpc.health.v1.Health/Check from tests/fakes/consul/grpc_health_server.py,
// whose statuses the test rewrites while the checks run. Plain HTTP/2 (h2c) and TLS
// (GRPCUseTLS with TLSSkipVerify, TLSServerName and the agent's CA), Consul's outputs, the dial
// error when nothing listens, and Timeout against a server that never answers.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <csignal>
#include <fstream>

#include <nlohmann/json.hpp>

#include "tests/support/test_helpers.hpp"
#include "tests/support/process/child.hpp"
#include "tests/fakes/consul/checking_agent.hpp"
#include "fakes/common/http/client.hpp"
#include "fakes/common/http/server.hpp"
#include "tests/fakes/consul/test_certificates.hpp"

namespace fs = std::filesystem;
using nlohmann::json;
using namespace std::chrono_literals;
using fakes::http::bhttp::verb;

namespace {

// grpc_health_server.py in a process of its own; statuses() rewrites its status file.
class GrpcHealthServer {
 public:
  GrpcHealthServer(const fs::path& dir, const json& statuses, const std::string& cert = "", const std::string& key = "")
      : dir_(dir) {
    set(statuses);
    const std::string script = GRPC_HEALTH_SERVER_SCRIPT;
    // Debian's interpreter: python3-grpcio installs grpc for it (a python3 earlier in PATH,
    // such as a pyenv one, would not have it).
    std::vector<std::string> args{"/usr/bin/python3", script,
                                  "--status-file", (dir_ / "statuses.json").string(), "--port-file",
                                  (dir_ / "port").string()};
    if (!cert.empty()) args.insert(args.end(), {"--tls-cert", cert, "--tls-key", key});
    process_ = std::make_unique<test_support::ChildProcess>(args, test_support::Output::log_file(dir_ / "server.log"));
    regtest::eventually([&] { return fs::exists(dir_ / "port") || !process_->running(); }, 20s);
    if (fs::exists(dir_ / "port")) port_ = std::stoi(regtest::read_text(dir_ / "port"));
  }
  ~GrpcHealthServer() { process_->stop(5s); }
  /// Why the server is not listening ("" when it is): its log, which names a missing grpcio.
  std::string problem() const {
    return port_ > 0 ? "" : "grpc_health_server.py did not start (python3-grpcio missing? ci/bootstrap installs it): " +
                                regtest::read_text(dir_ / "server.log");
  }
  void set(const json& statuses) {
    std::ofstream(dir_ / "statuses.tmp") << statuses.dump();
    fs::rename(dir_ / "statuses.tmp", dir_ / "statuses.json");
  }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

 private:
  fs::path dir_;
  std::unique_ptr<test_support::ChildProcess> process_;
  int port_ = 0;
};

class GrpcChecks : public ::testing::Test {
 protected:
  void start(const std::vector<std::string>& extra = {}) {
    endpoint_ = consultest::start_checking_agent(dir_.path(), consul_, extra);
  }
  void register_service(const std::string& id, json check) {
    check["Interval"] = check.value("Interval", "100ms");
    json body = {{"ID", id}, {"Name", "api"}, {"Address", "127.0.0.1"}, {"Port", 50051}, {"Check", check}};
    auto answer = fakes::http::fetch(endpoint_, verb::put, "/v1/agent/service/register", body.dump());
    ASSERT_EQ(answer.status, 200u) << answer.body;
  }
  // The agent's view of a check, by check ID, as a user polls it.
  json check(const std::string& check_id) {
    auto answer = fakes::http::fetch(endpoint_, verb::get, "/v1/agent/checks");
    if (answer.status != 200) return json::object();
    return json::parse(answer.body).value(check_id, json::object());
  }
  bool reaches(const std::string& check_id, const std::string& status, const std::string& output,
               std::chrono::milliseconds within = 10s) {
    return regtest::eventually(
        [&] {
          const json c = check(check_id);
          return c.value("Status", "") == status && c.value("Output", "") == output;
        },
        within);
  }
  fs::path server_dir(const char* name) {
    const auto d = dir_.path() / name;
    fs::create_directories(d);
    return d;
  }

  regtest::TempDir dir_{"consul-grpc-checks"};
  std::unique_ptr<test_support::ChildProcess> consul_;
  fakes::http::Endpoint endpoint_;
};

TEST_F(GrpcChecks, ServingIsPassingAndNotServingIsCriticalAsTheServerFlips) {
  start();
  GrpcHealthServer server(server_dir("h2c"), {{"", "SERVING"}, {"web", "SERVING"}});
  ASSERT_EQ(server.problem(), "");
  const std::string whole = server.address(), web = server.address() + "/web";
  register_service("whole", {{"GRPC", whole}});
  register_service("web", {{"GRPC", web}, {"Status", "critical"}});

  EXPECT_TRUE(reaches("service:whole", "passing", "gRPC check " + whole + ": success")) << check("service:whole").dump();
  EXPECT_TRUE(reaches("service:web", "passing", "gRPC check " + web + ": success")) << check("service:web").dump();
  EXPECT_EQ(check("service:web")["Definition"], json({{"GRPC", web}, {"Interval", "100ms"}}));
  EXPECT_EQ(check("service:web")["Type"], "grpc");

  server.set({{"", "SERVING"}, {"web", "NOT_SERVING"}});
  EXPECT_TRUE(reaches("service:web", "critical", "gRPC " + web + " serving status: NOT_SERVING"))
      << check("service:web").dump();
  EXPECT_EQ(check("service:whole")["Status"], "passing") << "the server as a whole still serves";

  server.set({{"", "SERVICE_UNKNOWN"}, {"web", "SERVING"}});
  EXPECT_TRUE(reaches("service:web", "passing", "gRPC check " + web + ": success")) << check("service:web").dump();
  EXPECT_TRUE(reaches("service:whole", "critical", "gRPC " + whole + " serving status: SERVICE_UNKNOWN"))
      << check("service:whole").dump();
}

TEST_F(GrpcChecks, UnknownServiceIsCriticalWithTheServersNotFound) {
  start();
  GrpcHealthServer server(server_dir("h2c"), {{"", "SERVING"}});
  ASSERT_EQ(server.problem(), "");
  // A node check through /v1/agent/check/register is probed as well.
  json body = {{"ID", "nope"}, {"Name", "nope"}, {"GRPC", server.address() + "/nope"}, {"Interval", "100ms"},
               {"Status", "passing"}};
  ASSERT_EQ(fakes::http::fetch(endpoint_, verb::put, "/v1/agent/check/register", body.dump()).status, 200u);
  EXPECT_TRUE(reaches("nope", "critical", "rpc error: code = NotFound desc = unknown service")) << check("nope").dump();
}

TEST_F(GrpcChecks, NothingListeningIsCriticalWithTheDialError) {
  start();
  // A port that was just free: bound, then closed.
  std::uint16_t port = 0;
  {
    boost::asio::io_context io;
    boost::asio::ip::tcp::acceptor probe(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
    port = probe.local_endpoint().port();
  }
  const std::string target = "127.0.0.1:" + std::to_string(port);
  register_service("closed", {{"GRPC", target + "/web"}, {"Status", "passing"}});
  EXPECT_TRUE(reaches("service:closed", "critical",
                      "rpc error: code = Unavailable desc = connection error: desc = \"transport: Error while dialing: "
                      "dial tcp " + target + ": connect: connection refused\""))
      << check("service:closed").dump();
}

TEST_F(GrpcChecks, TimeoutBoundsAServerThatNeverAnswersAndTheApiKeepsAnswering) {
  start();
  GrpcHealthServer server(server_dir("hang"), {{"hang", "HANG"}});
  ASSERT_EQ(server.problem(), "");
  // And a listener that accepts connections (the kernel does) but never speaks HTTP/2.
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor mute(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  const std::string mute_target = "127.0.0.1:" + std::to_string(mute.local_endpoint().port());
  const auto registered = std::chrono::steady_clock::now();
  register_service("hang", {{"GRPC", server.address() + "/hang"}, {"Timeout", "400ms"}, {"Status", "passing"}});
  register_service("mute", {{"GRPC", mute_target}, {"Timeout", "400ms"}, {"Status", "passing"}});

  const auto asked = std::chrono::steady_clock::now();
  EXPECT_EQ(fakes::http::fetch(endpoint_, verb::get, "/v1/agent/self").status, 200u);
  EXPECT_LT(std::chrono::steady_clock::now() - asked, 300ms) << "the io thread waited for a probe";

  const std::string deadline = "rpc error: code = DeadlineExceeded desc = context deadline exceeded";
  ASSERT_TRUE(reaches("service:hang", "critical", deadline, 5s)) << check("service:hang").dump();
  EXPECT_GE(std::chrono::steady_clock::now() - registered, 350ms) << "critical before the Timeout ran out";
  EXPECT_TRUE(reaches("service:mute", "critical", deadline, 5s)) << check("service:mute").dump();
}

TEST_F(GrpcChecks, TlsIsPassingWithTlsSkipVerifyAndCriticalWithoutTrust) {
  start();
  regtest::Certificates certs(server_dir("certs"));
  ASSERT_TRUE(certs.ok) << "openssl could not make the test certificates";
  GrpcHealthServer server(server_dir("tls"), {{"web", "SERVING"}}, certs.file("self.pem"), certs.file("self.key"));
  ASSERT_EQ(server.problem(), "");
  const std::string web = server.address() + "/web";
  register_service("skip", {{"GRPC", web}, {"GRPCUseTLS", true}, {"TLSSkipVerify", true}});
  register_service("verify", {{"GRPC", web}, {"GRPCUseTLS", true}, {"Status", "passing"}});
  register_service("plain", {{"GRPC", web}, {"Status", "passing"}});  // h2c to a TLS port

  EXPECT_TRUE(reaches("service:skip", "passing", "gRPC check " + web + ": success")) << check("service:skip").dump();
  EXPECT_EQ(check("service:skip")["Definition"],
            json({{"GRPC", web}, {"GRPCUseTLS", true}, {"TLSSkipVerify", true}, {"Interval", "100ms"}}));
  ASSERT_TRUE(regtest::eventually([&] { return check("service:verify").value("Status", "") == "critical"; }, 10s))
      << check("service:verify").dump();
  const std::string output = check("service:verify").value("Output", "");
  EXPECT_EQ(output.rfind("rpc error: code = Unavailable desc = connection error: desc = \"transport: authentication "
                         "handshake failed: tls: failed to verify certificate: self",
                         0),
            0u)
      << output;
  EXPECT_NE(output.find("signed certificate"), std::string::npos) << output;
  // The TLS server closes a connection that does not start a handshake.
  EXPECT_TRUE(reaches("service:plain", "critical",
                      "rpc error: code = Unavailable desc = connection closed before server preface received"))
      << check("service:plain").dump();

  // The server's status still decides once TLS is through.
  server.set({{"web", "NOT_SERVING"}});
  EXPECT_TRUE(reaches("service:skip", "critical", "gRPC " + web + " serving status: NOT_SERVING"))
      << check("service:skip").dump();
}

TEST_F(GrpcChecks, TlsServerNameIsVerifiedAgainstTheAgentsCa) {
  regtest::Certificates certs(server_dir("certs"));
  ASSERT_TRUE(certs.ok) << "openssl could not make the test certificates";
  start({"--enable-agent-tls-for-checks", "--tls-ca", certs.file("ca.pem")});
  GrpcHealthServer server(server_dir("tls"), {{"", "SERVING"}}, certs.file("named.pem"), certs.file("named.key"));
  ASSERT_EQ(server.problem(), "");
  // snake_case as in an agent's configuration file.
  register_service("named", {{"GRPC", server.address()}, {"grpc_use_tls", true}, {"tls_server_name", "checks.internal"}});
  register_service("by-ip", {{"GRPC", server.address()}, {"GRPCUseTLS", true}, {"Status", "passing"}});
  EXPECT_TRUE(reaches("service:named", "passing", "gRPC check " + server.address() + ": success"))
      << check("service:named").dump();
  EXPECT_EQ(check("service:named")["Definition"].value("TLSServerName", ""), "checks.internal");
  EXPECT_TRUE(reaches("service:by-ip", "critical",
                      "rpc error: code = Unavailable desc = connection error: desc = \"transport: authentication "
                      "handshake failed: tls: failed to verify certificate: IP address mismatch\""))
      << check("service:by-ip").dump();
}

}  // namespace
