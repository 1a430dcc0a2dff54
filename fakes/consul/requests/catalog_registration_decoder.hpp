#pragma once
// PUT /v1/catalog/register and /v1/catalog/deregister bodies (Consul's structs.RegisterRequest
// and DeregisterRequest), with the checks of Catalog.Register's RPC: nodePreApply,
// the address rule, servicePreApply and checkPreApply. Consul's HTTP layer answers these RPC
// errors with 500 and the error text; decode errors are 400 "Request decode failed: ...".

#include "fakes/consul/state/catalog_types.hpp"

#include <string>
#include <string_view>
#include <variant>

namespace fakes::consul {

struct CatalogRequestError {
  int status;  // 400 decode, 500 validation
  std::string message;
};

std::variant<CatalogRegistration, CatalogRequestError> decode_catalog_registration(std::string_view body);
std::variant<CatalogDeregistration, CatalogRequestError> decode_catalog_deregistration(std::string_view body);

}  // namespace fakes::consul
