#include "fakes/dns/answer_plan.hpp"

#include <boost/asio/ip/address.hpp>

#include <algorithm>
#include <chrono>
#include <set>
#include <tuple>

namespace fakes::dns {
namespace {

namespace ip = boost::asio::ip;

std::optional<ip::address> parse_ip(const std::string& text) {
  boost::system::error_code ec;
  const ip::address a = ip::make_address(text, ec);
  if (ec) return std::nullopt;
  return a;
}

std::string hex_of(const ip::address& a) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  auto append = [&](const auto& bytes) {
    for (const unsigned char b : bytes) {
      out += kDigits[b >> 4];
      out += kDigits[b & 0x0f];
    }
  };
  if (a.is_v4()) append(a.to_v4().to_bytes());
  else append(a.to_v6().to_bytes());
  return out;
}

std::optional<ip::address> ip_of_hex(const std::string& hex) {
  if (hex.size() != 8 && hex.size() != 32) return std::nullopt;
  std::vector<unsigned char> bytes;
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    auto nibble = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      return -1;
    };
    const int hi = nibble(hex[i]);
    const int lo = nibble(hex[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    bytes.push_back(static_cast<unsigned char>(hi << 4 | lo));
  }
  if (bytes.size() == 4) {
    ip::address_v4::bytes_type b{};
    std::copy(bytes.begin(), bytes.end(), b.begin());
    return ip::address_v4(b);
  }
  ip::address_v6::bytes_type b{};
  std::copy(bytes.begin(), bytes.end(), b.begin());
  return ip::address_v6(b);
}

/// A or AAAA for `address` if the question type asks for that family (ANY takes both).
std::optional<ResourceRecord> address_record(const DnsName& owner, const ip::address& address,
                                             std::uint16_t qtype, std::uint32_t ttl) {
  ResourceRecord rr;
  rr.name = owner;
  rr.ttl = ttl;
  if (address.is_v4() && (qtype == rr_type::kA || qtype == rr_type::kAny)) {
    rr.type = rr_type::kA;
    rr.data = ARecord{address.to_v4().to_bytes()};
    return rr;
  }
  if (address.is_v6() && (qtype == rr_type::kAaaa || qtype == rr_type::kAny)) {
    rr.type = rr_type::kAaaa;
    rr.data = AaaaRecord{address.to_v6().to_bytes()};
    return rr;
  }
  return std::nullopt;
}

DnsName under_domain(std::initializer_list<std::string> labels, const DnsConfig& config) {
  for (const std::string& l : labels) {
    if (l.empty() || l.size() > kMaxLabelLength) throw std::invalid_argument("bad label: " + l);
  }
  DnsName name{std::vector<std::string>(labels)};
  const DnsName domain = DnsName::from_text(config.domain);  // named: labels() of a temporary would dangle
  for (const std::string& l : domain.labels()) name.push_back(ascii_lower(l));
  return name;
}

bool visible(const ServiceInstance& s, const DnsConfig& config, const std::optional<std::string>& tag) {
  if (s.critical || s.maintenance) return false;
  if (config.only_passing && s.warning) return false;
  if (!tag) return true;
  return std::any_of(s.tags.begin(), s.tags.end(), [&](const std::string& t) { return iequals(t, *tag); });
}

std::uint16_t clamp_weight(int w) { return static_cast<std::uint16_t>(std::clamp(w, 0, 0xffff)); }

AnswerPlan nxdomain() { return AnswerPlan{rcode::kNxDomain, true, {}}; }

void service_addresses(AnswerPlan& plan, const Question& q, const std::vector<ServiceInstance>& instances,
                       const DnsConfig& config) {
  std::set<ip::address> seen;  // two instances on one IP give ONE A record
  for (const ServiceInstance& s : instances) {
    const auto address = parse_ip(s.service_address.empty() ? s.node_address : s.service_address);
    if (!address || !seen.insert(*address).second) continue;  // hostnames: no CNAME support
    if (auto rr = address_record(q.name, *address, q.type, config.service_ttl)) {
      plan.entries.push_back({std::move(*rr), {}});
    }
  }
}

void service_srv(AnswerPlan& plan, const Question& q, const std::vector<ServiceInstance>& instances,
                 const ParsedName& parsed, const DnsConfig& config) {
  std::set<std::tuple<std::string, std::string, std::uint16_t>> seen;
  for (const ServiceInstance& s : instances) {
    const std::string& addr_text = s.service_address.empty() ? s.node_address : s.service_address;
    if (!seen.emplace(s.node, addr_text, s.port).second) continue;

    AnswerEntry entry;
    SrvRecord srv;
    srv.priority = 1;
    srv.weight = clamp_weight(s.warning ? s.weight_warning : s.weight_passing);
    srv.port = s.port;
    const bool own_address = !s.service_address.empty() && s.service_address != s.node_address;
    if (own_address) {
      if (const auto address = parse_ip(s.service_address)) {
        srv.target = under_domain({hex_of(*address), "addr", parsed.datacenter}, config);
        if (auto rr = address_record(srv.target, *address, address->is_v4() ? rr_type::kA : rr_type::kAaaa,
                                     config.service_ttl)) {
          entry.extras.push_back(std::move(*rr));
        }
      } else {
        try {
          srv.target = DnsName::from_text(s.service_address).lower();  // FQDN service address
        } catch (const std::invalid_argument&) {
          continue;
        }
      }
    } else {
      try {
        srv.target = under_domain({ascii_lower(s.node), "node", parsed.datacenter}, config);
      } catch (const std::invalid_argument&) {
        continue;  // node name that cannot be a DNS label
      }
      if (const auto address = parse_ip(s.node_address)) {
        if (auto rr = address_record(srv.target, *address, address->is_v4() ? rr_type::kA : rr_type::kAaaa,
                                     config.node_ttl)) {
          entry.extras.push_back(std::move(*rr));
        }
      }
    }
    entry.record.name = q.name;
    entry.record.type = rr_type::kSrv;
    entry.record.ttl = config.service_ttl;
    entry.record.data = std::move(srv);
    plan.entries.push_back(std::move(entry));
  }
}

AnswerPlan service_answer(const Question& q, const ParsedName& parsed, const ServiceDirectory& directory,
                          const DnsConfig& config, std::mt19937_64& rng) {
  std::vector<ServiceInstance> instances = directory.service_instances(parsed.datacenter, parsed.service);
  std::erase_if(instances, [&](const ServiceInstance& s) { return !visible(s, config, parsed.tag); });
  if (instances.empty()) return nxdomain();
  std::shuffle(instances.begin(), instances.end(), rng);

  AnswerPlan plan;
  if (q.type == rr_type::kA || q.type == rr_type::kAaaa || q.type == rr_type::kAny) {
    service_addresses(plan, q, instances, config);
  } else if (q.type == rr_type::kSrv) {
    service_srv(plan, q, instances, parsed, config);
  }
  plan.with_soa = plan.entries.empty();  // NODATA
  return plan;
}

AnswerPlan node_answer(const Question& q, const ParsedName& parsed, const ServiceDirectory& directory,
                       const DnsConfig& config) {
  const std::optional<NodeInfo> node = directory.node(parsed.datacenter, parsed.node);
  if (!node) return nxdomain();
  AnswerPlan plan;
  if (const auto address = parse_ip(node->address)) {
    if (auto rr = address_record(q.name, *address, q.type, config.node_ttl)) plan.entries.push_back({std::move(*rr), {}});
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
  if (auto rr = address_record(q.name, *address, q.type, config.node_ttl)) plan.entries.push_back({std::move(*rr), {}});
  plan.with_soa = plan.entries.empty();
  return plan;
}

AnswerPlan apex_answer(const Question& q, const DnsConfig& config) {
  AnswerPlan plan;
  if (q.type == rr_type::kSoa || q.type == rr_type::kAny) plan.entries.push_back({make_soa(config), {}});
  if (q.type == rr_type::kNs || q.type == rr_type::kAny) {
    ResourceRecord ns;
    ns.name = q.name;
    ns.type = rr_type::kNs;
    ns.ttl = config.node_ttl;
    ns.data = NsRecord{under_domain({"ns"}, config)};
    plan.entries.push_back({std::move(ns), {}});
  }
  plan.with_soa = plan.entries.empty();
  return plan;
}

}  // namespace

ResourceRecord make_soa(const DnsConfig& config) {
  SoaRecord soa;
  soa.mname = under_domain({"ns"}, config);
  soa.rname = under_domain({"hostmaster"}, config);
  soa.serial = config.soa_serial.value_or(static_cast<std::uint32_t>(
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
          .count()));
  soa.refresh = config.soa_refresh;
  soa.retry = config.soa_retry;
  soa.expire = config.soa_expire;
  soa.minimum = config.soa_min_ttl;
  ResourceRecord rr;
  rr.name = DnsName::from_text(config.domain).lower();
  rr.type = rr_type::kSoa;
  rr.ttl = config.soa_min_ttl;
  rr.data = std::move(soa);
  return rr;
}

AnswerPlan plan_answer(const Question& question, const ParsedName& parsed, const ServiceDirectory& directory,
                       const DnsConfig& config, std::mt19937_64& rng) {
  if (parsed.kind == ParsedName::Kind::kApex) return apex_answer(question, config);
  if (parsed.kind == ParsedName::Kind::kUnknown) return nxdomain();
  if (!directory.has_datacenter(parsed.datacenter)) return nxdomain();
  switch (parsed.kind) {
    case ParsedName::Kind::kService: return service_answer(question, parsed, directory, config, rng);
    case ParsedName::Kind::kNode: return node_answer(question, parsed, directory, config);
    case ParsedName::Kind::kAddr: return addr_answer(question, parsed, config);
    default: return nxdomain();
  }
}

}  // namespace fakes::dns
