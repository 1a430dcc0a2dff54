#include "registrator/backends/registry.hpp"

namespace registrator {

std::vector<std::exception_ptr> RegistryBackend::register_many(const std::vector<const Service*>& services) {
  std::vector<std::exception_ptr> out(services.size());
  for (std::size_t i = 0; i < services.size(); ++i) {
    try {
      register_service(*services[i]);
    } catch (...) {
      out[i] = std::current_exception();
    }
  }
  return out;
}

}  // namespace registrator
