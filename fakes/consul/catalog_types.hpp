#pragma once
// Plain records of the fake catalog: nodes, their services and checks, with Raft-like
// Create/ModifyIndex as Consul reports them.

#include "health_status.hpp"
#include "clock.hpp"

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
  Clock::time_point ttl_deadline{};  // meaningful when ttl is set
  std::chrono::milliseconds interval{0};
  std::chrono::milliseconds timeout{0};
  std::string target;
  // DeregisterCriticalServiceAfter: the agent reaps the service once this check has been
  // critical for that long (0 = never); critical_since is when it last turned critical.
  std::chrono::milliseconds deregister_critical_after{0};
  Clock::time_point critical_since{};
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

/// A service instance as the read endpoints see it.
struct ServiceInstanceRef {
  const Node* node;
  const Service* service;
};

}  // namespace fakes::consul
