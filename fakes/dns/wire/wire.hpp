// DNS wire format (RFC 1035) for the fake Consul DNS interface.
//
// Our own small codec: only the record types Consul answers with (A, AAAA, SRV, SOA, NS, TXT,
// PTR) plus OPT (RFC 6891) are decoded; anything else is carried as raw RDATA.
//
//  * PacketReader checks bounds before every read and throws WireFormatError (with a Reason)
//    on malformed input. The query handler turns that into FORMERR or a silent drop, so a
//    hostile packet can never do more than that.
//  * PacketWriter appends records with name compression and patches the section counts in
//    finish(). It throws std::invalid_argument / std::length_error for programmer errors
//    (bad names, oversize RDATA): those are our bugs, not the peer's.
#pragma once

#include "fakes/dns/wire/dns_name.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <variant>
#include <vector>

namespace fakes::dns {

namespace rr_type {
inline constexpr std::uint16_t kA = 1;
inline constexpr std::uint16_t kNs = 2;
inline constexpr std::uint16_t kCname = 5;
inline constexpr std::uint16_t kSoa = 6;
inline constexpr std::uint16_t kPtr = 12;
inline constexpr std::uint16_t kTxt = 16;
inline constexpr std::uint16_t kAaaa = 28;
inline constexpr std::uint16_t kSrv = 33;
inline constexpr std::uint16_t kOpt = 41;
inline constexpr std::uint16_t kAny = 255;
}  // namespace rr_type

inline constexpr std::uint16_t kClassIn = 1;

namespace rcode {
inline constexpr std::uint8_t kNoError = 0;
inline constexpr std::uint8_t kFormErr = 1;
inline constexpr std::uint8_t kServFail = 2;
inline constexpr std::uint8_t kNxDomain = 3;
inline constexpr std::uint8_t kNotImp = 4;
inline constexpr std::uint8_t kRefused = 5;
}  // namespace rcode

inline constexpr std::size_t kHeaderSize = 12;

/// Why a packet was rejected; tests assert on the exact reason.
enum class WireErrorReason {
  kTruncated,           ///< a read ran past the end of the packet (incl. short header)
  kCountsExceedPacket,  ///< section counts cannot possibly fit in the packet
  kBadPointer,          ///< compression pointer not strictly backwards (loops, forward refs)
  kNameTooLong,         ///< decoded name longer than 255 octets on the wire
  kBadLabel,            ///< label type 0x40/0x80 (63-octet limit is implied by 6 length bits)
  kBadRdata,            ///< RDATA length inconsistent with its type
  kTrailingBytes,       ///< bytes left after the last counted record
};

class WireFormatError : public std::runtime_error {
 public:
  WireFormatError(WireErrorReason reason, const std::string& what)
      : std::runtime_error(what), reason_(reason) {}
  [[nodiscard]] WireErrorReason reason() const noexcept { return reason_; }

 private:
  WireErrorReason reason_;
};

struct Header {
  std::uint16_t id = 0;
  bool qr = false;
  std::uint8_t opcode = 0;
  bool aa = false;
  bool tc = false;
  bool rd = false;
  bool ra = false;
  bool ad = false;
  bool cd = false;
  std::uint8_t rcode = 0;  ///< low 4 bits only; the EDNS extension lives in the OPT TTL
  std::uint16_t qdcount = 0;
  std::uint16_t ancount = 0;
  std::uint16_t nscount = 0;
  std::uint16_t arcount = 0;
};

struct Question {
  DnsName name;
  std::uint16_t type = rr_type::kA;
  std::uint16_t klass = kClassIn;
};

struct ARecord { std::array<std::uint8_t, 4> address{}; };
struct AaaaRecord { std::array<std::uint8_t, 16> address{}; };
struct SrvRecord {
  std::uint16_t priority = 0;
  std::uint16_t weight = 0;
  std::uint16_t port = 0;
  DnsName target;
};
struct SoaRecord {
  DnsName mname;
  DnsName rname;
  std::uint32_t serial = 0, refresh = 0, retry = 0, expire = 0, minimum = 0;
};
struct NsRecord { DnsName host; };
/// PTR, and CNAME too (the same RDATA: one compressible name).
struct PtrRecord { DnsName target; };
struct TxtRecord { std::vector<std::string> strings; };
/// Unknown types and OPT keep their RDATA bytes untouched.
struct RawRecord { std::vector<std::uint8_t> bytes; };

using RData = std::variant<RawRecord, ARecord, AaaaRecord, SrvRecord, SoaRecord, NsRecord,
                           PtrRecord, TxtRecord>;

struct ResourceRecord {
  DnsName name;
  std::uint16_t type = rr_type::kA;
  std::uint16_t klass = kClassIn;  ///< for OPT: the advertised UDP payload size
  std::uint32_t ttl = 0;           ///< for OPT: extended rcode, version, flags
  RData data;
};

struct Message {
  Header header;
  std::vector<Question> questions;
  std::vector<ResourceRecord> answers;
  std::vector<ResourceRecord> authority;
  std::vector<ResourceRecord> additional;
};

/// Bounds-checked cursor over one packet. Every method throws WireFormatError on bad input.
class PacketReader {
 public:
  explicit PacketReader(std::span<const std::uint8_t> packet) noexcept : packet_(packet) {}

  Header read_header();
  Question read_question();
  ResourceRecord read_record();
  DnsName read_name();

  std::uint8_t read_u8();
  std::uint16_t read_u16();
  std::uint32_t read_u32();

  [[nodiscard]] std::size_t offset() const noexcept { return pos_; }
  [[nodiscard]] std::size_t remaining() const noexcept { return packet_.size() - pos_; }

 private:
  void need(std::size_t n) const;
  RData read_rdata(std::uint16_t type, std::size_t length);

  std::span<const std::uint8_t> packet_;
  std::size_t pos_ = 0;
};

/// Parses a whole message: header, then exactly the counted records, no trailing bytes.
Message parse_message(std::span<const std::uint8_t> packet);

enum class Section { kAnswer, kAuthority, kAdditional };

/// Appends a message section by section. Call order: construct with the header (its counts
/// are ignored), add_question()*, then add_record() in section order (answer, authority,
/// additional), then finish() once. The writer is single-use.
class PacketWriter {
 public:
  explicit PacketWriter(const Header& header);

  void add_question(const Question& question);
  void add_record(Section section, const ResourceRecord& record);
  /// Patches the counts into the header and hands over the bytes.
  std::vector<std::uint8_t> finish();

  [[nodiscard]] std::size_t size() const noexcept { return buffer_.size(); }

 private:
  void write_u8(std::uint8_t v);
  void write_u16(std::uint16_t v);
  void write_u32(std::uint32_t v);
  void write_name(const DnsName& name, bool compress);
  void write_rdata(const RData& data);

  std::vector<std::uint8_t> buffer_;
  std::array<std::uint16_t, 4> counts_{};  // qd, an, ns, ar
  int last_section_ = 0;
  // Lower-cased name suffix (dotted, no trailing dot) -> offset of its first label.
  std::unordered_map<std::string, std::uint16_t> compression_;
};

/// Convenience for tests and the handler: writes a whole Message.
std::vector<std::uint8_t> serialize_message(const Message& message);

}  // namespace fakes::dns
