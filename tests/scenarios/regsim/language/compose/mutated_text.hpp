#pragma once
// Seeded mutations of a document for the compose readers' never-crash runs: 1..max_edits edits,
// each a character replaced, inserted or a run of up to 5 erased, from `alphabet`.

#include <random>
#include <string>
#include <string_view>

namespace regsim::test {

inline std::string mutated(std::string text, std::mt19937& rng, std::string_view alphabet, int max_edits = 4) {
  const int edits = 1 + static_cast<int>(rng() % static_cast<unsigned>(max_edits));
  for (int e = 0; e < edits && !text.empty(); ++e) {
    const auto pos = rng() % text.size();
    switch (rng() % 3) {
      case 0: text[pos] = alphabet[rng() % alphabet.size()]; break;
      case 1: text.insert(pos, 1, alphabet[rng() % alphabet.size()]); break;
      default: text.erase(pos, 1 + rng() % 6); break;
    }
  }
  return text;
}

}  // namespace regsim::test
