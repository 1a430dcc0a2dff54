// Test helper: one DNS query packet, optionally with an EDNS0 OPT.
#pragma once

#include "fakes/dns/wire/wire.hpp"

#include <optional>
#include <string_view>

namespace fakes::dns::testing {

inline std::vector<std::uint8_t> build_query(std::string_view name, std::uint16_t type,
                                             std::optional<std::uint16_t> edns = std::nullopt) {
  Header h;
  h.id = 0x1234;
  h.rd = true;
  PacketWriter w(h);
  w.add_question({DnsName::from_text(name), type, kClassIn});
  if (edns) {
    ResourceRecord opt;
    opt.type = rr_type::kOpt;
    opt.klass = *edns;
    opt.data = RawRecord{};
    w.add_record(Section::kAdditional, opt);
  }
  return w.finish();
}

}  // namespace fakes::dns::testing
