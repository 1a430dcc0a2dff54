#include "fakes/docker/engine/id_source.hpp"

#include <array>
#include <cstdio>

namespace fakes::docker {

std::string IdSource::next_id() {
  std::string id;
  id.reserve(64);
  for (int i = 0; i < 4; ++i) {
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(rng_()));
    id += buf;
  }
  return id;
}

std::string IdSource::next_name() {
  static constexpr std::array<const char*, 12> adjectives = {"admiring", "brave",   "clever", "dreamy",
                                                             "eager",    "focused", "gifted", "happy",
                                                             "jolly",    "keen",    "lucid",  "modest"};
  static constexpr std::array<const char*, 12> surnames = {"archimedes", "babbage", "curie",    "darwin",
                                                           "euler",      "fermat",  "galileo",  "hopper",
                                                           "lovelace",   "noether", "pasteur",  "turing"};
  auto a = adjectives[rng_() % adjectives.size()];
  auto s = surnames[rng_() % surnames.size()];
  return std::string(a) + "_" + s;
}

}  // namespace fakes::docker
