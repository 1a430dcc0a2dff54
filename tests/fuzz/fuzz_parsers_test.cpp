// Mutation runs over the parsers that read untrusted bytes (Docker's answers and event stream,
// -tags templates, the fakes' request targets, Consul durations, base64): a fixed number of
// inputs from a fixed seed, so a failure reproduces, each checked against parser_properties.hpp.
// Under the asan preset the same runs catch out-of-bounds reads.
#include "tests/fuzz/mutator.hpp"
#include "tests/fuzz/parser_properties.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

namespace fuzz {
namespace {

// REG_FUZZ_RUNS=N for a longer run by hand; ctest keeps the default.
std::size_t runs(std::size_t fallback) {
  if (const char* n = std::getenv("REG_FUZZ_RUNS")) return static_cast<std::size_t>(std::strtoull(n, nullptr, 10));
  return fallback;
}

template <class Property>
void run_mutations(Mutator mutator, std::size_t count, Property property) {
  for (std::size_t i = 0; i < count; ++i) {
    const auto input = mutator.next();
    const auto broken = property(input);
    ASSERT_EQ(broken, "") << "input #" << i << ": \"" << escaped(input) << "\"";
  }
}

const std::vector<std::string> kJsonTokens = {
    "{", "}", "[", "]", ",", ":", "\"", "\\", "\\u", "\\u00e9", "\\ud83d\\ude00", "\\ud800", "true", "false",
    "null", "-", "0", "1e5", "0.5", "18446744073709551615", "18446744073709551616", "-9223372036854775808",
    "-9223372036854775809", "\"Id\"", "\"Id\":", " ", "\n", "\t", "\x1e", "\xc3\xa9", "\xff", std::string(1, '\0')};

TEST(FuzzParsers, FastJsonAgreesWithNlohmann) {
  Mutator m(1,
            {R"([{"Id":"abc","Names":["/web"],"Ports":[{"PrivatePort":80,"PublicPort":8080,"Type":"tcp"}]},{"Id":"def"}])",
             R"({"Id":"0123","Name":"/web","Config":{"Env":["A=b"],"Labels":{"k":"v"},"ExposedPorts":{"80/tcp":{}}},
                 "State":{"Running":true,"ExitCode":0,"Pid":-1},"NetworkSettings":{"Ports":{"80/tcp":null}}})",
             R"([])", R"({"a":[1,-2,3000000000,"x\"y\\z\n",true,false,null,{}]})", R"({"Id":"a","Id":"b"})",
             R"({"Names":{"Id":"x","Other":[1]},"Config":{"Labels":{"a":"b"},"Image":"x","Cmd":["a"]},"Mounts":[{"Source":"/"}]})"},
            kJsonTokens, 4096);
  run_mutations(std::move(m), runs(30000), check_fast_json);
}

TEST(FuzzParsers, EventStreamSplitsTheSameHoweverItIsCut) {
  Mutator m(2,
            {"{\"status\":\"start\",\"id\":\"abc\",\"from\":\"web\",\"Type\":\"container\",\"Action\":\"start\","
             "\"Actor\":{\"ID\":\"abc\",\"Attributes\":{\"name\":\"web\"}},\"time\":1,\"timeNano\":1000000000}\n"
             "{\"Type\":\"container\",\"Action\":\"die\",\"Actor\":{\"ID\":\"abc\",\"Attributes\":{\"exitCode\":\"0\"}}}\n",
             "\x1e{\"Type\":\"network\",\"Action\":\"connect\",\"Actor\":{\"ID\":\"n\",\"Attributes\":{\"container\":\"c\"}}}\n",
             "garbage\n{\"a\":\"}\"}{\"b\":[1,{\"c\":\"\\\"\"}]}\n"},
            kJsonTokens, 4096);
  run_mutations(std::move(m), runs(20000), check_event_stream);
}

TEST(FuzzParsers, TagsTemplatesFailOnlyWithTemplateError) {
  Mutator m(3,
            {"{{ .Config.Hostname }},static", R"({{ range $i, $v := strSlice .Config.Labels "com.example.tags" }}{{ $v }},{{ end }})",
             R"({{ toUpper (index .Config.Labels "version") }})", R"({{ join (split "a,b,c" ",") "-" }})",
             R"({{ splitIndex (index .Config.Labels "version") "." 0 }})", R"({{ matchFirstElement .Config.Env "^SERVICE_(.*)=" }})",
             R"({{ with $j := jsonParse "{\"k\":[1,2]}" }}{{ mIndex $j "k" }}{{ end }})",
             R"({{ replace .Name "/" "" -1 }}{{ if eq .Name "/web-1" }}x{{ else }}y{{ end }})"},
            {"{{", "}}", "(", ")", "|", "$", ".", "\"", "`", "range", "end", "if", "else", "with", ":=", "index",
             "strSlice", "sIndex", "mIndex", "toLower", "join", "split", "-1", "99999999999", "\\"},
            2048);
  run_mutations(std::move(m), runs(20000), check_tags_template);
}

