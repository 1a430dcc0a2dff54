// registrator-broken: our registrator with one deliberate bug — every service is registered
// on its port + 1. Scenario tests run it to prove that each expectation can fail and says
// what differed. Test-only; never installed.
#include "registrator/app/app.hpp"

#include <memory>

namespace {

using registrator::RegistryBackend;
using registrator::RegistryBackendPtr;
using registrator::Service;

class PortShiftingBackend final : public RegistryBackend {
 public:
  explicit PortShiftingBackend(RegistryBackendPtr inner) : inner_(std::move(inner)) {}
  void ping() override { inner_->ping(); }
  void register_service(const Service& service) override {
    Service wrong = service;
    wrong.port += 1;
    inner_->register_service(wrong);
  }
  void deregister(const Service& service) override { inner_->deregister(service); }
  void refresh(const Service& service) override { inner_->refresh(service); }
  std::vector<Service> services() override { return inner_->services(); }

 private:
  RegistryBackendPtr inner_;
};

}  // namespace

int main(int argc, char** argv) {
  registrator::AppHooks hooks;
  hooks.wrap_registry = [](RegistryBackendPtr inner) -> RegistryBackendPtr {
    return std::make_unique<PortShiftingBackend>(std::move(inner));
  };
  return registrator::run_app(argc, argv, hooks);
}
