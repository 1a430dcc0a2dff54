#pragma once
// The pure half of `--netns`: which network namespaces a run creates, which address each host
// gets and the `ip` commands that build (and find leftovers of) the topology. Nothing here
// touches the system, so all of it is unit-tested; netns_topology.{hpp,cpp} carries it out.
//
//   hub namespace regsim-PID-hub: lo up, bridge "br0" with 192.0.2.254/24 (fake-consul, etcd,
//   regsim itself) ── veth "vhI" ── host namespace regsim-PID-I: lo up, "eth0" with
//   192.0.2.(I+1)/24 (the host's registrator, and its Consul agent when fake-consul can put
//   one there). No default route anywhere: nothing can leave the namespaces.

#include <sys/types.h>

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace regsim {

class NetnsPlanError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

struct NetnsHost {
  std::string name;     // the scenario's host name
  std::string netns;    // "regsim-PID-I"
  std::string address;  // "192.0.2.(I+1)"
  std::string veth;     // the hub's end of the host's veth pair; the host's end is "eth0"
};

struct NetnsPlan {
  std::string hub;                          // "regsim-PID-hub"
  std::string hub_address = "192.0.2.254";  // on the hub's bridge
  std::string bridge = "br0";
  int prefix_length = 24;
  std::vector<NetnsHost> hosts;             // in the scenario's order

  const NetnsHost* find(const std::string& host_name) const;
};

/// At most this many hosts fit in 192.0.2.0/24 next to the hub's .254.
constexpr std::size_t kMaxNetnsHosts = 253;

/// The plan for regsim process `pid` and these hosts; throws NetnsPlanError beyond
/// kMaxNetnsHosts hosts.
NetnsPlan plan_netns(pid_t pid, const std::vector<std::string>& host_names);

/// One `ip -batch` run: `netns` empty = regsim's own namespace, else `ip -n NETNS -batch`.
struct IpBatch {
  std::string netns;
  std::vector<std::string> commands;  // one `ip` command each, without the leading "ip"
};

/// Creates every namespace, the bridge, the veth pairs and the addresses, in order.
std::vector<IpBatch> setup_batches(const NetnsPlan& plan);

/// Every namespace of the plan, hosts first and the hub last.
std::vector<std::string> plan_namespaces(const NetnsPlan& plan);

/// The pid in a namespace name regsim made ("regsim-123-hub", "regsim-123-7" -> 123); nullopt
/// for any other name, so only regsim's own namespaces are ever considered leftovers.
std::optional<pid_t> netns_owner(const std::string& netns_name);

/// /run/netns/NAME, where `ip netns add` mounts a namespace.
std::string netns_path(const std::string& netns_name);

}  // namespace regsim
