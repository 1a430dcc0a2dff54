#pragma once
// The whole registrator process behind main(), so that test builds can reuse it with a
// registry decorator (e.g. a deliberately wrong registrator that proves scenarios can fail).
#include <functional>

#include "registrator/backends/registry.hpp"

namespace registrator {

struct AppHooks {
  /// Wraps the backend built from the registry URI; empty = use it as is.
  std::function<RegistryBackendPtr(RegistryBackendPtr)> wrap_registry;
};

/// Runs registrator with the process's arguments; returns the exit status.
int run_app(int argc, char** argv, const AppHooks& hooks = {});

}  // namespace registrator
