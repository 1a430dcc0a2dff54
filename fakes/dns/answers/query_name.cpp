#include "fakes/dns/answers/query_name.hpp"

#include <span>
#include <vector>

namespace fakes::dns {
namespace {

bool is_query_type(const std::string& label) {
  return label == "service" || label == "node" || label == "addr" || label == "query";
}

bool underscored(const std::string& label) { return label.size() > 1 && label[0] == '_'; }

std::string join(std::span<const std::string> labels) {
  std::string out;
  for (const std::string& l : labels) {
    if (!out.empty()) out += '.';
    out += l;
  }
  return out;
}

void parse_service(std::span<const std::string> rest, ParsedName& out) {
  if (rest.empty()) return;  // stays kUnknown -> NXDOMAIN
  out.kind = ParsedName::Kind::kService;
  if (rest.size() == 2 && underscored(rest[0]) && underscored(rest[1])) {
    // RFC 2782: _svc._tag; "_tcp" is Consul's "no tag filter".
    out.service = rest[0].substr(1);
    if (rest[1] != "_tcp") out.tag = rest[1].substr(1);
    return;
  }
  // Legacy form: the last label is the service; everything before it is one tag
  // (Consul joins several labels with dots).
  out.service = rest.back();
  if (rest.size() > 1) out.tag = join(rest.first(rest.size() - 1));
}

}  // namespace

std::optional<ParsedName> parse_query_name(const DnsName& name, const DnsName& domain,
                                           const std::string& default_datacenter) {
  if (!name.ends_with(domain)) return std::nullopt;
  const std::vector<std::string>& all = name.labels();
  const std::span<const std::string> labels(all.data(), all.size() - domain.labels().size());

  ParsedName out;
  out.datacenter = default_datacenter;
  if (labels.empty()) {
    out.kind = ParsedName::Kind::kApex;
    return out;
  }

  const std::size_t n = labels.size();
  std::string type;
  std::span<const std::string> rest;
  if (is_query_type(labels[n - 1])) {
    type = labels[n - 1];
    rest = labels.first(n - 1);
  } else if (n >= 2 && is_query_type(labels[n - 2])) {
    type = labels[n - 2];
    out.datacenter = labels[n - 1];
    out.explicit_datacenter = true;
    rest = labels.first(n - 2);
  } else if ((n == 2 || n == 3) && underscored(labels[0]) && underscored(labels[1])) {
    // RFC 2782 without the "service" label: _svc._tag[.dc].<domain>
    type = "service";
    if (n == 3) {
      out.datacenter = labels[2];
      out.explicit_datacenter = true;
    }
    rest = labels.first(2);
  } else {
    return out;  // kUnknown
  }

  if (type == "service") {
    parse_service(rest, out);
  } else if (type == "node") {
    if (!rest.empty()) {
      out.kind = ParsedName::Kind::kNode;
      out.node = join(rest);
    }
  } else if (type == "addr") {
    if (rest.size() == 1) {
      out.kind = ParsedName::Kind::kAddr;
      out.hex_address = rest[0];
    }
  } else if (type == "query") {
    if (!rest.empty()) {
      out.kind = ParsedName::Kind::kQuery;
      out.query = join(rest);
    }
  }
  return out;
}

}  // namespace fakes::dns
