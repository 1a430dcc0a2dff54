// PacketWriter: appends records, compressing owner names and the names inside NS/PTR/SOA
// RDATA against every name suffix written earlier in the packet.
#include "fakes/dns/wire/wire.hpp"

#include <stdexcept>

namespace fakes::dns {
namespace {

// Pointers have 14 bits, so only names starting below this offset can be targets.
constexpr std::size_t kMaxPointerTarget = 0x3fff;

// Compression key of labels[i..]: length-prefixed, lower-cased labels, which is unambiguous
// even for labels containing dots.
std::string suffix_key(const std::vector<std::string>& labels, std::size_t first) {
  std::string key;
  for (std::size_t i = first; i < labels.size(); ++i) {
    key += static_cast<char>(labels[i].size());
    key += ascii_lower(labels[i]);
  }
  return key;
}

void validate(const DnsName& name) {
  for (const std::string& label : name.labels()) {
    if (label.empty()) throw std::invalid_argument("empty label");
    if (label.size() > kMaxLabelLength) throw std::invalid_argument("label longer than 63");
  }
  if (name.wire_length() > kMaxNameLength) throw std::invalid_argument("name longer than 255");
}

}  // namespace

PacketWriter::PacketWriter(const Header& h) {
  buffer_.reserve(512);
  write_u16(h.id);
  std::uint16_t flags = 0;
  if (h.qr) flags |= 0x8000;
  flags |= static_cast<std::uint16_t>((h.opcode & 0x0f) << 11);
  if (h.aa) flags |= 0x0400;
  if (h.tc) flags |= 0x0200;
  if (h.rd) flags |= 0x0100;
  if (h.ra) flags |= 0x0080;
  if (h.ad) flags |= 0x0020;
  if (h.cd) flags |= 0x0010;
  flags |= h.rcode & 0x0f;
  write_u16(flags);
  for (int i = 0; i < 4; ++i) write_u16(0);  // counts, patched by finish()
}

void PacketWriter::write_u8(std::uint8_t v) { buffer_.push_back(v); }

void PacketWriter::write_u16(std::uint16_t v) {
  buffer_.push_back(static_cast<std::uint8_t>(v >> 8));
  buffer_.push_back(static_cast<std::uint8_t>(v));
}

void PacketWriter::write_u32(std::uint32_t v) {
  write_u16(static_cast<std::uint16_t>(v >> 16));
  write_u16(static_cast<std::uint16_t>(v));
}

void PacketWriter::write_name(const DnsName& name, bool compress) {
  validate(name);
  const auto& labels = name.labels();
  for (std::size_t i = 0; i < labels.size(); ++i) {
    std::string key = suffix_key(labels, i);
    if (compress) {
      if (auto it = compression_.find(key); it != compression_.end()) {
        write_u16(static_cast<std::uint16_t>(0xc000 | it->second));
        return;
      }
    }
    if (buffer_.size() <= kMaxPointerTarget) {
      compression_.emplace(std::move(key), static_cast<std::uint16_t>(buffer_.size()));
    }
    write_u8(static_cast<std::uint8_t>(labels[i].size()));
    buffer_.insert(buffer_.end(), labels[i].begin(), labels[i].end());
  }
  write_u8(0);
}

void PacketWriter::add_question(const Question& q) {
  if (last_section_ != 0) throw std::logic_error("question after records");
  write_name(q.name, true);
  write_u16(q.type);
  write_u16(q.klass);
  ++counts_[0];
}

void PacketWriter::add_record(Section section, const ResourceRecord& rr) {
  const int index = 1 + static_cast<int>(section);
  if (index < last_section_) throw std::logic_error("records out of section order");
  last_section_ = index;
  if (counts_[static_cast<std::size_t>(index)] == 0xffff) throw std::length_error("too many records");
  write_name(rr.name, true);
  write_u16(rr.type);
  write_u16(rr.klass);
  write_u32(rr.ttl);
  const std::size_t length_at = buffer_.size();
  write_u16(0);
  write_rdata(rr.data);
  const std::size_t length = buffer_.size() - length_at - 2;
  if (length > 0xffff) throw std::length_error("RDATA over 65535 bytes");
  buffer_[length_at] = static_cast<std::uint8_t>(length >> 8);
  buffer_[length_at + 1] = static_cast<std::uint8_t>(length);
  ++counts_[static_cast<std::size_t>(index)];
}

void PacketWriter::write_rdata(const RData& data) {
  struct Visitor {
    PacketWriter& w;
    void operator()(const RawRecord& r) { w.buffer_.insert(w.buffer_.end(), r.bytes.begin(), r.bytes.end()); }
    void operator()(const ARecord& r) { w.buffer_.insert(w.buffer_.end(), r.address.begin(), r.address.end()); }
    void operator()(const AaaaRecord& r) { w.buffer_.insert(w.buffer_.end(), r.address.begin(), r.address.end()); }
    void operator()(const SrvRecord& r) {
      w.write_u16(r.priority);
      w.write_u16(r.weight);
      w.write_u16(r.port);
      w.write_name(r.target, false);  // RFC 2782: the SRV target is not compressed
    }
    void operator()(const SoaRecord& r) {
      w.write_name(r.mname, true);
      w.write_name(r.rname, true);
      w.write_u32(r.serial);
      w.write_u32(r.refresh);
      w.write_u32(r.retry);
      w.write_u32(r.expire);
      w.write_u32(r.minimum);
    }
    void operator()(const NsRecord& r) { w.write_name(r.host, true); }
    void operator()(const PtrRecord& r) { w.write_name(r.target, true); }
    void operator()(const TxtRecord& r) {
      for (const std::string& s : r.strings) {
        if (s.size() > 255) throw std::invalid_argument("TXT string over 255 bytes");
        w.write_u8(static_cast<std::uint8_t>(s.size()));
        w.buffer_.insert(w.buffer_.end(), s.begin(), s.end());
      }
    }
  };
  std::visit(Visitor{*this}, data);
}

std::vector<std::uint8_t> PacketWriter::finish() {
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    buffer_[4 + 2 * i] = static_cast<std::uint8_t>(counts_[i] >> 8);
    buffer_[5 + 2 * i] = static_cast<std::uint8_t>(counts_[i]);
  }
  return std::move(buffer_);
}

std::vector<std::uint8_t> serialize_message(const Message& m) {
  PacketWriter w(m.header);
  for (const Question& q : m.questions) w.add_question(q);
  for (const ResourceRecord& rr : m.answers) w.add_record(Section::kAnswer, rr);
  for (const ResourceRecord& rr : m.authority) w.add_record(Section::kAuthority, rr);
  for (const ResourceRecord& rr : m.additional) w.add_record(Section::kAdditional, rr);
  return w.finish();
}

}  // namespace fakes::dns
