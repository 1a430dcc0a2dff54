#include "scenarios/regsim/netns/netns_scenario.hpp"

#include "scenarios/regsim/running/scenario_environment.hpp"

#include <cctype>

namespace regsim {
namespace {

using AddressMap = std::map<std::string, std::string>;  // declared IP -> namespace address

bool address_char(const std::string& text, std::size_t i) {
  return i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]));
}

std::string map_addresses(std::string text, const AddressMap& map) {
  for (const auto& [from, to] : map) text = replace_address(text, from, to);
  return text;
}

void map_json(nlohmann::json& value, const AddressMap& map) {
  if (value.is_string()) value = map_addresses(value.get<std::string>(), map);
  else if (value.is_structured())
    for (auto& child : value) map_json(child, map);
}

void map_condition(Condition& condition, const AddressMap& map) {
  if (auto* c = std::get_if<CatalogCondition>(&condition)) {
    for (auto& entry : c->entries) map_json(entry, map);
  } else if (auto* d = std::get_if<DnsCondition>(&condition)) {
    for (auto& a : d->addresses) a = map_addresses(a, map);
    for (auto& s : d->srv)
      if (s.target) s.target = map_addresses(*s.target, map);
  }
}

}  // namespace

std::string replace_address(const std::string& text, const std::string& from, const std::string& to) {
  if (from.empty()) return text;
  std::string out;
  std::size_t at = 0;
  for (;;) {
    const auto found = text.find(from, at);
    if (found == std::string::npos) break;
    const auto end = found + from.size();
    // Not a whole address when digits (or ".DIGIT") continue it on either side.
    const bool before = found > 0 && (address_char(text, found - 1) || (text[found - 1] == '.' && found > 1 &&
                                                                        address_char(text, found - 2)));
    const bool after = address_char(text, end) || (end < text.size() && text[end] == '.' && address_char(text, end + 1));
    out += text.substr(at, found - at);
    out += before || after ? from : to;
    at = end;
  }
  return out + text.substr(at);
}

Scenario scenario_for_netns(const Scenario& scenario, const NetnsPlan& plan) {
  Scenario out = scenario;
  AddressMap map;
  for (auto& host : out.hosts) {
    const auto* placed = plan.find(host.name);
    if (!placed || host.ip.empty() || args_name_flag(host.registrator.args, "ip")) continue;
    map[host.ip] = placed->address;
    host.ip = placed->address;
  }
  for (auto& step : out.steps) {
    if (auto* check = std::get_if<CheckAction>(&step.action)) map_condition(check->condition, map);
    else if (auto* consul = std::get_if<ConsulAction>(&step.action)) map_json(consul->registration, map);
  }
  return out;
}

}  // namespace regsim
