#pragma once
// The `filters` query parameter: JSON in the current map form {"status":{"running":true}} or
// the old array form {"status":["running"]} (API < 1.22 clients, registrator's -cleanup).

#include <algorithm>
#include <map>
#include <string>
#include <vector>

namespace fakes::docker {

using FilterArgs = std::map<std::string, std::vector<std::string>>;

/// Throws DockerError(400) naming the problem for malformed JSON or a wrong shape.
FilterArgs parse_filter_args(const std::string& json_text);

/// Throws DockerError(400) "invalid filter 'x'" for a key not in `allowed`.
void require_known_filters(const FilterArgs& args, const std::vector<std::string>& allowed);

/// "key" or "key=value" label filters against a label map.
bool labels_match(const std::vector<std::string>& wanted, const std::map<std::string, std::string>& labels);

/// True when `pred` holds for one of a filter key's values.
template <class Pred>
bool any_value(const std::vector<std::string>& values, Pred pred) {
  return std::any_of(values.begin(), values.end(), pred);
}

}  // namespace fakes::docker
