// User events of the datacenter: an ID like the sessions' (random UUIDs), delivery to the
// agents whose filters the endpoint found matching.
#include "fakes/consul/state/catalog.hpp"

namespace fakes::consul {

UserEvent Catalog::fire_event(UserEvent event, const std::vector<std::string>& nodes) {
  event.id = new_uuid();
  events_.deliver(event, nodes);
  return event;
}

}  // namespace fakes::consul
