#pragma once
// How a scenario written for a plain run maps onto `--netns`: every host's external IP becomes
// its namespace address. A host's declared `ip` (what registrator gets as -ip) is replaced by
// 192.0.2.N, and so is every whole occurrence of that declared address in what the scenario
// expects (catalog/checks/keys entries, DNS answers) and registers itself (consul_register), so
// `"ServiceAddress": "10.186.150.172"` checks for the namespace address. A host whose args pass
// their own -ip keeps it (and the scenario's expectations of it), and a host without `ip` runs
// without -ip, as the scenario asks (it tests what registrator does then).

#include "scenarios/regsim/netns/netns_plan.hpp"
#include "scenarios/regsim/language/scenario.hpp"

#include <map>
#include <string>

namespace regsim {

/// Replaces every whole occurrence of address `from` in `text` (not inside a longer address:
/// "10.0.0.1" is not replaced in "10.0.0.12") by `to`.
std::string replace_address(const std::string& text, const std::string& from, const std::string& to);

/// The scenario as it runs inside `plan`'s namespaces (see above).
Scenario scenario_for_netns(const Scenario& scenario, const NetnsPlan& plan);

}  // namespace regsim
