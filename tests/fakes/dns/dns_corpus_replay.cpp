// Replays every file in tests/fakes/dns/corpus through the fuzz property, so GCC builds (no
// libFuzzer) still run the seeds.
#include "tests/fakes/dns/dns_fuzz_check.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace fakes::dns {
namespace {

std::filesystem::path corpus_dir() {
  return DNS_CORPUS_DIR;
}

TEST(dnsCorpusReplay, EveryFileKeepsTheProperties) {
  const auto dir = corpus_dir();
  ASSERT_TRUE(std::filesystem::is_directory(dir)) << dir;
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    const std::vector<std::uint8_t> bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    EXPECT_EQ(testing::check_one(bytes), "") << entry.path().filename();
    ++files;
  }
  EXPECT_GE(files, 20u);
}

TEST(dnsCorpusReplay, MalformedSeedsAreRejectedByTheReader) {
  for (const char* name : {"truncated_header", "counts_exceed", "pointer_loop", "pointer_cycle2", "forward_pointer",
                           "long_name", "bad_label", "bad_rdata", "trailing", "truncated_question"}) {
    std::ifstream in(corpus_dir() / (std::string(name) + ".bin"), std::ios::binary);
    const std::vector<std::uint8_t> bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    ASSERT_FALSE(bytes.empty()) << name;
    EXPECT_THROW(parse_message(bytes), WireFormatError) << name;
  }
}

}  // namespace
}  // namespace fakes::dns
