// The HTTP/2 frame reader and writer of the gRPC check: frames come out the same however the
// bytes were cut, a frame over the size limit is an error, padding and priority fields are
// taken off HEADERS and DATA with their lengths checked.
#include <gtest/gtest.h>

#include "fakes/consul/checks/grpc/http2_frames.hpp"

namespace fakes::consul::http2 {
namespace {

TEST(Http2Frames, WrittenFramesReadBackWhateverTheCuts) {
  const std::string bytes = encode_frame(FrameType::headers, flag::end_headers, 1, "abc") +
                            encode_frame(FrameType::ping, 0, 0, "12345678") +
                            encode_frame(FrameType::data, flag::end_stream, 0x7fffffff, "");
  EXPECT_EQ(bytes.substr(0, 9), std::string("\0\0\3\1\4\0\0\0\1", 9));
  for (std::size_t cut = 1; cut <= bytes.size(); ++cut) {
    FrameReader reader;
    std::vector<Frame> frames;
    for (std::size_t at = 0; at < bytes.size(); at += cut) {
      reader.feed(std::string_view(bytes).substr(at, cut));
      while (auto f = reader.next()) frames.push_back(std::move(*f));
    }
    ASSERT_EQ(frames.size(), 3u) << "cut " << cut;
    EXPECT_TRUE(frames[0].is(FrameType::headers));
    EXPECT_EQ(frames[0].payload, "abc");
    EXPECT_EQ(frames[0].stream_id, 1u);
    EXPECT_TRUE(frames[0].has(flag::end_headers));
    EXPECT_EQ(frames[1].payload, "12345678");
    EXPECT_EQ(frames[2].stream_id, 0x7fffffffu);
    EXPECT_TRUE(frames[2].has(flag::end_stream));
    EXPECT_EQ(reader.buffered(), 0u);
  }
}

TEST(Http2Frames, ReservedBitIsIgnoredAndOversizedFramesAreRefused) {
  FrameReader reader;
  reader.feed(std::string("\0\0\0\6\0\x80\0\0\0", 9));  // SETTINGS with the reserved bit set
  auto f = reader.next();
  ASSERT_TRUE(f);
  EXPECT_EQ(f->stream_id, 0u);

  FrameReader limited(16384);
  limited.feed(std::string("\0\x40\x01\0\0\0\0\0\1", 9));  // 16385 bytes announced
  EXPECT_FALSE(limited.next());
  EXPECT_EQ(limited.error(), "frame of 16385 bytes exceeds the maximum frame size 16384");
  limited.feed(std::string(16385, 'x'));
  EXPECT_FALSE(limited.next()) << "no frames after an error";
}

TEST(Http2Frames, PaddingAndPriorityAreRemovedWithinBounds) {
  std::string error;
  Frame data{static_cast<std::uint8_t>(FrameType::data), flag::padded, 1, std::string("\3hi\0\0\0", 6)};
  EXPECT_EQ(frame_content(data, error), "hi");
  Frame headers{static_cast<std::uint8_t>(FrameType::headers), flag::padded | flag::priority, 1,
                std::string("\1\0\0\0\3\x10" "block\0", 12)};
  EXPECT_EQ(frame_content(headers, error), "block");
  Frame plain{static_cast<std::uint8_t>(FrameType::data), 0, 1, "\3xyz"};
  EXPECT_EQ(frame_content(plain, error), "\3xyz") << "no PADDED flag: the first byte is data";

  Frame too_much_padding{static_cast<std::uint8_t>(FrameType::data), flag::padded, 1, "\5ab"};
  EXPECT_FALSE(frame_content(too_much_padding, error));
  EXPECT_EQ(error, "padding of 5 bytes is longer than the frame's content");
  Frame empty_padded{static_cast<std::uint8_t>(FrameType::data), flag::padded, 1, ""};
  EXPECT_FALSE(frame_content(empty_padded, error));
  Frame short_priority{static_cast<std::uint8_t>(FrameType::headers), flag::priority, 1, "abcd"};
  EXPECT_FALSE(frame_content(short_priority, error));
  EXPECT_EQ(error, "HEADERS frame too short for its PRIORITY fields");
}

TEST(Http2Frames, ErrorCodeNames) {
  EXPECT_EQ(error_code_name(0), "NO_ERROR");
  EXPECT_EQ(error_code_name(1), "PROTOCOL_ERROR");
  EXPECT_EQ(error_code_name(0xd), "HTTP_1_1_REQUIRED");
  EXPECT_EQ(error_code_name(0x1f), "unknown error code 0x1f");
}

}  // namespace
}  // namespace fakes::consul::http2
