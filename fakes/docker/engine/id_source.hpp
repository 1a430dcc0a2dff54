#pragma once
// Deterministic identifiers: container, network and endpoint ids (64 hex digits) and generated
// container names all come from one seeded generator, so a run is reproducible from --seed.

#include <cstdint>
#include <random>
#include <string>

namespace fakes::docker {

class IdSource {
 public:
  explicit IdSource(std::uint64_t seed) : rng_(seed) {}
  /// 64 lowercase hex digits, like the engine's ids.
  std::string next_id();
  /// "adjective_surname", like the engine's generated names (may repeat; caller checks).
  std::string next_name();

 private:
  std::mt19937_64 rng_;
};

}  // namespace fakes::docker
