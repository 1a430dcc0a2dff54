// What Consul 1.15 (agent/dns.go) answers, record by record. Where this departs from the
// reference notes, the comment says which Consul code path it follows.
#include "fakes/dns/answers/answer_plan.hpp"

#include "fakes/dns/answers/address_text.hpp"

#include <algorithm>
#include <chrono>
#include <set>
#include <tuple>

namespace fakes::dns {
namespace {

namespace ip = boost::asio::ip;

/// Consul's makeARecord: the record for `address` if the question type admits its family.
/// SRV, ANY, NS and TXT admit both (so a TXT query on a service answers A records, as in Consul).
std::optional<ResourceRecord> address_record(const DnsName& owner, const ip::address& address,
                                             std::uint16_t qtype, std::uint32_t ttl) {
  const bool any_family = qtype == rr_type::kSrv || qtype == rr_type::kAny || qtype == rr_type::kNs ||
                          qtype == rr_type::kTxt;
  ResourceRecord rr;
  rr.name = owner;
  rr.ttl = ttl;
  if (address.is_v4() && (qtype == rr_type::kA || any_family)) {
    rr.type = rr_type::kA;
    rr.data = ARecord{address.to_v4().to_bytes()};
    return rr;
  }
  if (address.is_v6() && (qtype == rr_type::kAaaa || any_family)) {
    rr.type = rr_type::kAaaa;
    rr.data = AaaaRecord{address.to_v6().to_bytes()};
    return rr;
  }
  return std::nullopt;
}

DnsName under(std::initializer_list<std::string> labels, const DnsName& domain) {
  for (const std::string& l : labels) {
    if (l.empty() || l.size() > kMaxLabelLength) throw std::invalid_argument("bad label: " + l);
  }
  DnsName name{std::vector<std::string>(labels)};
  for (const std::string& l : domain.labels()) name.push_back(ascii_lower(l));
  return name;
}

DnsName configured_domain(const DnsConfig& config) { return DnsName::from_text(config.domain).lower(); }

std::optional<DnsName> fqdn(const std::string& hostname) {
  try {
    return DnsName::from_text(hostname).lower();
  } catch (const std::invalid_argument&) {
    return std::nullopt;
  }
}

bool visible(const ServiceInstance& s, const DnsConfig& config, const std::optional<std::string>& tag) {
  if (s.critical || s.maintenance) return false;
  if (config.only_passing && s.warning) return false;
  if (!tag) return true;
  return std::any_of(s.tags.begin(), s.tags.end(), [&](const std::string& t) { return iequals(t, *tag); });
}

std::uint16_t clamp_weight(int w) { return static_cast<std::uint16_t>(std::clamp(w, 0, 0xffff)); }

AnswerPlan nxdomain() { return AnswerPlan{rcode::kNxDomain, true, {}, {}, {}}; }

struct ServiceQuery {
  const Question& q;
  const ParsedName& parsed;
  const DnsName& domain;
  const DnsConfig& config;
  std::uint32_t ttl;
};

/// serviceNodeRecords: A/AAAA per instance, deduplicated; a hostname address gives a CNAME
/// that is used only when no instance has an IP answer; a_record_limit caps the IP answers.
void service_addresses(AnswerPlan& plan, const ServiceQuery& sq, const std::vector<ServiceInstance>& instances) {
  std::set<std::string> seen;
  std::optional<AnswerEntry> first_cname;
  std::size_t count = 0;
  for (const ServiceInstance& s : instances) {
    const std::string& text = s.service_address.empty() ? s.node_address : s.service_address;
    std::optional<ip::address> address = parse_ip(text);
    // A service address naming the question itself means "use the node address" (Consul).
    if (!address && !s.service_address.empty()) {
      const auto target = fqdn(s.service_address);
      if (target && *target == sq.q.name) address = parse_ip(s.node_address);
    }
    if (!address) {
      const auto target = fqdn(text);
      if (!target || target->is_root() || !seen.insert("cname/" + target->to_text()).second) continue;
      if (!first_cname) {
        ResourceRecord rr;
        rr.name = sq.q.name;
        rr.type = rr_type::kCname;
        rr.ttl = sq.ttl;
        rr.data = PtrRecord{*target};  // CNAME RDATA is one name, like PTR
        first_cname = AnswerEntry{std::move(rr), {}};
      }
      continue;
    }
    auto rr = address_record(sq.q.name, *address, sq.q.type, sq.ttl);
    if (!rr || !seen.insert(address->to_string()).second) continue;
    plan.entries.push_back({std::move(*rr), {}});
    if (++count == sq.config.a_record_limit) return;
  }
  if (plan.entries.empty() && first_cname) plan.entries.push_back(std::move(*first_cname));
}

/// serviceSRVRecords: one SRV per (node, service address, port).
void service_srv(AnswerPlan& plan, const ServiceQuery& sq, const std::vector<ServiceInstance>& instances) {
  std::set<std::tuple<std::string, std::string, std::uint16_t>> seen;
  for (const ServiceInstance& s : instances) {
    if (!seen.emplace(s.node, s.service_address, s.port).second) continue;

    AnswerEntry entry;
    SrvRecord srv;
    srv.priority = 1;
    srv.weight = clamp_weight(s.warning ? s.weight_warning : s.weight_passing);
    srv.port = s.port;
    const bool own_address = !s.service_address.empty() && s.service_address != s.node_address;
    const std::string& host = own_address ? s.service_address : s.node_address;
    if (const auto address = parse_ip(host)) {
      try {
        srv.target = own_address ? under({hex_of(*address), "addr", sq.parsed.datacenter}, sq.domain)
                                 : under({ascii_lower(s.node), "node", sq.parsed.datacenter}, sq.domain);
      } catch (const std::invalid_argument&) {
        continue;  // node name that cannot be a DNS label
      }
      if (auto rr = address_record(srv.target, *address, rr_type::kSrv, sq.ttl)) entry.extras.push_back(std::move(*rr));
    } else if (const auto target = fqdn(host); target && !target->is_root()) {
      srv.target = *target;  // external service: the hostname itself, nothing to add
    } else {
      continue;
    }
    entry.record.name = sq.q.name;
    entry.record.type = rr_type::kSrv;
    entry.record.ttl = sq.ttl;
    entry.record.data = std::move(srv);
    plan.entries.push_back(std::move(entry));
  }
}

AnswerPlan service_answer(const ServiceQuery& sq, const ServiceDirectory& directory, std::mt19937_64& rng) {
  std::vector<ServiceInstance> instances = directory.service_instances(sq.parsed.datacenter, sq.parsed.service);
  std::erase_if(instances, [&](const ServiceInstance& s) { return !visible(s, sq.config, sq.parsed.tag); });
  if (instances.empty()) return nxdomain();
  std::shuffle(instances.begin(), instances.end(), rng);

  AnswerPlan plan;
  if (sq.q.type == rr_type::kSrv) service_srv(plan, sq, instances);
  else service_addresses(plan, sq, instances);
  plan.with_soa = plan.entries.empty();  // NODATA (also for types Consul has no records of)
  return plan;
}

/// preparedQueryLookup: the query's execution (failover included) answered as a service
/// lookup in the datacenter the instances came from; its DNS.TTL, else the service's TTL.
AnswerPlan query_answer(const Question& q, const ParsedName& parsed, const DnsName& domain,
                        const ServiceDirectory& directory, const DnsConfig& config, std::mt19937_64& rng) {
  std::optional<QueryAnswer> answer = directory.execute_query(parsed.datacenter, parsed.query);
  if (!answer || answer->instances.empty()) return nxdomain();
  ParsedName from = parsed;
  from.datacenter = answer->datacenter;
  const ServiceQuery sq{q, from, domain, config, answer->ttl.value_or(service_ttl_for(config, answer->service))};
  std::vector<ServiceInstance> instances = std::move(answer->instances);
  std::shuffle(instances.begin(), instances.end(), rng);
  AnswerPlan plan;
  if (q.type == rr_type::kSrv) service_srv(plan, sq, instances);
  else service_addresses(plan, sq, instances);
  plan.with_soa = plan.entries.empty();
  return plan;
}

AnswerPlan node_answer(const Question& q, const ParsedName& parsed, const ServiceDirectory& directory,
                       const DnsConfig& config) {
  const std::optional<NodeInfo> node = directory.node(parsed.datacenter, parsed.node);
  if (!node) return nxdomain();
  AnswerPlan plan;
  if (const auto address = parse_ip(node->address)) {
    if (q.type != rr_type::kTxt) {
      if (auto rr = address_record(q.name, *address, q.type, config.node_ttl)) plan.entries.push_back({std::move(*rr), {}});
    }
  }
  if (q.type == rr_type::kTxt || q.type == rr_type::kAny) {
    for (const auto& [key, value] : node->meta) {
      // RFC 1464 "key=value", except Consul's "rfc1035-" keys whose value goes out raw.
      std::string text = key.starts_with("rfc1035-") ? value : key + "=" + value;
      if (text.size() > 255) text.resize(255);
      ResourceRecord rr;
      rr.name = q.name;
      rr.type = rr_type::kTxt;
      rr.ttl = config.node_ttl;
      rr.data = TxtRecord{{std::move(text)}};
      plan.entries.push_back({std::move(rr), {}});
    }
  }
  plan.with_soa = plan.entries.empty();
  return plan;
}

AnswerPlan addr_answer(const Question& q, const ParsedName& parsed, const DnsConfig& config) {
  const auto address = ip_of_hex(parsed.hex_address);
  if (!address) return nxdomain();
  AnswerPlan plan;
  if (q.type != rr_type::kTxt) {
    if (auto rr = address_record(q.name, *address, q.type, config.node_ttl)) plan.entries.push_back({std::move(*rr), {}});
  }
  plan.with_soa = plan.entries.empty();
  return plan;
}

/// Consul's nameservers(): up to three healthy nodes of the "consul" service, as
/// `<zone>. NS <node>.node.<dc>.<zone>.` with the node's address as glue (TTL node_ttl).
/// An agent whose catalog has no "consul" service has no NS records, as in Consul.
void nameservers(const Question& q, const DnsName& domain, const ServiceDirectory& directory, const DnsConfig& config,
                 std::mt19937_64& rng, std::vector<ResourceRecord>& ns, std::vector<ResourceRecord>& glue) {
  std::vector<ServiceInstance> servers = directory.service_instances(config.datacenter, "consul");
  std::erase_if(servers, [&](const ServiceInstance& s) { return !visible(s, config, std::nullopt); });
  std::shuffle(servers.begin(), servers.end(), rng);
  std::set<std::string> seen;
  for (const ServiceInstance& s : servers) {
    if (ns.size() >= 3) break;
    DnsName host;
    try {
      host = under({ascii_lower(s.node), "node", config.datacenter}, domain);
    } catch (const std::invalid_argument&) {
      continue;  // Consul skips node names that are not valid DNS labels
    }
    if (!seen.insert(host.to_text()).second) continue;
    ResourceRecord rr;
    rr.name = domain;
    rr.type = rr_type::kNs;
    rr.ttl = config.node_ttl;
    rr.data = NsRecord{host};
    ns.push_back(std::move(rr));
    if (const auto address = parse_ip(s.node_address)) {
      if (auto a = address_record(host, *address, rr_type::kAny, config.node_ttl)) glue.push_back(std::move(*a));
    }
  }
  (void)q;
}

}  // namespace

ResourceRecord make_soa(const DnsConfig& config, const DnsName& question_name) {
  DnsName zone = configured_domain(config);
  if (!config.alt_domain.empty()) {
    const DnsName alt = DnsName::from_text(config.alt_domain).lower();
    // Consul checks HasSuffix(name, "."+alt): the alt apex itself gets the primary SOA.
    if (question_name.labels().size() > alt.labels().size() && question_name.ends_with(alt)) zone = alt;
  }
  SoaRecord soa;
  soa.mname = under({"ns"}, zone);
  soa.rname = under({"hostmaster"}, zone);
  soa.serial = config.soa_serial.value_or(static_cast<std::uint32_t>(
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
          .count()));
  soa.refresh = config.soa_refresh;
  soa.retry = config.soa_retry;
  soa.expire = config.soa_expire;
  soa.minimum = config.soa_min_ttl;
  ResourceRecord rr;
  rr.name = zone;
  rr.type = rr_type::kSoa;
  rr.ttl = config.soa_min_ttl;
  rr.data = std::move(soa);
  return rr;
}

AnswerPlan plan_answer(const Question& question, const ParsedName& parsed, const DnsName& domain,
                       const ServiceDirectory& directory, const DnsConfig& config, std::mt19937_64& rng) {
  // handleQuery answers SOA and NS for ANY name in the zone before looking at the name.
  if (question.type == rr_type::kSoa) {
    AnswerPlan plan;
    plan.entries.push_back({make_soa(config, question.name), {}});
    nameservers(question, domain, directory, config, rng, plan.authority, plan.additional);
    return plan;
  }
  if (question.type == rr_type::kNs) {
    AnswerPlan plan;
    std::vector<ResourceRecord> ns;
    nameservers(question, domain, directory, config, rng, ns, plan.additional);
    for (ResourceRecord& rr : ns) plan.entries.push_back({std::move(rr), {}});
    return plan;  // NOERROR even when empty, without SOA (as Consul)
  }
  if (question.type == 252 /* AXFR */) return AnswerPlan{rcode::kNotImp, false, {}, {}, {}};

  // The apex itself is no lookup Consul knows ("QName invalid"): NXDOMAIN, also for ANY.
  if (parsed.kind == ParsedName::Kind::kApex || parsed.kind == ParsedName::Kind::kUnknown) return nxdomain();
  if (!directory.has_datacenter(parsed.datacenter)) return nxdomain();
  switch (parsed.kind) {
    case ParsedName::Kind::kService: {
      const ServiceQuery sq{question, parsed, domain, config, service_ttl_for(config, parsed.service)};
      return service_answer(sq, directory, rng);
    }
    case ParsedName::Kind::kNode: return node_answer(question, parsed, directory, config);
    case ParsedName::Kind::kAddr: return addr_answer(question, parsed, config);
    case ParsedName::Kind::kQuery: return query_answer(question, parsed, domain, directory, config, rng);
    default: return nxdomain();
  }
}

std::optional<ResourceRecord> plan_ptr(const Question& question, const ServiceDirectory& directory,
                                       const DnsConfig& config) {
  const auto address = address_from_reverse_name(question.name);
  if (!address) return std::nullopt;
  const std::string text = address->to_string();
  const DnsName domain = configured_domain(config);  // PTR targets always use the primary domain
  std::optional<DnsName> target;
  if (const auto node = directory.node_with_address(config.datacenter, text)) {
    target = under({ascii_lower(*node), "node", config.datacenter}, domain);
  } else if (const auto service = directory.service_with_address(config.datacenter, text)) {
    target = under({ascii_lower(*service), "service", config.datacenter}, domain);
  }
  if (!target) return std::nullopt;
  ResourceRecord rr;
  rr.name = question.name;
  rr.type = rr_type::kPtr;
  rr.ttl = 0;  // Consul hard-codes 0 for PTR
  rr.data = PtrRecord{*target};
  return rr;
}

}  // namespace fakes::dns
