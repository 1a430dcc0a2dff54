// The engine's multiplexed stream framing (stdcopy): header bytes, round trip, and refusal of
// cut or malformed input.
#include "fakes/docker/api/stream_framing.hpp"

#include <gtest/gtest.h>

namespace {

namespace fd = fakes::docker;

TEST(StreamFraming, HeaderIsStreamThreeZerosAndBigEndianSize) {
  const std::string framed = fd::frame(fd::OutputStream::err, "hello\n");
  ASSERT_EQ(framed.size(), 14u);
  EXPECT_EQ(framed.substr(0, 8), std::string("\x02\x00\x00\x00\x00\x00\x00\x06", 8));
  EXPECT_EQ(framed.substr(8), "hello\n");
  const std::string big(0x10203, 'x');
  EXPECT_EQ(fd::frame(fd::OutputStream::out, big).substr(0, 8), std::string("\x01\x00\x00\x00\x00\x01\x02\x03", 8));
}

TEST(StreamFraming, FramesParseBackInOrder) {
  const std::string bytes = fd::frame(fd::OutputStream::out, "a\n") + fd::frame(fd::OutputStream::err, "bb\n") +
                            fd::frame(fd::OutputStream::out, "");
  const auto frames = fd::parse_frames(bytes);
  ASSERT_TRUE(frames);
  ASSERT_EQ(frames->size(), 3u);
  EXPECT_EQ((*frames)[0].stream, 1);
  EXPECT_EQ((*frames)[0].payload, "a\n");
  EXPECT_EQ((*frames)[1].stream, 2);
  EXPECT_EQ((*frames)[1].payload, "bb\n");
  EXPECT_EQ((*frames)[2].payload, "");
}

TEST(StreamFraming, CutOrMalformedInputIsRefused) {
  const std::string whole = fd::frame(fd::OutputStream::out, "hello");
  for (std::size_t cut = 1; cut < whole.size(); ++cut)
    EXPECT_FALSE(fd::parse_frames(whole.substr(0, cut))) << "cut at " << cut;
  std::string reserved = whole;
  reserved[2] = '\x01';
  EXPECT_FALSE(fd::parse_frames(reserved)) << "reserved header bytes must be zero";
  const std::string huge_size("\x01\x00\x00\x00\xff\xff\xff\xff", 8);
  EXPECT_FALSE(fd::parse_frames(huge_size + "x")) << "a size past the end is refused, not read";
  EXPECT_TRUE(fd::parse_frames(""));
}

}  // namespace
