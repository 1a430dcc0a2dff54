// libFuzzer entry (clang, REG_BUILD_FUZZ=ON): the first byte picks the parser, the rest is its
// input; the properties are the ctest runs' (parser_properties.hpp).
#include "tests/fuzz/parser_properties.hpp"

#include <cstdio>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::string broken;
  switch (data[0] % 7) {
    case 0: broken = fuzz::check_fast_json(input); break;
    case 1: broken = fuzz::check_event_stream(input); break;
    case 2: broken = fuzz::check_tags_template(input); break;
    case 3: broken = fuzz::check_fake_text_parsers(input); break;
    case 4: broken = fuzz::check_fake_request_bodies(input); break;
    case 5: broken = fuzz::check_hpack_block(input); break;
    default: broken = fuzz::check_http2_stream(input); break;
  }
  if (!broken.empty()) {
    std::fprintf(stderr, "property violated: %s\n", broken.c_str());
    std::abort();
  }
  return 0;
}
