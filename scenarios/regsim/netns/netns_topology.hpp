#pragma once
// The effectful half of `--netns`: builds a NetnsPlan's namespaces with `ip`, moves regsim's
// main thread into the hub (so everything regsim starts afterwards lives there too) and takes it
// all down again. See netns_plan.hpp for the topology.

#include "scenarios/regsim/netns/netns_plan.hpp"

#include <string>
#include <vector>

namespace regsim {

/// Why `--netns` cannot work here ("" when it can): regsim must run as root and find iproute2's
/// `ip` on PATH.
std::string netns_unavailable_reason();

/// Deletes namespaces a regsim run left behind (regsim-PID-* whose PID no longer runs, e.g.
/// after SIGKILL); returns their names. Namespaces of live regsim processes are left alone.
std::vector<std::string> remove_leftover_namespaces();

class NetnsTopology {
 public:
  /// Creates every namespace of the plan and enters the hub; throws LaunchError (having deleted
  /// whatever it created) when `ip` fails, Interrupted on Ctrl-C. Call it on regsim's main
  /// thread while no other thread runs: only the calling thread changes namespace.
  explicit NetnsTopology(NetnsPlan plan);
  /// Leaves the hub and deletes every namespace (their veth ends go with them).
  ~NetnsTopology();
  NetnsTopology(const NetnsTopology&) = delete;
  NetnsTopology& operator=(const NetnsTopology&) = delete;

  const NetnsPlan& plan() const { return plan_; }

 private:
  void remove_namespaces() noexcept;

  NetnsPlan plan_;
  int home_netns_fd_ = -1;  // regsim's namespace before it entered the hub
};

}  // namespace regsim
