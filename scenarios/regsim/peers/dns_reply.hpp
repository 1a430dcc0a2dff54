#pragma once
// What one DNS question got back, independent of the resolver library.

#include <string>
#include <vector>

namespace regsim {

struct AddressRecord {
  std::string address;
  unsigned ttl = 0;
};

struct SrvRecord {
  int priority = 0;
  int weight = 0;
  int port = 0;
  std::string target;
};

struct DnsReply {
  enum class Status { answered, nodata, nxdomain, failed };
  Status status = Status::failed;
  std::vector<AddressRecord> addresses;  // A
  std::vector<SrvRecord> srv;            // SRV
  std::string error;                     // failed only: why (timeout, refused, ...)
};

}  // namespace regsim
