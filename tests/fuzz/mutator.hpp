#pragma once
// A small deterministic mutation engine for property tests of parsers that GCC builds run in
// ctest (libFuzzer needs clang): from seed inputs, each step flips, inserts, deletes, duplicates
// or splices bytes, or drops in a token the parser cares about. Same seed, same inputs.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace fuzz {

class Mutator {
 public:
  Mutator(std::uint64_t seed, std::vector<std::string> seeds, std::vector<std::string> tokens, std::size_t max_size)
      : state_(seed * 0x9E3779B97F4A7C15ull + 1), seeds_(std::move(seeds)), tokens_(std::move(tokens)), max_size_(max_size) {}

  /// The next input: a seed with 1 to 8 mutations.
  std::string next() {
    std::string s = seeds_[below(seeds_.size())];
    const auto rounds = 1 + below(8);
    for (std::size_t i = 0; i < rounds; ++i) mutate(s);
    if (s.size() > max_size_) s.resize(max_size_);
    return s;
  }

 private:
  std::uint64_t random() {  // xorshift64*
    state_ ^= state_ >> 12;
    state_ ^= state_ << 25;
    state_ ^= state_ >> 27;
    return state_ * 0x2545F4914F6CDD1Dull;
  }
  std::size_t below(std::size_t n) { return n == 0 ? 0 : static_cast<std::size_t>(random() % n); }

  void mutate(std::string& s) {
    const std::size_t at = below(s.size() + 1);
    switch (below(8)) {
      case 0:  // flip a bit
        if (!s.empty()) s[below(s.size())] ^= static_cast<char>(1u << below(8));
        break;
      case 1:  // a random byte in
        s.insert(s.begin() + static_cast<long>(at), static_cast<char>(random()));
        break;
      case 2: {  // a range out
        const auto n = below(std::min<std::size_t>(16, s.size() - at) + 1);
        s.erase(at, n);
        break;
      }
      case 3: {  // a range repeated
        const auto n = below(std::min<std::size_t>(32, s.size() - at) + 1);
        s.insert(at, s.substr(at, n));
        break;
      }
      case 4:  // a token in
      case 5:
        if (!tokens_.empty()) s.insert(at, tokens_[below(tokens_.size())]);
        break;
      case 6:  // cut short, as a truncated answer
        s.resize(at);
        break;
      default: {  // a piece of another seed spliced in
        const auto& other = seeds_[below(seeds_.size())];
        const auto from = below(other.size() + 1);
        s.insert(at, other.substr(from, below(64)));
        break;
      }
    }
  }

  std::uint64_t state_;
  std::vector<std::string> seeds_;
  std::vector<std::string> tokens_;
  std::size_t max_size_;
};

/// Printable form of an input for a failure message: C escapes for anything unprintable.
inline std::string escaped(std::string_view s) {
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    if (c == '\\') out += "\\\\";
    else if (c >= 0x20 && c < 0x7f) out += static_cast<char>(c);
    else {
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

}  // namespace fuzz
