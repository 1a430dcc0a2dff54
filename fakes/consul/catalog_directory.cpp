#include "catalog_directory.hpp"

namespace fakes::consul {

std::vector<fakes::dns::ServiceInstance> CatalogDirectory::service_instances(std::string_view datacenter,
                                                                             std::string_view service) const {
  std::vector<fakes::dns::ServiceInstance> out;
  for (const auto& ref : catalog_.service_instances(datacenter, service)) {
    const HealthStatus worst = worst_status(catalog_.instance_checks(*ref.node, *ref.service));
    fakes::dns::ServiceInstance inst;
    inst.node = ref.node->name;
    inst.node_address = ref.node->address;
    inst.service_address = ref.service->address;
    inst.port = static_cast<std::uint16_t>(ref.service->port);
    inst.tags = ref.service->tags;
    inst.critical = worst == HealthStatus::critical;
    inst.warning = worst == HealthStatus::warning;
    inst.maintenance = ref.node->checks.count("_service_maintenance:" + ref.service->id) != 0 ||
                       ref.node->checks.count("_node_maintenance") != 0;
    inst.weight_passing = ref.service->weights.passing;
    inst.weight_warning = ref.service->weights.warning;
    out.push_back(std::move(inst));
  }
  return out;
}

std::optional<fakes::dns::NodeInfo> CatalogDirectory::node(std::string_view datacenter, std::string_view name) const {
  const Node* n = catalog_.find_node(datacenter, name);
  if (!n) return std::nullopt;
  return fakes::dns::NodeInfo{n->name, n->address, n->meta};
}

bool CatalogDirectory::has_datacenter(std::string_view datacenter) const {
  return catalog_.has_datacenter(datacenter);
}

}  // namespace fakes::consul
