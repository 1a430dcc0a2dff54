#pragma once
// fakes::dns::ServiceDirectory over the fake catalogs, so DNS answers what the HTTP API shows:
// `<name>.service.<dc>.consul` reads datacenter dc's catalog. Called on the io thread that owns
// the catalogs.

#include "fakes/consul/datacenters/wan_forwarder.hpp"
#include "fakes/consul/queries/query_executor.hpp"
#include "fakes/consul/queries/query_sources.hpp"
#include "fakes/consul/state/catalog.hpp"

#include "fakes/dns/answers/service_directory.hpp"

#include <functional>

namespace fakes::consul {

class CatalogDirectory final : public fakes::dns::ServiceDirectory {
 public:
  /// The catalog holding a datacenter (case-insensitive name), nullptr for unknown ones.
  using Resolver = std::function<const Catalog*(std::string_view datacenter)>;
  explicit CatalogDirectory(Resolver resolve) : resolve_(std::move(resolve)) {}
  /// One catalog, for its datacenter only.
  explicit CatalogDirectory(const Catalog& catalog)
      : resolve_([&catalog](std::string_view dc) { return catalog.has_datacenter(dc) ? &catalog : nullptr; }) {}

  std::vector<fakes::dns::ServiceInstance> service_instances(std::string_view datacenter,
                                                             std::string_view service) const override;
  std::optional<fakes::dns::NodeInfo> node(std::string_view datacenter, std::string_view node) const override;
  bool has_datacenter(std::string_view datacenter) const override;
  /// Runs the prepared query with failover over the other datacenters (queries/).
  std::optional<fakes::dns::QueryAnswer> execute_query(std::string_view datacenter, std::string_view name) const override;

  /// Every datacenter the process knows (in-process and --wan), for query failover.
  void set_datacenter_names(const std::vector<std::string>* names) { names_ = names; }
  /// The datacenters of other processes (--wan), which prepared queries ask over HTTP.
  void set_wan_peers(const std::vector<WanPeer>* peers) { peers_ = peers; }
  /// Where prepared queries find instances: these catalogs, then the --wan peers.
  InstanceSource instance_source(EntryDetail detail = EntryDetail::full) const;
  std::optional<std::string> node_with_address(std::string_view datacenter, std::string_view address) const override;
  std::optional<std::string> service_with_address(std::string_view datacenter,
                                                  std::string_view address) const override;

 private:
  Resolver resolve_;
  const std::vector<std::string>* names_ = nullptr;
  const std::vector<WanPeer>* peers_ = nullptr;
};

}  // namespace fakes::consul
