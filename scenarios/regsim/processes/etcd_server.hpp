#pragma once
// A real etcd (Debian's etcd-server) for scenarios whose registrator writes to etcd or SkyDNS:
// one member on free loopback ports with its data in the scenario's log directory, ready when
// its /health says so. Its v3 JSON gateway is what registrator and the checks talk to.

#include "scenarios/regsim/processes/child_process.hpp"

#include "fakes/common/http/client.hpp"

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

namespace regsim {

class EtcdServer {
 public:
  /// Starts `program` and waits until it is healthy; throws LaunchError (with its log tail)
  /// when it exits or `timeout` passes, Interrupted on Ctrl-C.
  /// It listens on `ip` (a loopback address, or with --netns the hub's bridge address).
  EtcdServer(const std::string& program, const std::filesystem::path& dir, std::chrono::milliseconds timeout,
             const std::string& ip = "127.0.0.1");

  const fakes::http::Endpoint& client() const { return client_; }
  /// "IP:PORT", for registrator's etcd:// and skydns2:// URIs.
  std::string address() const;
  ChildProcess& process() { return *process_; }

 private:
  std::unique_ptr<ChildProcess> process_;
  fakes::http::Endpoint client_;
};

/// The etcd program regsim runs: $REGSIM_ETCD when set, else the first `etcd` on PATH, else
/// /usr/bin/etcd (where Debian's etcd-server puts it).
std::string etcd_program();

}  // namespace regsim
