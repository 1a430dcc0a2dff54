#pragma once
// fakes::dns::ServiceDirectory over the fake catalog, so DNS answers what the HTTP API shows.
// Called on the io thread that owns the catalog.

#include "catalog.hpp"

#include "fakes/dns/service_directory.hpp"

namespace fakes::consul {

class CatalogDirectory final : public fakes::dns::ServiceDirectory {
 public:
  explicit CatalogDirectory(const Catalog& catalog) : catalog_(catalog) {}

  std::vector<fakes::dns::ServiceInstance> service_instances(std::string_view datacenter,
                                                             std::string_view service) const override;
  std::optional<fakes::dns::NodeInfo> node(std::string_view datacenter, std::string_view node) const override;
  bool has_datacenter(std::string_view datacenter) const override;
  std::optional<std::string> node_with_address(std::string_view datacenter, std::string_view address) const override;
  std::optional<std::string> service_with_address(std::string_view datacenter,
                                                  std::string_view address) const override;

 private:
  const Catalog& catalog_;
};

}  // namespace fakes::consul
