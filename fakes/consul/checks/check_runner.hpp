#pragma once
// Runs the agent's HTTP(S), TCP and gRPC checks (and script checks when allowed) for real, as a Consul agent does: every Interval it
// probes the target and sets the check passing / warning / critical with Consul-like output.
// Off unless asked for (fake-consul --run-checks): scenarios register checks pointing at
// container addresses that do not exist here. Only addresses inside the allowed networks are
// probed (loopback by default), so a check never sends traffic off the machine; others turn
// critical saying why.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ssl/context.hpp>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "fakes/consul/state/catalog.hpp"
#include "fakes/consul/checks/check_tls.hpp"

namespace fakes::consul {

/// An IP network such as 127.0.0.0/8 or ::1/128.
struct IpNetwork {
  boost::asio::ip::address base;
  unsigned prefix = 0;
  bool contains(const boost::asio::ip::address& a) const;
  /// "10.0.0.0/8" -> network; nullopt when malformed.
  static std::optional<IpNetwork> parse(const std::string& text);
};

struct CheckRunnerOptions {
  std::vector<IpNetwork> allowed = {*IpNetwork::parse("127.0.0.0/8"), *IpNetwork::parse("::1/128")};
  std::chrono::milliseconds default_timeout{10'000};  // Consul's default for HTTP and TCP checks
  /// Run script checks (Args) too: fake-consul --enable-script-checks.
  bool run_scripts = false;
  std::chrono::milliseconds script_default_timeout{30'000};  // Consul's CheckMonitor default
  /// Whom HTTPS checks trust (fake-consul --enable-agent-tls-for-checks with --tls-ca).
  CheckTlsOptions tls;
};

/// HTTP status -> check status, as Consul maps it: 2xx passing, 429 warning, else critical.
HealthStatus status_for_http_code(unsigned code);

class CheckRunner {
 public:
  /// Throws std::runtime_error naming the file when options.tls names one that cannot be loaded.
  CheckRunner(boost::asio::io_context& io, Catalog& catalog, std::string datacenter, std::string node,
              CheckRunnerOptions options);
  ~CheckRunner();
  /// Starts probing new HTTP/TCP/gRPC checks of the node and stops those that are gone. Cheap when
  /// nothing changed; call after every catalog change (io thread).
  void sync();
  void stop();

  struct Probe;

 private:
  boost::asio::io_context& io_;
  Catalog& catalog_;
  std::string datacenter_, node_;
  CheckRunnerOptions options_;
  boost::asio::ssl::context tls_context_;  // shared by every HTTPS and gRPC-over-TLS check
  std::map<std::string, std::shared_ptr<Probe>> probes_;  // check id -> its probe loop
};

}  // namespace fakes::consul
