// fake-consul: a single-agent Consul (HTTP API + DNS) for the registrator harness.
// SIGTERM/SIGINT exit 0; a bad flag exits 2 with usage; a listener that cannot bind exits 1.

#include "fakes/consul/cli_options.hpp"
#include "fakes/consul/fake_consul.hpp"
#include "fakes/consul/netns_binding.hpp"
#include "fakes/consul/ready_file.hpp"

#include <map>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <iostream>

int main(int argc, char** argv) {
  using namespace fakes::consul;
  auto parsed = parse_cli(std::vector<std::string>(argv + 1, argv + argc));
  if (auto* error = std::get_if<std::string>(&parsed)) {
    std::cerr << "fake-consul: " << *error << "\n" << cli_usage();
    return 2;
  }
  auto& cli = std::get<CliOptions>(parsed);
  if (cli.help) {
    std::cout << cli_usage();
    return 0;
  }

  boost::asio::io_context io;
  std::unique_ptr<FakeConsul> fake;
  try {
    fake = std::make_unique<FakeConsul>(io, cli.fake);
  } catch (const NetnsError& e) {
    std::cerr << "fake-consul: " << e.what() << "\n";  // a bad --agent ...,netns= value
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "fake-consul: cannot start listeners: " << e.what() << "\n";
    return 1;
  }
  const std::string http = listen_address(cli.fake.http_address, fake->http_port());
  std::optional<std::string> dns;
  if (auto port = fake->dns_port()) dns = listen_address(*cli.fake.dns_address, *port);
  std::optional<std::string> https;
  if (auto port = fake->https_port()) https = listen_address(*cli.fake.https_address, *port);
  std::map<std::string, std::string> agents;
  for (std::size_t i = 0; i < cli.fake.agents.size(); ++i)
    agents[cli.fake.agents[i].node] = listen_address(cli.fake.agents[i].address, fake->agent_ports()[i]);
  if (cli.ready_file) {
    if (auto error = write_ready_file(*cli.ready_file, http, dns, https, agents)) {
      std::cerr << "fake-consul: " << *error << "\n";
      return 1;
    }
  }
  std::cerr << "fake-consul: HTTP on " << http << (https ? ", HTTPS on " + *https : std::string())
            << (dns ? ", DNS on " + *dns : std::string()) << ", node "
            << cli.fake.agent.node_name << " in " << cli.fake.agent.datacenter << "\n";
  for (const auto& [node, address] : agents) std::cerr << "fake-consul: agent " << node << " on " << address << "\n";

  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int) {
    if (ec) return;
    fake->stop();
    io.stop();
  });
  io.run();
  return 0;
}
