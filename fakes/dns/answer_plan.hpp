// Internal: decides WHAT to answer for one in-domain question (records, rcode), leaving
// HOW (header flags, EDNS, size limits, trimming) to QueryHandler.
#pragma once

#include "fakes/dns/dns_config.hpp"
#include "fakes/dns/query_name.hpp"
#include "fakes/dns/service_directory.hpp"
#include "fakes/dns/wire.hpp"

#include <random>
#include <vector>

namespace fakes::dns {

/// One answer record with the ADDITIONAL records that belong to it (SRV target addresses),
/// so trimming answers trims their extras too (Consul's syncExtra).
struct AnswerEntry {
  ResourceRecord record;
  std::vector<ResourceRecord> extras;
};

struct AnswerPlan {
  std::uint8_t rcode = rcode::kNoError;
  bool with_soa = false;  ///< NXDOMAIN / NODATA: SOA in AUTHORITY
  std::vector<AnswerEntry> entries;
};

/// `question.name` must be lower-case. May throw whatever the directory throws.
AnswerPlan plan_answer(const Question& question, const ParsedName& parsed,
                       const ServiceDirectory& directory, const DnsConfig& config,
                       std::mt19937_64& rng);

/// `<domain>. SOA ns.<domain>. hostmaster.<domain>. serial refresh retry expire min`.
ResourceRecord make_soa(const DnsConfig& config);

}  // namespace fakes::dns
