#pragma once
// Scalars of the YAML subset (yaml_subset.hpp): quoted strings decoded, plain scalars typed as
// PyYAML's YAML 1.1 resolver types them. Internal to language/compose/.

#include <nlohmann/json.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace regsim::compose::detail {

/// Reads the quoted scalar that starts at text[pos] (a ' or "), leaving pos after its closing
/// quote. Throws YamlError (on `line`) when it does not end on the line or has a bad escape.
std::string read_quoted(std::string_view text, std::size_t& pos, int line);

/// Throws YamlError when `text` cannot be a plain (unquoted) scalar: it starts with an indicator
/// (, [ ] { } # & * ! | > ' " % @ `) or with - ? : followed by a blank; inside [ ] or { }
/// (`flow`) also one that starts with ? or :, or holds a ?, which PyYAML reads otherwise.
void check_plain(std::string_view text, int line, bool flow);

/// A plain scalar's value: null, a boolean, an integer, a float or a string. Throws YamlError
/// for the forms of YAML 1.1 that would silently mean something else (base-60 numbers).
nlohmann::ordered_json type_plain(std::string_view text, int line, bool flow);

}  // namespace regsim::compose::detail
