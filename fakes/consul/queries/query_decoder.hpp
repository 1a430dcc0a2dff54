#pragma once
// The body of POST /v1/query and PUT /v1/query/<id> as Consul's decodeBody reads it
// (encoding/json into structs.PreparedQuery): field names matched exactly, else ASCII
// case-insensitively; a JSON null leaves the field alone; a wrong type throws Go's
// "json: cannot unmarshal ..." text; names Consul does not know are ignored, as Go does.
// Fields Consul knows but the fake does not model (Connect, Peer, SamenessGroup,
// Failover.Targets) are refused when set, naming the field, instead of being dropped.

#include "fakes/consul/queries/prepared_query.hpp"
#include "fakes/consul/requests/go_json_decoding.hpp"

#include <string>
#include <string_view>

namespace fakes::consul {

/// A set field the fake cannot honour; the message names it.
class UnmodelledQueryField : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Throws DecodeError (bad JSON, wrong types) or UnmodelledQueryField.
PreparedQuery decode_prepared_query(std::string_view body);

}  // namespace fakes::consul
