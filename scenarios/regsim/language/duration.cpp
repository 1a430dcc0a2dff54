#include "scenarios/regsim/language/duration.hpp"

#include <cctype>
#include <cstdint>

namespace regsim {

std::optional<Duration> parse_duration(std::string_view text) {
  std::size_t i = 0;
  std::int64_t whole = 0;
  std::int64_t frac = 0;
  std::int64_t frac_scale = 1;
  bool digits = false;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
    whole = whole * 10 + (text[i] - '0');
    if (whole > 100'000'000) return std::nullopt;
    digits = true;
    ++i;
  }
  if (i < text.size() && text[i] == '.') {
    ++i;
    bool frac_digits = false;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
      if (frac_scale < 1'000'000) {
        frac = frac * 10 + (text[i] - '0');
        frac_scale *= 10;
      }
      frac_digits = true;
      ++i;
    }
    if (!frac_digits) return std::nullopt;
  }
  if (!digits) return std::nullopt;
  const std::string_view unit = text.substr(i);
  std::int64_t unit_ms = 0;
  if (unit == "ms") unit_ms = 1;
  else if (unit == "s") unit_ms = 1000;
  else if (unit == "m") unit_ms = 60'000;
  else return std::nullopt;
  const std::int64_t ms = whole * unit_ms + frac * unit_ms / frac_scale;
  if (ms > 24LL * 3600 * 1000) return std::nullopt;
  return Duration(ms);
}

std::string format_duration(Duration d) {
  const auto ms = d.count();
  if (ms % 1000 != 0 || ms == 0) {
    if (ms < 1000) return std::to_string(ms) + "ms";
    std::string frac = std::to_string(ms % 1000);
    frac.insert(0, 3 - frac.size(), '0');
    while (!frac.empty() && frac.back() == '0') frac.pop_back();
    return std::to_string(ms / 1000) + "." + frac + "s";
  }
  return std::to_string(ms / 1000) + "s";
}

}  // namespace regsim
