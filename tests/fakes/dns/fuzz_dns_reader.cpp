// libFuzzer entry (clang, REG_BUILD_FUZZ=ON). Seeds: tests/fakes/dns/corpus/.
#include "tests/fakes/dns/dns_fuzz_check.hpp"

#include <cstdio>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string broken = fakes::dns::testing::check_one({data, size});
  if (!broken.empty()) {
    std::fprintf(stderr, "property violated: %s\n", broken.c_str());
    std::abort();
  }
  return 0;
}
