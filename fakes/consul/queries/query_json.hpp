#pragma once
// The JSON Consul answers prepared query reads with: structs.PreparedQuery (GET, list,
// explain's "Query") and PreparedQueryExecuteResponse, both as Consul 1.15 encodes them
// (OSS: no enterprise fields; QueryMeta's fields flattened into execute and explain).

#include "fakes/consul/queries/prepared_query.hpp"
#include "fakes/consul/queries/query_executor.hpp"

#include <nlohmann/json.hpp>

namespace fakes::consul {

nlohmann::json prepared_query_json(const PreparedQuery& query);
nlohmann::json execute_result_json(const QueryResult& result);
nlohmann::json explain_json(const PreparedQuery& rendered);

}  // namespace fakes::consul
