// The property checked for one input, shared by the libFuzzer target and the corpus replay:
//  - the reader either parses or throws WireFormatError (nothing else, no UB);
//  - a parsed message re-serialises, and that re-parses to the same bytes;
//  - the handler answers or drops, and any answer parses and respects the UDP size.
#pragma once

#include "fakes/dns/answers/query_handler.hpp"
#include "fakes/dns/wire/wire.hpp"
#include "tests/fakes/dns/stub_directory.hpp"

#include <span>
#include <string>

namespace fakes::dns::testing {

/// Returns an empty string when every property holds, else what broke.
inline std::string check_one(std::span<const std::uint8_t> input) {
  try {
    const Message m = parse_message(input);
    const std::vector<std::uint8_t> once = serialize_message(m);
    if (serialize_message(parse_message(once)) != once) return "re-serialisation is not stable";
  } catch (const WireFormatError&) {
    // expected for malformed input
  } catch (const std::exception& e) {
    return std::string("reader threw a non-wire exception: ") + e.what();
  }

  static const StubDirectory directory = make_catalog();
  DnsConfig config;
  config.shuffle_seed = 1;
  config.soa_serial = 1;
  config.alt_domain = "alt.test";
  config.service_ttls = {{"web", 5}, {"w*", 7}, {"*", 9}};
  config.a_record_limit = 2;
  QueryHandler handler(directory, config);
  for (const Transport t : {Transport::kUdp, Transport::kTcp}) {
    std::optional<std::vector<std::uint8_t>> out;
    try {
      out = handler.answer(input, t);
    } catch (const std::exception& e) {
      return std::string("handler threw: ") + e.what();
    }
    if (!out) continue;
    Message response;
    try {
      response = parse_message(*out);
    } catch (const WireFormatError& e) {
      return std::string("response does not parse: ") + e.what();
    }
    if (!response.header.qr) return "response without QR";
    const bool has_opt = !response.additional.empty() && response.additional.back().type == rr_type::kOpt;
    if (t == Transport::kUdp && !has_opt && out->size() > 512) return "non-EDNS UDP response over 512 bytes";
    if (out->size() > kMaxTcpResponse) return "response over the TCP limit";
  }
  return {};
}

}  // namespace fakes::dns::testing
