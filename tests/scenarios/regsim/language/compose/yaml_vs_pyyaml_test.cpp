// The YAML subset against PyYAML (Debian's python3-yaml, which docker-compose 1.29.2 reads compose
// files with): every document the subset reads — handwritten ones and seeded mutations of a
// compose file — PyYAML reads to the same value. (The subset may refuse what PyYAML reads; it
// must never read something differently.)
#include "scenarios/regsim/language/compose/yaml_subset.hpp"

#include "tests/scenarios/regsim/test_paths.hpp"
#include "tests/support/process/child.hpp"
#include "tests/scenarios/regsim/language/compose/mutated_text.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>

namespace regsim::compose {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::vector<std::string> documents() {
  std::vector<std::string> docs = {
      "a: 1\nb: [x, 'y', \"z\"]\nc: {k: v, n: ~}\n",
      "services:\n  web:\n    image: test\n    ports:\n      - \"8080:80\"\n      - 443\n",
      "list:\n- a\n- b: 1\n  c: 2\n- - x\n  - y\n",
      "x: &a [1, 2]\ny: *a\nz: &b\n  k: v\nw: *b\n",
      "s: 'it''s'\nd: \"tab\\there \\u00e9\"\nu: http://h:80/p\nh: a#b\ncomment: x # y\n",
      "b1: yes\nb2: Off\nn1: -7\nf1: 3.5\nf2: .5\nv: 1.2.3\nnull1: null\nnull2: ~\nempty:\n",
      "---\nkey with spaces: value with spaces\n\"quoted key\": 1\n",
      "nested:\n  deeper:\n    deepest: [1, [2, [3]]]\n",
  };
  const std::string seed = docs[1] + "    environment:\n      A: 1\n      B: \"two\"\n    labels: [x=1, 'y=2']\n"
                                      "    command: [\"sh\", \"-c\", \"echo hi\"]\nnetworks:\n  back: {}\n";
  const char* seed_env = std::getenv("REG_FUZZ_SEED");
  std::mt19937 rng(seed_env ? static_cast<unsigned>(std::atoi(seed_env)) : 7u);
  const std::string alphabet = " \n\t-:#'\"[]{},&*!|>?%@`\\0aZ9.~_=";
  const char* runs_env = std::getenv("REG_FUZZ_RUNS");
  const int runs = runs_env ? std::atoi(runs_env) : 3000;
  for (int i = 0; i < runs; ++i) {
    std::string text = regsim::test::mutated(seed, rng, alphabet);
    docs.push_back(std::move(text));
  }
  return docs;
}

TEST(YamlSubsetVsPyYaml, EveryDocumentTheSubsetReadsPyYamlReadsAlike) {
  const auto docs = documents();
  const fs::path input = fs::temp_directory_path() / ("regsim-yaml-docs-" + std::to_string(::getpid()) + ".json");
  std::ofstream(input) << json(docs).dump();
  const auto script = test::source_dir() / "tests" / "scenarios" / "regsim" / "language" / "compose" / "pyyaml_load.py";
  const auto r = test_support::run({"/usr/bin/python3", script.string(), input.string()},
                                   {.timeout = std::chrono::seconds(120), .separate_stderr = true});
  fs::remove(input);
  ASSERT_EQ(r.exit_code, 0) << r.error_output;
  const json theirs = json::parse(r.output);
  ASSERT_EQ(theirs.size(), docs.size());
  int read = 0, differing = 0;
  for (std::size_t i = 0; i < docs.size(); ++i) {
    json ours;
    try {
      ours = json::parse(read_yaml_subset(docs[i]).value.dump());
    } catch (const YamlError&) {
      continue;  // refused: the subset is allowed to be smaller
    }
    ++read;
    if (!theirs[i]["ok"].get<bool>() || theirs[i]["value"] != ours) {
      if (++differing <= 5)
        ADD_FAILURE() << "document " << i << ":\n" << docs[i] << "\nsubset: " << ours.dump() << "\nPyYAML: " << theirs[i].dump();
    }
  }
  EXPECT_EQ(differing, 0) << "of " << read << " documents read";
  EXPECT_GT(read, 500) << "enough mutations are still read to compare";
}

}  // namespace
}  // namespace regsim::compose
