#include "scenarios/regsim/netns/netns_plan.hpp"

#include <cctype>

namespace regsim {

const NetnsHost* NetnsPlan::find(const std::string& host_name) const {
  for (const auto& h : hosts)
    if (h.name == host_name) return &h;
  return nullptr;
}

NetnsPlan plan_netns(pid_t pid, const std::vector<std::string>& host_names) {
  if (host_names.size() > kMaxNetnsHosts)
    throw NetnsPlanError("--netns supports at most " + std::to_string(kMaxNetnsHosts) +
                         " hosts (192.0.2.1-253 on one bridge), got " + std::to_string(host_names.size()));
  NetnsPlan plan;
  const std::string prefix = "regsim-" + std::to_string(pid) + "-";
  plan.hub = prefix + "hub";
  for (std::size_t i = 0; i < host_names.size(); ++i)
    plan.hosts.push_back({host_names[i], prefix + std::to_string(i), "192.0.2." + std::to_string(i + 1),
                          "vh" + std::to_string(i)});
  return plan;
}

std::vector<IpBatch> setup_batches(const NetnsPlan& plan) {
  const std::string cidr = "/" + std::to_string(plan.prefix_length);
  IpBatch create{"", {"netns add " + plan.hub}};
  for (const auto& h : plan.hosts) create.commands.push_back("netns add " + h.netns);

  IpBatch hub{plan.hub,
              {"link set lo up", "link add " + plan.bridge + " type bridge",
               "addr add " + plan.hub_address + cidr + " dev " + plan.bridge, "link set " + plan.bridge + " up"}};
  for (const auto& h : plan.hosts) {
    hub.commands.push_back("link add " + h.veth + " type veth peer name eth0 netns " + h.netns);
    hub.commands.push_back("link set " + h.veth + " master " + plan.bridge);
    hub.commands.push_back("link set " + h.veth + " up");
  }

  std::vector<IpBatch> out{create, hub};
  for (const auto& h : plan.hosts)
    out.push_back({h.netns, {"link set lo up", "addr add " + h.address + cidr + " dev eth0", "link set eth0 up"}});
  return out;
}

std::vector<std::string> plan_namespaces(const NetnsPlan& plan) {
  std::vector<std::string> out;
  for (const auto& h : plan.hosts) out.push_back(h.netns);
  out.push_back(plan.hub);
  return out;
}

std::optional<pid_t> netns_owner(const std::string& name) {
  const std::string head = "regsim-";
  if (!name.starts_with(head)) return std::nullopt;
  std::size_t i = head.size();
  const std::size_t digits_start = i;
  while (i < name.size() && std::isdigit(static_cast<unsigned char>(name[i]))) ++i;
  if (i == digits_start || i - digits_start > 9 || i >= name.size() || name[i] != '-') return std::nullopt;
  const std::string rest = name.substr(i + 1);
  bool host_index = !rest.empty();
  for (char c : rest) host_index = host_index && std::isdigit(static_cast<unsigned char>(c));
  if (rest != "hub" && !host_index) return std::nullopt;
  return static_cast<pid_t>(std::stol(name.substr(digits_start, i - digits_start)));
}

std::string netns_path(const std::string& netns_name) { return "/run/netns/" + netns_name; }

}  // namespace regsim
