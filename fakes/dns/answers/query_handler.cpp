// QueryHandler: header/EDNS handling, error responses and size-limited encoding around
// plan_answer().
#include "fakes/dns/answers/query_handler.hpp"

#include "fakes/dns/answers/answer_plan.hpp"
#include "fakes/dns/answers/query_name.hpp"
#include "fakes/dns/wire/wire.hpp"

#include <algorithm>
#include <exception>
#include <set>

namespace fakes::dns {
namespace {

constexpr std::size_t kDefaultMaxUdpSize = 512;   // RFC 1035 without EDNS
constexpr std::size_t kMaxUdpAnswerLimit = 8;     // Consul's maxUDPAnswerLimit
constexpr std::size_t kMaxEdnsSize = 65535 - 68;  // Consul caps the advertised size here
constexpr std::uint8_t kBadVers = 16;             // RFC 6891 extended rcode

Header response_header(const Header& query, const DnsConfig& config, std::uint8_t rc) {
  Header h;
  h.id = query.id;
  h.qr = true;
  h.opcode = query.opcode;
  h.rd = query.rd;
  h.ra = config.recursion_available;
  h.cd = query.cd;
  h.rcode = static_cast<std::uint8_t>(rc & 0x0f);
  return h;
}

ResourceRecord make_opt(std::uint16_t udp_size, std::uint8_t extended_rcode) {
  ResourceRecord opt;  // root owner name
  opt.type = rr_type::kOpt;
  opt.klass = udp_size;
  opt.ttl = static_cast<std::uint32_t>(extended_rcode >> 4) << 24;  // version 0, no flags
  opt.data = RawRecord{};
  return opt;
}

/// Error responses echo the question when there is one we could parse.
std::vector<std::uint8_t> error_response(const Header& query, const DnsConfig& config, std::uint8_t rc,
                                         const Question* question, const std::optional<Edns>& edns) {
  PacketWriter w(response_header(query, config, rc));
  if (question) w.add_question(*question);
  if (edns) w.add_record(Section::kAdditional, make_opt(edns->udp_size, rc));
  return w.finish();
}

std::string record_key(const ResourceRecord& rr) {
  std::string key = rr.name.lower().to_text() + '/' + std::to_string(rr.type) + '/';
  if (const auto* a = std::get_if<ARecord>(&rr.data)) key.append(a->address.begin(), a->address.end());
  if (const auto* a = std::get_if<AaaaRecord>(&rr.data)) key.append(a->address.begin(), a->address.end());
  return key;
}

std::vector<std::uint8_t> encode(const Header& header, const Question& question, const AnswerPlan& plan,
                                 std::size_t answers, const std::optional<ResourceRecord>& soa,
                                 const std::optional<Edns>& edns) {
  PacketWriter w(header);
  w.add_question(question);
  for (std::size_t i = 0; i < answers; ++i) w.add_record(Section::kAnswer, plan.entries[i].record);
  if (soa) w.add_record(Section::kAuthority, *soa);
  for (const ResourceRecord& ns : plan.authority) w.add_record(Section::kAuthority, ns);
  std::set<std::string> seen;  // several SRV records may share a target
  for (std::size_t i = 0; i < answers; ++i) {
    for (const ResourceRecord& extra : plan.entries[i].extras) {
      if (seen.insert(record_key(extra)).second) w.add_record(Section::kAdditional, extra);
    }
  }
  for (const ResourceRecord& glue : plan.additional) {
    if (seen.insert(record_key(glue)).second) w.add_record(Section::kAdditional, glue);
  }
  if (edns) w.add_record(Section::kAdditional, make_opt(edns->udp_size, 0));
  return w.finish();
}

}  // namespace

QueryHandler::QueryHandler(const ServiceDirectory& directory, DnsConfig config)
    : directory_(directory),
      config_(std::move(config)),
      rng_(config_.shuffle_seed ? *config_.shuffle_seed : std::random_device{}()),
      arpa_(DnsName::from_text("arpa")) {
  // A domain that does not parse leaves zones_ short; questions for it get SERVFAIL
  // (empty list) or REFUSED, never a crash.
  for (const std::string* text : {&config_.domain, &config_.alt_domain}) {
    if (text->empty() && text == &config_.alt_domain) continue;
    try {
      zones_.push_back(DnsName::from_text(*text).lower());
    } catch (const std::invalid_argument&) {
    }
  }
}

/// Consul's handlePtr: a found address answers authoritatively (SOA in AUTHORITY only for
/// qtype SOA); anything else falls through to handleRecurse, which without recursors
/// answers SERVFAIL with RA set and AA clear.
std::vector<std::uint8_t> QueryHandler::reverse_response(const Header& qh, const Question& question,
                                                         const std::optional<Edns>& edns) {
  std::optional<ResourceRecord> ptr;
  std::optional<ResourceRecord> soa;
  try {
    ptr = plan_ptr(question, directory_, config_);
    if (ptr && question.type == rr_type::kSoa) soa = make_soa(config_, question.name);
  } catch (const std::exception&) {
    ptr.reset();
  }
  if (!ptr) {
    Header h = response_header(qh, config_, rcode::kServFail);
    h.ra = true;
    PacketWriter w(h);
    w.add_question(question);
    if (edns) w.add_record(Section::kAdditional, make_opt(edns->udp_size, 0));
    return w.finish();
  }
  Header h = response_header(qh, config_, rcode::kNoError);
  h.aa = true;
  PacketWriter w(h);
  w.add_question(question);
  w.add_record(Section::kAnswer, *ptr);
  if (soa) w.add_record(Section::kAuthority, *soa);
  if (edns) w.add_record(Section::kAdditional, make_opt(edns->udp_size, 0));
  return w.finish();
}

std::optional<std::vector<std::uint8_t>> QueryHandler::answer(std::span<const std::uint8_t> query,
                                                              Transport transport) {
  if (query.size() < kHeaderSize) return std::nullopt;  // nothing to address a reply to
  const Header qh = PacketReader(query).read_header();
  if (qh.qr) return std::nullopt;

  Message msg;
  try {
    msg = parse_message(query);
  } catch (const WireFormatError&) {
    return error_response(qh, config_, rcode::kFormErr, nullptr, std::nullopt);
  }

  // EDNS0: at most one OPT, owned by the root.
  std::optional<Edns> edns;
  for (const ResourceRecord& rr : msg.additional) {
    if (rr.type != rr_type::kOpt) continue;
    if (edns || !rr.name.is_root()) return error_response(qh, config_, rcode::kFormErr, nullptr, std::nullopt);
    edns = Edns{std::max<std::uint16_t>(rr.klass, kDefaultMaxUdpSize)};
    if (((rr.ttl >> 16) & 0xff) != 0) return error_response(qh, config_, kBadVers, nullptr, edns);
  }

  Question* question = msg.questions.empty() ? nullptr : &msg.questions.front();
  if (question) question->name = question->name.lower();  // Consul echoes the canonical name
  if (qh.opcode != 0) return error_response(qh, config_, rcode::kNotImp, question, edns);
  if (msg.questions.empty()) return error_response(qh, config_, rcode::kRefused, nullptr, edns);
  if (msg.questions.size() > 1) return error_response(qh, config_, rcode::kFormErr, nullptr, edns);

  if (question->name.ends_with(arpa_)) return reverse_response(qh, *question, edns);

  // The longer of domain / alt_domain that the name ends with is the zone it is in.
  const DnsName* zone = nullptr;
  for (const DnsName& candidate : zones_) {
    if (question->name.ends_with(candidate) && (!zone || candidate.labels().size() > zone->labels().size())) {
      zone = &candidate;
    }
  }
  if (!zone) return error_response(qh, config_, zones_.empty() ? rcode::kServFail : rcode::kRefused, question, edns);
  const std::optional<ParsedName> parsed = parse_query_name(question->name, *zone, config_.datacenter);
  if (!parsed) return error_response(qh, config_, rcode::kRefused, question, edns);

  AnswerPlan plan;
  std::optional<ResourceRecord> soa;
  try {
    plan = plan_answer(*question, *parsed, *zone, directory_, config_, rng_);
    if (plan.with_soa) soa = make_soa(config_, question->name);
  } catch (const std::exception&) {
    return error_response(qh, config_, rcode::kServFail, question, edns);
  }

  Header rh = response_header(qh, config_, plan.rcode);
  rh.aa = true;

  // Size limits: TCP up to 64 KiB; UDP to the EDNS size, else 512 bytes and at most
  // min(8, udp_answer_limit) answers (Consul applies the count cap only at 512 bytes).
  std::size_t max_size = kMaxTcpResponse;
  std::size_t max_answers = plan.entries.size();
  if (transport == Transport::kUdp) {
    max_size = edns ? std::min<std::size_t>(edns->udp_size, kMaxEdnsSize) : kDefaultMaxUdpSize;
    if (max_size == kDefaultMaxUdpSize) {
      max_answers = std::min({max_answers, kMaxUdpAnswerLimit, config_.udp_answer_limit});
    }
  }

  try {
    std::vector<std::uint8_t> out = encode(rh, *question, plan, max_answers, soa, edns);
    bool reencode = false;
    if (out.size() > max_size) {
      // Largest answer count that fits; the encoded size grows with the count.
      std::size_t lo = 0, hi = max_answers;
      while (lo + 1 < hi) {
        const std::size_t mid = lo + (hi - lo) / 2;
        if (encode(rh, *question, plan, mid, soa, edns).size() <= max_size) lo = mid;
        else hi = mid;
      }
      max_answers = lo;
      reencode = true;
    }
    if (max_answers < plan.entries.size() && transport == Transport::kUdp && config_.enable_truncate) {
      rh.tc = true;
      reencode = true;
    }
    if (reencode) out = encode(rh, *question, plan, max_answers, soa, edns);
    return out;
  } catch (const std::exception&) {
    // Only reachable if the directory handed us names the writer rejects.
    return error_response(qh, config_, rcode::kServFail, question, edns);
  }
}

}  // namespace fakes::dns
