#pragma once
// Where a prepared query finds the instances of a datacenter: the catalog of an in-process
// datacenter, or for one served by another fake-consul (--wan) that process's
// /v1/health/service over HTTP. The remote call blocks the io thread for at most
// kRemoteTimeout (a loopback peer answers in well under a millisecond); a peer that does not
// answer counts as a datacenter that could not be asked, as a failed forward does in Consul.

#include "fakes/consul/datacenters/wan_forwarder.hpp"
#include "fakes/consul/queries/query_executor.hpp"
#include "fakes/consul/state/catalog.hpp"

#include <chrono>
#include <functional>
#include <vector>

namespace fakes::consul {

inline constexpr std::chrono::milliseconds kRemoteTimeout{2000};

/// How much of each entry a reader needs: the whole /v1/health/service entry (HTTP answers), or
/// only what the filters and DNS read (Node: Node, Address, Meta; Service: ID, Address, Port,
/// Tags, Meta, Weights; Checks: CheckID, Status), which is several times cheaper to build.
enum class EntryDetail { full, for_dns };

/// Every instance of `service` in the catalog, as /v1/health/service lists it.
nlohmann::json health_entries(const Catalog& catalog, std::string_view dc, std::string_view service,
                              EntryDetail detail = EntryDetail::full);

/// The source over `catalog_of` (in-process datacenters, nullptr for others) and `peers`.
InstanceSource make_instance_source(std::function<const Catalog*(std::string_view)> catalog_of,
                                    const std::vector<WanPeer>* peers, EntryDetail detail = EntryDetail::full);

}  // namespace fakes::consul