TEST(FuzzParsers, FakesTextParsersRoundTrip) {
  Mutator m(4,
            {"/v1/catalog/service/web%20app?tag=a&dc=dc1&index=5&wait=1m30s", "/v1/kv/a/b%2Fc?recurse&keys&separator=%2F",
             "10s", "1m30.5s", "-1.5h", "250ms", "9223372036854775807ns", "-2562047h47m16.854775808s", "1\xC2\xB5s",
             "aGVsbG8gd29ybGQ=", "YQ==", "+/+/"},
            {"%", "%2", "%zz", "%00", "+", "?", "&", "=", "#", ".", "h", "m", "s", "ms", "us", "\xC2\xB5s", "ns", "-",
             "=", "==", "9999999999999999999"},
            512);
  run_mutations(std::move(m), runs(30000), check_fake_text_parsers);
}

TEST(FuzzParsers, FakesRequestBodiesAreAnsweredOrRefusedCleanly) {
  Mutator m(5,
            {R"({"ID":"h:web:80","Name":"web","Address":"10.0.0.1","Port":80,"Tags":["a"],"Meta":{"k":"v"},
                 "Check":{"HTTP":"http://10.0.0.1/","Interval":"10s","Timeout":"1s","Header":{"X":["y"]}},
                 "Checks":[{"TTL":"5s","DeregisterCriticalServiceAfter":"1m"}],"Weights":{"Passing":1,"Warning":1}})",
             R"({"Node":"n1","Address":"10.0.0.9","Service":{"Service":"db","Port":5432},"Check":{"Name":"c","Status":"passing"}})",
             R"({"Image":"web","Env":["A=b"],"Labels":{"k":"v"},"ExposedPorts":{"80/tcp":{}},
                 "HostConfig":{"PortBindings":{"80/tcp":[{"HostIp":"","HostPort":"8080"}]},"NetworkMode":"bridge"},
                 "NetworkingConfig":{"EndpointsConfig":{"n":{"IPAMConfig":{"IPv4Address":"10.1.0.5"}}}}})",
             R"({"Name":"n","Driver":"bridge","IPAM":{"Config":[{"Subnet":"10.1.0.0/24"}]}})",
             R"({"Container":"c","EndpointConfig":{"Aliases":["a"]}})", R"({"status":["running"],"label":{"a=b":true}})",
             "127.0.0.1:8080:80/udp"},
            kJsonTokens, 4096);
  run_mutations(std::move(m), runs(10000), check_fake_request_bodies);
}

TEST(FuzzParsers, HpackBlocksDecodeOrFailCleanly) {
  Mutator m(6,
            {// RFC 7541 C.4.1 and C.6.1 (Huffman, indexing), a size update, a never-indexed literal.
             std::string("\x82\x86\x84\x41\x8c\xf1\xe3\xc2\xe5\xf2\x3a\x6b\xa0\xab\x90\xf4\xff"),
             std::string("\x48\x82\x64\x02\x58\x85\xae\xc3\x77\x1a\x4b\x61\x96\xd0\x7a\xbe\x94\x10"
                         "\x54\xd4\x44\xa8\x20\x05\x95\x04\x0b\x81\x66\xe0\x82\xa6\x2d\x1b\xff\x6e"),
             std::string("\x3f\xe1\x01\x88\xc0\xbe", 6), std::string("\x10\x08password\x06secret")},
            {"\x80", "\xbe", "\xc0", "\x40", "\x00", "\x10", "\x20", "\x3f", "\x7f", "\xff", "\xff\xff\xff\xff",
             "\x8c", "\x0f", std::string(1, '\0')},
            512);
  run_mutations(std::move(m), runs(30000), check_hpack_block);
}

TEST(FuzzParsers, Http2StreamsFrameAndEndTheCallTheSameHoweverCut) {
  using fakes::consul::http2::encode_frame;
  using fakes::consul::http2::FrameType;
  const std::string headers = encode_frame(FrameType::headers, 0x4, 1, std::string("\x88\x5f\x10" "application/grpc"));
  const std::string data = encode_frame(FrameType::data, 0, 1, std::string("\0\0\0\0\2\x08\x01", 7));
  const std::string trailers = encode_frame(FrameType::headers, 0x5, 1, std::string("\x40\x0bgrpc-status\x01\x30"));
  Mutator m(7,
            {encode_frame(FrameType::settings, 0, 0, std::string("\0\3\0\0\0\x64", 6)) +
                 encode_frame(FrameType::ping, 0, 0, "pingdata") + headers + data + trailers,
             headers + encode_frame(FrameType::rst_stream, 0, 1, std::string("\0\0\0\x08", 4)),
             encode_frame(FrameType::headers, 0x8, 1, std::string("\x02\x88xy", 4)) +
                 encode_frame(FrameType::continuation, 0x4, 1, "\xbe") + trailers},
            {std::string("\0\0\0", 3), std::string("\0\0\x08\x07\0\0\0\0\0", 9), "\x01", "\x04", "\x05", "\x09",
             "\x88", std::string(1, '\0'), "\xff"},
            1024);
  run_mutations(std::move(m), runs(10000), check_http2_stream);
}

}  // namespace
}  // namespace fuzz
