#pragma once
// The engine's multiplexed stream (moby's stdcopy): each write is a frame of an 8-byte header
// {stream, 0, 0, 0, payload size as big-endian uint32} and the payload. Stream 1 is stdout,
// 2 stderr. Used for logs, attach and exec output of a container without a TTY.

#include "fakes/docker/engine/process_script.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fakes::docker {

/// One frame; a payload over 4 GiB - 1 is split into several frames.
std::string frame(OutputStream stream, std::string_view payload);

struct Frame {
  std::uint8_t stream = 0;
  std::string payload;
};

/// Splits a whole multiplexed stream into frames (tests, and clients of the fake). nullopt when
/// a header or payload is cut short or the header's reserved bytes are not zero.
std::optional<std::vector<Frame>> parse_frames(std::string_view bytes);

}  // namespace fakes::docker
