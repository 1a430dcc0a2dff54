#pragma once
// HPACK's static Huffman code (RFC 7541 Appendix B). Servers Huffman-encode most header
// strings they send (grpc-message, content-type, ...), so the gRPC check must decode it.
#include <optional>
#include <string>
#include <string_view>

namespace fakes::consul::hpack {

/// Decodes a Huffman-coded string; nullopt when the bytes are not a valid encoding (EOS inside
/// the string, padding longer than 7 bits or not all ones).
std::optional<std::string> huffman_decode(std::string_view encoded);

/// Encodes `text` (for tests and for round-trip properties; the probe sends plain literals).
std::string huffman_encode(std::string_view text);

}  // namespace fakes::consul::hpack
