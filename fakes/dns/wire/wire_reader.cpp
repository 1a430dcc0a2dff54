// PacketReader: every read is preceded by a bounds check, so malformed input surfaces as
// WireFormatError and never as an out-of-bounds access.
#include "fakes/dns/wire/wire.hpp"

#include <string>

namespace fakes::dns {
namespace {

[[noreturn]] void fail(WireErrorReason reason, const std::string& what) {
  throw WireFormatError(reason, what);
}

// Smallest possible encodings, used to reject absurd section counts before looping on them:
// a question is root name (1) + type + class; a record adds TTL and RDLENGTH.
constexpr std::size_t kMinQuestionSize = 1 + 2 + 2;
constexpr std::size_t kMinRecordSize = 1 + 2 + 2 + 4 + 2;

}  // namespace

void PacketReader::need(std::size_t n) const {
  if (n > remaining()) {
    fail(WireErrorReason::kTruncated, "read of " + std::to_string(n) + " bytes at offset " +
                                          std::to_string(pos_) + " past end of " +
                                          std::to_string(packet_.size()) + "-byte packet");
  }
}

std::uint8_t PacketReader::read_u8() {
  need(1);
  return packet_[pos_++];
}

std::uint16_t PacketReader::read_u16() {
  need(2);
  const auto v = static_cast<std::uint16_t>((packet_[pos_] << 8) | packet_[pos_ + 1]);
  pos_ += 2;
  return v;
}

std::uint32_t PacketReader::read_u32() {
  const std::uint32_t hi = read_u16();
  return (hi << 16) | read_u16();
}

Header PacketReader::read_header() {
  need(kHeaderSize);
  Header h;
  h.id = read_u16();
  const std::uint16_t flags = read_u16();
  h.qr = (flags & 0x8000) != 0;
  h.opcode = static_cast<std::uint8_t>((flags >> 11) & 0x0f);
  h.aa = (flags & 0x0400) != 0;
  h.tc = (flags & 0x0200) != 0;
  h.rd = (flags & 0x0100) != 0;
  h.ra = (flags & 0x0080) != 0;
  h.ad = (flags & 0x0020) != 0;
  h.cd = (flags & 0x0010) != 0;
  h.rcode = static_cast<std::uint8_t>(flags & 0x000f);
  h.qdcount = read_u16();
  h.ancount = read_u16();
  h.nscount = read_u16();
  h.arcount = read_u16();
  return h;
}

DnsName PacketReader::read_name() {
  DnsName name;
  std::size_t wire_length = 1;  // the root label
  std::size_t cursor = pos_;
  // A pointer must land strictly before the start of the label run it is found in. The
  // bound shrinks on every jump, so loops and forward references are impossible.
  std::size_t run_start = pos_;
  bool jumped = false;
  while (true) {
    if (cursor >= packet_.size()) fail(WireErrorReason::kTruncated, "name runs past end");
    const std::uint8_t len = packet_[cursor];
    if ((len & 0xc0) == 0xc0) {
      if (cursor + 1 >= packet_.size()) fail(WireErrorReason::kTruncated, "truncated pointer");
      const std::size_t target = (static_cast<std::size_t>(len & 0x3f) << 8) | packet_[cursor + 1];
      if (target >= run_start) {
        fail(WireErrorReason::kBadPointer, "compression pointer at " + std::to_string(cursor) +
                                               " to " + std::to_string(target) +
                                               " is not backwards");
      }
      if (!jumped) pos_ = cursor + 2;
      jumped = true;
      run_start = target;
      cursor = target;
      continue;
    }
    if ((len & 0xc0) != 0) fail(WireErrorReason::kBadLabel, "reserved label type");
    ++cursor;
    if (len == 0) break;
    if (len > packet_.size() - cursor) fail(WireErrorReason::kTruncated, "label runs past end");
    wire_length += 1 + len;
    if (wire_length > kMaxNameLength) fail(WireErrorReason::kNameTooLong, "name over 255 octets");
    name.push_back(std::string(reinterpret_cast<const char*>(packet_.data() + cursor), len));
    cursor += len;
  }
  if (!jumped) pos_ = cursor;
  return name;
}

Question PacketReader::read_question() {
  Question q;
  q.name = read_name();
  q.type = read_u16();
  q.klass = read_u16();
  return q;
}

ResourceRecord PacketReader::read_record() {
  ResourceRecord rr;
  rr.name = read_name();
  rr.type = read_u16();
  rr.klass = read_u16();
  rr.ttl = read_u32();
  const std::uint16_t length = read_u16();
  need(length);
  rr.data = read_rdata(rr.type, length);
  return rr;
}

RData PacketReader::read_rdata(std::uint16_t type, std::size_t length) {
  const std::size_t end = pos_ + length;  // need(length) already checked by the caller
  auto expect_end = [&] {
    if (pos_ != end) fail(WireErrorReason::kBadRdata, "RDATA length mismatch");
  };
  // Names inside RDATA must not run into the next record.
  auto name_in_rdata = [&] {
    DnsName n = read_name();
    if (pos_ > end) fail(WireErrorReason::kBadRdata, "name overruns RDATA");
    return n;
  };
  auto fixed = [&](std::size_t n) {
    if (length != n) fail(WireErrorReason::kBadRdata, "RDATA length mismatch");
  };
  switch (type) {
    case rr_type::kA: {
      fixed(4);
      ARecord a;
      for (auto& b : a.address) b = read_u8();
      return a;
    }
    case rr_type::kAaaa: {
      fixed(16);
      AaaaRecord a;
      for (auto& b : a.address) b = read_u8();
      return a;
    }
    case rr_type::kSrv: {
      if (length < 7) fail(WireErrorReason::kBadRdata, "short SRV");
      SrvRecord s;
      s.priority = read_u16();
      s.weight = read_u16();
      s.port = read_u16();
      s.target = name_in_rdata();
      expect_end();
      return s;
    }
    case rr_type::kSoa: {
      SoaRecord s;
      s.mname = name_in_rdata();
      s.rname = name_in_rdata();
      if (end - pos_ != 20) fail(WireErrorReason::kBadRdata, "SOA length mismatch");
      s.serial = read_u32();
      s.refresh = read_u32();
      s.retry = read_u32();
      s.expire = read_u32();
      s.minimum = read_u32();
      return s;
    }
    case rr_type::kNs: {
      NsRecord n{name_in_rdata()};
      expect_end();
      return n;
    }
    case rr_type::kPtr:
    case rr_type::kCname: {  // both are one domain name; CNAME is carried as PtrRecord
      PtrRecord p{name_in_rdata()};
      expect_end();
      return p;
    }
    case rr_type::kTxt: {
      TxtRecord t;
      while (pos_ < end) {
        const std::uint8_t n = read_u8();
        if (n > end - pos_) fail(WireErrorReason::kBadRdata, "TXT string overruns RDATA");
        t.strings.emplace_back(reinterpret_cast<const char*>(packet_.data() + pos_), n);
        pos_ += n;
      }
      return t;
    }
    default: {
      RawRecord raw;
      raw.bytes.assign(packet_.begin() + static_cast<std::ptrdiff_t>(pos_),
                       packet_.begin() + static_cast<std::ptrdiff_t>(end));
      pos_ = end;
      return raw;
    }
  }
}

Message parse_message(std::span<const std::uint8_t> packet) {
  PacketReader reader(packet);
  Message m;
  m.header = reader.read_header();
  const Header& h = m.header;
  const std::size_t minimum =
      h.qdcount * kMinQuestionSize +
      (std::size_t{h.ancount} + h.nscount + h.arcount) * kMinRecordSize;
  if (minimum > reader.remaining()) {
    fail(WireErrorReason::kCountsExceedPacket, "section counts need at least " +
                                                   std::to_string(minimum) + " bytes, have " +
                                                   std::to_string(reader.remaining()));
  }
  m.questions.reserve(h.qdcount);
  for (int i = 0; i < h.qdcount; ++i) m.questions.push_back(reader.read_question());
  for (int i = 0; i < h.ancount; ++i) m.answers.push_back(reader.read_record());
  for (int i = 0; i < h.nscount; ++i) m.authority.push_back(reader.read_record());
  for (int i = 0; i < h.arcount; ++i) m.additional.push_back(reader.read_record());
  if (reader.remaining() != 0) fail(WireErrorReason::kTrailingBytes, "bytes after last record");
  return m;
}

}  // namespace fakes::dns
