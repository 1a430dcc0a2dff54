// Wire codec: round-trips, compression with exact sizes, and every malformed-input case.
#include "fakes/dns/wire/wire.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

namespace fakes::dns {
namespace {

using Bytes = std::vector<std::uint8_t>;

DnsName N(std::string_view text) { return DnsName::from_text(text); }

ResourceRecord rr(std::string_view name, std::uint16_t type, RData data, std::uint32_t ttl = 0) {
  ResourceRecord r;
  r.name = N(name);
  r.type = type;
  r.ttl = ttl;
  r.data = std::move(data);
  return r;
}

Bytes header_bytes(std::uint16_t qd, std::uint16_t an = 0, std::uint16_t ns = 0, std::uint16_t ar = 0) {
  return {0x12, 0x34, 0x01, 0x00,
          static_cast<std::uint8_t>(qd >> 8), static_cast<std::uint8_t>(qd),
          static_cast<std::uint8_t>(an >> 8), static_cast<std::uint8_t>(an),
          static_cast<std::uint8_t>(ns >> 8), static_cast<std::uint8_t>(ns),
          static_cast<std::uint8_t>(ar >> 8), static_cast<std::uint8_t>(ar)};
}

Bytes cat(Bytes a, std::initializer_list<std::uint8_t> b) {
  a.insert(a.end(), b);
  return a;
}

void expect_reason(const Bytes& packet, WireErrorReason reason) {
  try {
    (void)parse_message(packet);
    ADD_FAILURE() << "no exception";
  } catch (const WireFormatError& e) {
    EXPECT_EQ(e.reason(), reason) << e.what();
  }
}

// ---- names ----

TEST(dnsName, TextRoundTripAndCase) {
  const DnsName n = N("Valami.Service.dc1.consul.");
  EXPECT_EQ(n.labels().size(), 4u);
  EXPECT_EQ(n.to_text(), "Valami.Service.dc1.consul.");
  EXPECT_EQ(n.lower().to_text(), "valami.service.dc1.consul.");
  EXPECT_EQ(n, N("VALAMI.service.DC1.Consul"));
  EXPECT_TRUE(n.ends_with(N("CONSUL")));
  EXPECT_FALSE(n.ends_with(N("other")));
  EXPECT_EQ(n.wire_length(), 1u + 7 + 8 + 4 + 7);
  EXPECT_EQ(N(".").to_text(), ".");
  EXPECT_TRUE(N("").is_root());
}

TEST(dnsName, EscapesAmbiguousOctets) {
  const DnsName n(std::vector<std::string>{"a.b", std::string("c\0", 2)});
  EXPECT_EQ(n.to_text(), "a\\046b.c\\000.");
}

TEST(dnsName, RejectsBadText) {
  EXPECT_THROW(N("a..b"), std::invalid_argument);
  EXPECT_THROW(N(std::string(64, 'x')), std::invalid_argument);
  std::string long_name;
  for (int i = 0; i < 5; ++i) long_name += std::string(60, 'x') + ".";
  EXPECT_THROW(N(long_name), std::invalid_argument);
}

// ---- writer: exact sizes and compression ----

TEST(dnsPacketWriter, HeaderFlagsAndCounts) {
  Header h;
  h.id = 0xbeef;
  h.qr = h.aa = h.rd = h.ra = true;
  h.rcode = rcode::kNxDomain;
  PacketWriter w(h);
  w.add_question({N("x.consul"), rr_type::kA, kClassIn});
  const Bytes out = w.finish();
  ASSERT_GE(out.size(), kHeaderSize);
  EXPECT_EQ(out[0], 0xbe);
  EXPECT_EQ(out[1], 0xef);
  EXPECT_EQ(out[2], 0x85);  // QR | AA | RD
  EXPECT_EQ(out[3], 0x83);  // RA | NXDOMAIN
  EXPECT_EQ(out[5], 1);     // qdcount
  const Header back = PacketReader(out).read_header();
  EXPECT_EQ(back.id, 0xbeef);
  EXPECT_TRUE(back.qr && back.aa && back.rd && back.ra);
  EXPECT_FALSE(back.tc);
  EXPECT_EQ(back.rcode, rcode::kNxDomain);
}

TEST(dnsPacketWriter, CompressesRepeatedOwnerExactly) {
  PacketWriter w(Header{});
  w.add_question({N("valami.service.dc1.consul"), rr_type::kA, kClassIn});
  EXPECT_EQ(w.size(), 12u + 27 + 4);
  w.add_record(Section::kAnswer, rr("valami.service.dc1.consul", rr_type::kA, ARecord{{172, 17, 0, 3}}));
  EXPECT_EQ(w.size(), 43u + 2 + 10 + 4);  // owner is a 2-byte pointer
  const Bytes out = w.finish();
  EXPECT_EQ(out[43], 0xc0);
  EXPECT_EQ(out[44], 12);  // points at the question name
}

TEST(dnsPacketWriter, CompressionIsCaseInsensitiveAndBySuffix) {
  PacketWriter w(Header{});
  w.add_question({N("valami.service.dc1.consul"), rr_type::kSoa, kClassIn});
  // "CONSUL." matches the suffix at offset 12+7+8+4 = 31.
  w.add_record(Section::kAuthority,
               rr("CONSUL", rr_type::kSoa, SoaRecord{N("ns.consul"), N("hostmaster.consul"), 1, 2, 3, 4, 5}));
  // owner ptr 2 + fixed 10 + mname ("ns" 3 + ptr 2) + rname ("hostmaster" 11 + ptr 2) + 20
  EXPECT_EQ(w.size(), 43u + 2 + 10 + 5 + 13 + 20);
  const Message m = parse_message(w.finish());
  ASSERT_EQ(m.authority.size(), 1u);
  EXPECT_EQ(m.authority[0].name.to_text(), "consul.");  // the pointer keeps the first spelling
  const auto& soa = std::get<SoaRecord>(m.authority[0].data);
  EXPECT_EQ(soa.mname.to_text(), "ns.consul.");
  EXPECT_EQ(soa.rname.to_text(), "hostmaster.consul.");
  EXPECT_EQ(soa.serial, 1u);
  EXPECT_EQ(soa.minimum, 5u);
}

TEST(dnsPacketWriter, SrvTargetIsNotCompressed) {
  PacketWriter w(Header{});
  w.add_question({N("node1.node.dc1.consul"), rr_type::kSrv, kClassIn});
  w.add_record(Section::kAnswer, rr("node1.node.dc1.consul", rr_type::kSrv, SrvRecord{1, 1, 80, N("node1.node.dc1.consul")}));
  // owner pointer 2 + 10 + 6 + full target 23
  EXPECT_EQ(w.size(), 12u + 23 + 4 + 2 + 10 + 6 + 23);
}

TEST(dnsPacketWriter, RejectsInvalidNamesAndOrder) {
  PacketWriter w(Header{});
  EXPECT_THROW(w.add_question({DnsName(std::vector<std::string>{std::string(64, 'a')}), 1, 1}),
               std::invalid_argument);
  EXPECT_THROW(w.add_question({DnsName(std::vector<std::string>{""}), 1, 1}), std::invalid_argument);
  w.add_record(Section::kAdditional, rr("a", rr_type::kA, ARecord{}));
  EXPECT_THROW(w.add_record(Section::kAnswer, rr("a", rr_type::kA, ARecord{})), std::logic_error);
  EXPECT_THROW(w.add_question({N("a"), 1, 1}), std::logic_error);
}

// ---- round trip of every type ----

TEST(dnsWire, RoundTripsAllTypes) {
  Message m;
  m.header.id = 7;
  m.header.qr = true;
  m.header.opcode = 0;
  m.header.ad = m.header.cd = true;
  m.questions.push_back({N("valami.service.consul"), rr_type::kAny, kClassIn});
  m.answers.push_back(rr("valami.service.consul", rr_type::kA, ARecord{{172, 17, 0, 3}}, 5));
  AaaaRecord six;
  six.address[15] = 1;
  m.answers.push_back(rr("valami.service.consul", rr_type::kAaaa, six));
  m.answers.push_back(rr("valami.service.consul", rr_type::kSrv, SrvRecord{1, 10, 443, N("ac110003.addr.dc1.consul")}));
  m.answers.push_back(rr("valami.service.consul", rr_type::kTxt, TxtRecord{{"a=b", "", std::string(255, 'z')}}));
  m.authority.push_back(rr("consul", rr_type::kNs, NsRecord{N("ns.consul")}));
  m.authority.push_back(rr("consul", rr_type::kSoa, SoaRecord{N("ns.consul"), N("hostmaster.consul"), 99, 3600, 600, 86400, 0}));
  m.additional.push_back(rr("3.0.17.172.in-addr.arpa", rr_type::kPtr, PtrRecord{N("valami.service.consul")}));
  m.additional.push_back(rr("x.consul", 99, RawRecord{{1, 2, 3}}));
  ResourceRecord opt;
  opt.type = rr_type::kOpt;
  opt.klass = 4096;
  opt.data = RawRecord{};
  m.additional.push_back(opt);

  const Bytes bytes = serialize_message(m);
  const Message back = parse_message(bytes);
  EXPECT_EQ(back.header.id, 7);
  EXPECT_TRUE(back.header.ad && back.header.cd && back.header.qr);
  ASSERT_EQ(back.questions.size(), 1u);
  EXPECT_EQ(back.questions[0].type, rr_type::kAny);
  ASSERT_EQ(back.answers.size(), 4u);
  ASSERT_EQ(back.authority.size(), 2u);
  ASSERT_EQ(back.additional.size(), 3u);
  EXPECT_EQ(std::get<ARecord>(back.answers[0].data).address, (std::array<std::uint8_t, 4>{172, 17, 0, 3}));
  EXPECT_EQ(back.answers[0].ttl, 5u);
  EXPECT_EQ(std::get<AaaaRecord>(back.answers[1].data).address, six.address);
  const auto& srv = std::get<SrvRecord>(back.answers[2].data);
  EXPECT_EQ(srv.priority, 1);
  EXPECT_EQ(srv.weight, 10);
  EXPECT_EQ(srv.port, 443);
  EXPECT_EQ(srv.target.to_text(), "ac110003.addr.dc1.consul.");
  EXPECT_EQ(std::get<TxtRecord>(back.answers[3].data).strings, (std::vector<std::string>{"a=b", "", std::string(255, 'z')}));
  EXPECT_EQ(std::get<NsRecord>(back.authority[0].data).host.to_text(), "ns.consul.");
  EXPECT_EQ(std::get<SoaRecord>(back.authority[1].data).serial, 99u);
  EXPECT_EQ(std::get<PtrRecord>(back.additional[0].data).target.to_text(), "valami.service.consul.");
  EXPECT_EQ(back.additional[1].type, 99);
  EXPECT_EQ(std::get<RawRecord>(back.additional[1].data).bytes, (Bytes{1, 2, 3}));
  EXPECT_TRUE(back.additional[2].name.is_root());
  EXPECT_EQ(back.additional[2].klass, 4096);
  // Re-serialising the parsed message gives the same bytes.
  EXPECT_EQ(serialize_message(back), bytes);
}

// ---- malformed input ----

TEST(dnsReaderMalformed, TruncatedHeader) {
  expect_reason(Bytes{0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0}, WireErrorReason::kTruncated);
  expect_reason(Bytes{}, WireErrorReason::kTruncated);
}

TEST(dnsReaderMalformed, CountsLargerThanPacket) {
  expect_reason(cat(header_bytes(1000), {0, 0, 1, 0, 1}), WireErrorReason::kCountsExceedPacket);
  expect_reason(cat(header_bytes(1, 0, 0, 0xffff), {0, 0, 1, 0, 1}), WireErrorReason::kCountsExceedPacket);
  expect_reason(header_bytes(1), WireErrorReason::kCountsExceedPacket);
}

TEST(dnsReaderMalformed, PointerToItselfLoops) {
  expect_reason(cat(header_bytes(1), {0xc0, 12, 0, 1, 0, 1}), WireErrorReason::kBadPointer);
}

TEST(dnsReaderMalformed, PointerLoopBetweenTwoNames) {
  // name at 12: "a" then pointer to 17; at 17: "b" then pointer back to 12.
  const Bytes p = cat(header_bytes(1), {1, 'a', 0xc0, 17, 0, 1, 'b', 0xc0, 12, 0, 1, 0, 1});
  PacketReader r(p);
  r.read_header();
  try {
    r.read_name();
    ADD_FAILURE() << "no exception";
  } catch (const WireFormatError& e) {
    EXPECT_EQ(e.reason(), WireErrorReason::kBadPointer);
  }
}

TEST(dnsReaderMalformed, ForwardPointer) {
  // The question name points forward at a valid name placed after it.
  expect_reason(cat(header_bytes(1), {0xc0, 18, 0, 1, 0, 1, 1, 'a', 0}), WireErrorReason::kBadPointer);
}

TEST(dnsReaderMalformed, TruncatedPointerAndLabel) {
  expect_reason(cat(header_bytes(1), {0xc0}), WireErrorReason::kCountsExceedPacket);
  const Bytes short_ptr = cat(header_bytes(0), {0xc0});
  PacketReader r(short_ptr);
  r.read_header();
  EXPECT_THROW(r.read_name(), WireFormatError);
  expect_reason(cat(header_bytes(1), {5, 'a', 'b', 0, 1, 0}), WireErrorReason::kTruncated);
  expect_reason(cat(header_bytes(1), {1, 'a', 0, 0, 1, 0}), WireErrorReason::kTruncated);  // no class
}

TEST(dnsReaderMalformed, NameLongerThan255) {
  Bytes p = header_bytes(1);
  for (int i = 0; i < 5; ++i) {  // 5 * 51 = 255 label octets + root = 256
    p.push_back(50);
    p.insert(p.end(), 50, 'x');
  }
  p.insert(p.end(), {0, 0, 1, 0, 1});
  expect_reason(p, WireErrorReason::kNameTooLong);
}

TEST(dnsReaderMalformed, NameOf255IsAccepted) {
  Bytes p = header_bytes(1);
  for (int i = 0; i < 4; ++i) {
    p.push_back(62);
    p.insert(p.end(), 62, 'x');
  }
  p.push_back(1);  // 4*63 + 2 + root = 255
  p.push_back('y');
  p.insert(p.end(), {0, 0, 1, 0, 1});
  EXPECT_EQ(parse_message(p).questions.at(0).name.wire_length(), 255u);
}

TEST(dnsReaderMalformed, ReservedLabelTypes) {
  // 0x40 and 0x80 prefixes would be "labels" of 64..191 octets: never valid.
  expect_reason(cat(header_bytes(1), {0x40, 'a', 0, 0, 1, 0, 1}), WireErrorReason::kBadLabel);
  expect_reason(cat(header_bytes(1), {0x80, 'a', 0, 0, 1, 0, 1}), WireErrorReason::kBadLabel);
}

TEST(dnsReaderMalformed, RdataLengthMismatch) {
  // A record with RDLENGTH 5.
  expect_reason(cat(header_bytes(0, 1), {0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 5, 1, 2, 3, 4, 5}),
                WireErrorReason::kBadRdata);
  // RDLENGTH beyond the packet.
  expect_reason(cat(header_bytes(0, 1), {0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 9, 1, 2, 3, 4}),
                WireErrorReason::kTruncated);
  // SRV whose target runs past its RDATA into the next bytes.
  expect_reason(cat(header_bytes(0, 1), {0, 0, 33, 0, 1, 0, 0, 0, 0, 0, 7, 0, 1, 0, 1, 0, 80, 1, 'a', 0}),
                WireErrorReason::kBadRdata);
  // TXT string longer than RDATA.
  expect_reason(cat(header_bytes(0, 1), {0, 0, 16, 0, 1, 0, 0, 0, 0, 0, 2, 5, 'a'}), WireErrorReason::kBadRdata);
}

TEST(dnsReaderMalformed, TrailingBytes) {
  expect_reason(cat(header_bytes(1), {0, 0, 1, 0, 1, 0xff}), WireErrorReason::kTrailingBytes);
}

}  // namespace
}  // namespace fakes::dns
