// Internal: decides WHAT to answer for one in-domain question (records, rcode), leaving
// HOW (header flags, EDNS, size limits, trimming) to QueryHandler.
#pragma once

#include "fakes/dns/answers/dns_config.hpp"
#include "fakes/dns/answers/query_name.hpp"
#include "fakes/dns/answers/service_directory.hpp"
#include "fakes/dns/wire/wire.hpp"

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
  std::vector<ResourceRecord> authority;   ///< NS records of an SOA answer
  std::vector<ResourceRecord> additional;  ///< their glue; never trimmed with answers
};

/// `question.name` must be lower-case; `domain` is the zone it is in (the configured domain
/// or alt_domain), lower-case: names in the answer are built under it. May throw whatever
/// the directory throws.
AnswerPlan plan_answer(const Question& question, const ParsedName& parsed, const DnsName& domain,
                       const ServiceDirectory& directory, const DnsConfig& config,
                       std::mt19937_64& rng);

/// `<zone>. SOA ns.<zone>. hostmaster.<zone>. serial refresh retry expire min`, where the zone
/// is alt_domain when the question is strictly below it, else the domain (Consul's soa()).
ResourceRecord make_soa(const DnsConfig& config, const DnsName& question_name);

/// PTR answer for an in-addr.arpa / ip6.arpa question: a node of the agent's datacenter
/// with that address (`<node>.node.<dc>.<domain>.`), else a service instance with that
/// service address (`<service>.service.<dc>.<domain>.`); nullopt when neither exists.
std::optional<ResourceRecord> plan_ptr(const Question& question, const ServiceDirectory& directory,
                                       const DnsConfig& config);

}  // namespace fakes::dns
