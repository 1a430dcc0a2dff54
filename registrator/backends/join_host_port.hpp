#pragma once
// "ip:port" for the address values every backend writes (Consul's check targets, consulkv and
// etcd values): one rule, so an IPv6 address is bracketed the same way everywhere.
#include <string>

namespace registrator {

/// "ip:port" as Go net.JoinHostPort (IPv6 addresses in brackets).
std::string join_host_port(const std::string& ip, int port);

}  // namespace registrator
