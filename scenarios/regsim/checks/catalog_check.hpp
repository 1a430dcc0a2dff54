#pragma once
// Compares what GET /v1/catalog/service/NAME answered with the entries a scenario expects.
// Each expected entry lists only the fields it cares about. Entries are paired by ServiceID when
// the expectation names one, otherwise with the closest actual entry, so a mismatch reads
// "entry ServiceID=host1:web5:80: ServicePort expected 80, got 81" rather than "not equal".

#include "scenarios/regsim/checks/check_result.hpp"
#include "scenarios/regsim/language/scenario.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace regsim {

/// `expected` holds objects with templates already expanded; `actual` is the catalog's answer.
CheckResult compare_catalog(const std::vector<nlohmann::json>& expected, MatchMode mode, const nlohmann::json& actual);

/// The same for any list of objects whose identity is `id_field` ("Key" for etcd's keys).
CheckResult compare_entries(const std::vector<nlohmann::json>& expected, MatchMode mode, const nlohmann::json& actual,
                            const std::string& id_field);

}  // namespace regsim
