#pragma once
// Plain records of the fake catalog: nodes, their services and checks, with Raft-like
// Create/ModifyIndex as Consul reports them.

#include "fakes/consul/state/health_status.hpp"
#include "fakes/consul/state/clock.hpp"

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace fakes::consul {

struct RaftIndex {
  std::uint64_t create_index = 0;
  std::uint64_t modify_index = 0;
  bool operator==(const RaftIndex&) const = default;
};

struct Weights {
  int passing = 1;
  int warning = 1;
  bool operator==(const Weights&) const = default;
};

struct TaggedAddress {
  std::string address;
  int port = 0;
  bool operator==(const TaggedAddress&) const = default;
};

struct Service {
  std::string id;
  std::string name;
  std::string kind;  // "" for typical services
  std::vector<std::string> tags;
  std::string address;
  int port = 0;
  std::map<std::string, std::string> meta;
  std::map<std::string, TaggedAddress> tagged_addresses;
  bool enable_tag_override = false;
  Weights weights;
  // Written by PUT /v1/catalog/register rather than by the node's agent: the agent's
  // anti-entropy removes such entries from its own node (it asserts only what it owns).
  bool from_catalog_api = false;
  RaftIndex raft;
  bool operator==(const Service&) const = default;
};

/// How a check gets its status. The fake runs only TTL checks itself; the others keep the
/// status they were registered with until the control API changes it.
struct CheckDefinition {
  std::string id;    // "" = default (service:<id>[:n])
  std::string name;  // "" = default ("Service '<name>' check")
  std::optional<HealthStatus> status;
  std::string notes;
  std::string type;  // "ttl", "http", "tcp", "grpc", "script", "docker", "alias", "h2ping", "udp"
  std::optional<std::chrono::milliseconds> ttl;
  std::chrono::milliseconds interval{0};
  std::chrono::milliseconds timeout{0};
  std::chrono::milliseconds deregister_critical_after{0};
  std::string target;  // the HTTP URL / TCP address / ... for display
  std::vector<std::string> args;  // script checks: the command and its arguments
  // HTTP checks: Method ("" = GET), Header (each value list sent as repeated fields), Body.
  std::string http_method;
  std::map<std::string, std::vector<std::string>> http_headers;
  std::string http_body;
  // HTTPS checks: the name used for SNI and certificate verification ("" = the URL's host) and
  // whether to skip verification (Consul's TLSServerName / TLSSkipVerify).
  std::string tls_server_name;
  bool tls_skip_verify = false;
  bool grpc_use_tls = false;  // gRPC checks: TLS (with the two fields above) instead of h2c
};

/// The agent's own bookkeeping of a check, not part of the catalog record: two records that
/// differ only in it compare equal (re-registering an identical check is not a write).
struct AgentCheckState {
  // TTL checks: Consul's CheckTTL fires once per arming (pass/warn/fail and every
  // (re-)registration re-arm it), also when the check is already critical.
  Clock::time_point ttl_deadline{};
  bool ttl_armed = false;
  std::string ttl_last_output;  // of the last pass/warn/fail since (re-)registration
  // Consul's CheckState.CriticalTime: set by the first status update that reports critical,
  // kept by further critical updates, cleared by any other status. A (re-)registered check
  // starts without one (DeregisterCriticalServiceAfter counts from here, not from registration).
  std::optional<Clock::time_point> critical_since;
  bool operator==(const AgentCheckState&) const { return true; }
};

struct Check {
  std::string id;
  std::string name;
  HealthStatus status = HealthStatus::critical;
  std::string notes;
  std::string output;
  std::string service_id;    // "" = node-level check
  std::string service_name;
  std::vector<std::string> service_tags;
  std::string type;
  std::optional<std::chrono::milliseconds> ttl;
  std::chrono::milliseconds interval{0};
  std::chrono::milliseconds timeout{0};
  std::string target;
  std::vector<std::string> args;  // script checks (Args / ScriptArgs)
  std::string http_method;        // HTTP checks, as CheckDefinition
  std::map<std::string, std::vector<std::string>> http_headers;
  std::string http_body;
  std::string tls_server_name;  // HTTPS and gRPC-over-TLS checks, as CheckDefinition
  bool tls_skip_verify = false;
  bool grpc_use_tls = false;
  // DeregisterCriticalServiceAfter: the agent reaps the service once this check has been
  // critical for that long (0 = never), counted from agent.critical_since.
  std::chrono::milliseconds deregister_critical_after{0};
  AgentCheckState agent;
  bool from_catalog_api = false;  // as Service::from_catalog_api
  RaftIndex raft;
  bool operator==(const Check&) const = default;
};

struct Node {
  std::string id;  // UUID derived from the name, stable across runs
  std::string name;
  std::string address;
  std::string datacenter;
  std::map<std::string, std::string> meta;
  std::map<std::string, Service> services;  // by service ID
  std::map<std::string, Check> checks;      // by check ID
  RaftIndex raft;
};

/// PUT /v1/catalog/register (Consul's structs.RegisterRequest), decoded and validated.
struct CatalogRegistration {
  std::string datacenter;  // "" = the local one
  std::string node;
  std::string address;
  std::map<std::string, std::string> node_meta;
  bool skip_node_update = false;
  std::optional<Service> service;
  std::vector<Check> checks;  // status, output, service_id as given
};

/// PUT /v1/catalog/deregister: the node, one of its services, or one of its checks.
struct CatalogDeregistration {
  std::string datacenter;
  std::string node;
  std::string service_id;
  std::string check_id;
};

/// What an agent registered that a /v1/catalog write removed or overwrote: its anti-entropy
/// puts these back at the next sync.
struct AgentStash {
  std::map<std::string, Service> services;  // by service ID
  std::map<std::string, Check> checks;      // by check ID
};

/// A service instance as the read endpoints see it.
struct ServiceInstanceRef {
  const Node* node;
  const Service* service;
};

}  // namespace fakes::consul
