#include "fakes/consul/queries/query_json.hpp"

namespace fakes::consul {

namespace {

using nlohmann::json;

json list_or_null(const OptionalList& list) { return list ? json(*list) : json(nullptr); }
json map_or_null(const OptionalMap& map) { return map ? json(*map) : json(nullptr); }

// The QueryMeta a non-blocking prepared query RPC answers with: no index of its own, the
// leader known, the default consistency mode.
void add_query_meta_fields(json& out) {
  out.update({{"Index", 0},
              {"LastContact", 0},
              {"KnownLeader", true},
              {"ConsistencyLevel", "leader"},
              {"NotModified", false},
              {"Backend", 0}});
}

}  // namespace

json prepared_query_json(const PreparedQuery& q) {
  const ServiceQuery& s = q.service;
  return {{"ID", q.id},
          {"Name", q.name},
          {"Session", q.session},
          {"Token", q.token},
          {"Template",
           {{"Type", q.template_.type}, {"Regexp", q.template_.regexp}, {"RemoveEmptyTags", q.template_.remove_empty_tags}}},
          {"Service",
           {{"Service", s.service},
            {"Failover",
             {{"NearestN", s.failover.nearest_n}, {"Datacenters", list_or_null(s.failover.datacenters)}, {"Targets", nullptr}}},
            {"OnlyPassing", s.only_passing},
            {"IgnoreCheckIDs", list_or_null(s.ignore_check_ids)},
            {"Near", s.near},
            {"Tags", list_or_null(s.tags)},
            {"NodeMeta", map_or_null(s.node_meta)},
            {"ServiceMeta", map_or_null(s.service_meta)},
            {"Peer", ""},
            {"Connect", false}}},
          {"DNS", {{"TTL", q.dns_ttl}}},
          {"CreateIndex", q.create_index},
          {"ModifyIndex", q.modify_index}};
}

json execute_result_json(const QueryResult& r) {
  json out = {{"Service", r.service},
              {"Nodes", r.nodes},
              {"DNS", {{"TTL", r.dns_ttl}}},
              {"Datacenter", r.datacenter},
              {"Failovers", r.failovers}};
  add_query_meta_fields(out);
  return out;
}

json explain_json(const PreparedQuery& rendered) {
  json out = {{"Query", prepared_query_json(rendered)}};
  add_query_meta_fields(out);
  return out;
}

}  // namespace fakes::consul
