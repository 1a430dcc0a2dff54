// The YAML subset compose files are read with: what it reads (as PyYAML would type it), what it
// refuses (each with its line), and that hostile input stays bounded.
#include "scenarios/regsim/language/compose/yaml_subset.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <random>

namespace regsim::compose {
namespace {

using ::testing::HasSubstr;
using Json = nlohmann::ordered_json;

Json read_text(const std::string& text) { return read_yaml_subset(text).value; }

// "line N: detail" of the YamlError, or "(no error)".
std::string yaml_error_of(const std::string& text) {
  try {
    read_yaml_subset(text);
  } catch (const YamlError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(YamlSubset, ReadsBlockMappingsSequencesAndCompactItems) {
  const auto doc = read_yaml_subset(R"(# a compose file
version: "3.7"
services:
  web:
    image: test   # trailing comment
    ports:
      - "8080:80"
      - 443
    environment:
    - A=1
    - "B=two words"
    networks:
      back:
        aliases:
          - api-back
  worker:
    deploy: {replicas: 2}
    command: ["sh", '-c', 'it''s']
    labels: {}
list:
  - name: a
    value: 1
  - - nested
    - seq
)");
  const Json& v = doc.value;
  EXPECT_EQ(v["version"], "3.7");
  EXPECT_EQ(v["services"]["web"]["image"], "test");
  EXPECT_EQ(v["services"]["web"]["ports"], Json::parse(R"(["8080:80", 443])"));
  EXPECT_EQ(v["services"]["web"]["environment"], Json::parse(R"(["A=1", "B=two words"])"));
  EXPECT_EQ(v["services"]["web"]["networks"]["back"]["aliases"][0], "api-back");
  EXPECT_EQ(v["services"]["worker"]["deploy"]["replicas"], 2);
  EXPECT_EQ(v["services"]["worker"]["command"], Json::parse(R"(["sh", "-c", "it's"])"));
  EXPECT_EQ(v["services"]["worker"]["labels"], Json::object());
  EXPECT_EQ(v["list"], Json::parse(R"([{"name": "a", "value": 1}, ["nested", "seq"]])"));
  // Keys keep the file's order (Compose creates services in it).
  EXPECT_EQ(v["services"].begin().key(), "web");
  // Lines, for error messages.
  EXPECT_EQ(doc.line_of("services.web.ports[0]"), 7);
  EXPECT_EQ(doc.line_of("services.web.environment[1]"), 11);
  EXPECT_EQ(doc.line_of("services.worker.deploy.replicas"), 17) << "a flow value has its key's line";
  EXPECT_EQ(doc.line_of("list[1]"), 23);
}

TEST(YamlSubset, TypesPlainScalarsAsPyYamlDoes) {
  const auto v = read_text(R"(a: ~
b:
c: yes
d: Off
e: 42
f: -7
g: 3.5
h: "yes"
i: 1.2.3
j: http://example.com:8080/x
k: '80:80'
l: 8080:8080
m: a#b
n: "a # b"
)");
  EXPECT_TRUE(v["a"].is_null());
  EXPECT_TRUE(v["b"].is_null());
  EXPECT_EQ(v["c"], true);
  EXPECT_EQ(v["d"], false);
  EXPECT_EQ(v["e"], 42);
  EXPECT_EQ(v["f"], -7);
  EXPECT_EQ(v["g"], 3.5);
  EXPECT_EQ(v["h"], "yes");
  EXPECT_EQ(v["i"], "1.2.3");
  EXPECT_EQ(v["j"], "http://example.com:8080/x");
  EXPECT_EQ(v["k"], "80:80");
  EXPECT_EQ(v["l"], "8080:8080") << "not base 60: the last part is over 59";
  EXPECT_EQ(v["m"], "a#b") << "# starts a comment only after a blank";
  EXPECT_EQ(v["n"], "a # b");
}

TEST(YamlSubset, DecodesDoubleQuotedEscapes) {
  const auto v = read_text(R"(a: "tab\there \"q\" \\ \u00e9 \x41")");
  EXPECT_EQ(v["a"], "tab\there \"q\" \\ \xC3\xA9 A");
}

TEST(YamlSubset, AnchorsAndAliasesAreCopies) {
  const auto v = read_text(R"(x-cmd: &cmd ["/bin/sh", "-c", "sleep 1000"]
x-env: &env
  A: 1
services:
  a:
    command: *cmd
    environment: *env
  b:
    command: *cmd
)");
  EXPECT_EQ(v["services"]["a"]["command"], v["x-cmd"]);
  EXPECT_EQ(v["services"]["b"]["command"][2], "sleep 1000");
  EXPECT_EQ(v["services"]["a"]["environment"]["A"], 1);
}

TEST(YamlSubset, ReadsTheHarnessComposeFileOfTheFakeDockerTests) {
  const auto v = read_text(R"(version: "3.7"
x-sleeper: &sleeper ["/bin/sh", "-c", "trap 'exit 143' TERM; sleep 1000 & wait"]
services:
  api:
    image: test
    command: *sleeper
    networks:
      default: {}
      back:
        aliases:
          - api-back
)");
  EXPECT_EQ(v["services"]["api"]["command"][2], "trap 'exit 143' TERM; sleep 1000 & wait");
  EXPECT_EQ(v["services"]["api"]["networks"]["default"], Json::object());
}

TEST(YamlSubset, EmptyDocumentIsNull) {
  EXPECT_TRUE(read_text("").is_null());
  EXPECT_TRUE(read_text("# only a comment\n\n").is_null());
  EXPECT_EQ(read_text("---\na: 1\n")["a"], 1);
}

TEST(YamlSubset, RefusesWhatItDoesNotReadNamingTheLine) {
  EXPECT_EQ(yaml_error_of("a: 1\n\tb: 2\n"), "line 2: a tab in the indentation (YAML indents with spaces)");
  EXPECT_EQ(yaml_error_of("a:\n  cmd: |\n    echo\n"),
            "line 2: block scalars (| and >) are not supported: write the value on one line, quoted");
  EXPECT_EQ(yaml_error_of("ports:\n  - 22:22\n"),
            "line 2: unquoted 22:22 is a base-60 number in YAML 1.1 (docker-compose reads it as an integer): write \"22:22\"");
  EXPECT_EQ(yaml_error_of("a: \"open\nb: 1\n"),
            "line 1: the string opened with \" does not end on this line (multi-line strings are not supported)");
  EXPECT_EQ(yaml_error_of("a: 1\nb: 2\na: 3\n"), "line 3: duplicate key \"a\"");
  EXPECT_EQ(yaml_error_of("a:\n  b: 1\n    c: 2\n"), "line 3: indented more than the keys above it");
  EXPECT_EQ(yaml_error_of("a: [1, 2\nb: 3\n"),
            "line 1: the [ does not close on this line (flow collections must be on one line)");
  EXPECT_EQ(yaml_error_of("a: *nowhere\n"), "line 1: alias *nowhere names no earlier anchor");
  EXPECT_EQ(yaml_error_of("base: &b {x: 1}\nc:\n  <<: *b\n"), "line 3: merge keys (<<) are not supported");
  EXPECT_EQ(yaml_error_of("a: !!str 5\n"), "line 1: tags (!) are not supported");
  EXPECT_EQ(yaml_error_of("a: b: c\n"), "line 1: a plain value cannot hold ': ' (quote it): \"b: c\"");
  EXPECT_EQ(yaml_error_of("a: 1\n---\nb: 2\n"), "line 2: a second YAML document (---): a compose file is one document");
  EXPECT_EQ(yaml_error_of("a:\n  - x\n  y: 1\n"), "line 3: indented more than the keys above it");
  EXPECT_EQ(yaml_error_of("a:\n  - x\nb\n"), "line 3: expected 'key: value', got \"b\"");
  EXPECT_EQ(yaml_error_of("a: \"\\q\"\n"), "line 1: unknown escape \\q in a double-quoted string");
  EXPECT_EQ(yaml_error_of("a: 1\n  continued\n"),
            "line 2: multi-line plain values are not supported: put the value on one line, quoted");
  EXPECT_EQ(yaml_error_of("? complex\n"), "line 1: complex keys (? ) are not supported");
  EXPECT_EQ(yaml_error_of("a: 0755\n"),
            "line 1: unquoted 0755 is an octal, hex or binary integer in YAML 1.1: quote it, or write it in decimal");
}

// Forms PyYAML reads otherwise (or refuses): found by yaml_vs_pyyaml_test.cpp.
TEST(YamlSubset, RefusesWhatPyYamlReadsOtherwise) {
  EXPECT_EQ(yaml_error_of("a: 1\t\n"), "line 1: a tab outside a quoted string (PyYAML, which docker-compose reads with, refuses it too)");
  EXPECT_EQ(read_text("a: \"x\ty\"\n")["a"], "x\ty") << "inside quotes a tab is fine";
  EXPECT_EQ(yaml_error_of(",a: 1\n"), "line 1: a plain value cannot start with ,: quote it (\",a\")");
  EXPECT_EQ(yaml_error_of("a: [x, , y]\n"), "line 1: an empty entry in a flow collection");
  EXPECT_EQ(yaml_error_of("a: [x?y]\n"), "line 1: a ? inside [ ] or { } (quote the value): \"x?y\"");
  EXPECT_EQ(yaml_error_of("a: &{} 1\n"), "line 1: expected a name of letters, digits, '-' and '_' after &, got \"{}\"");
  EXPECT_EQ(yaml_error_of("a: 1_000\n"),
            "line 1: unquoted 1_000 is a number with '_' separators in YAML 1.1: write it without '_', or quote it");
  EXPECT_EQ(read_text("a: face_2\n")["a"], "face_2") << "not a number";
  EXPECT_EQ(yaml_error_of("a: 2026-12-06\n"), "line 1: unquoted 2026-12-06 is a date in YAML 1.1: quote it");
  EXPECT_EQ(yaml_error_of("a: .inf\n"), "line 1: unquoted .inf is an infinite or NaN float in YAML 1.1: quote it");
  EXPECT_EQ(read_text("a: -.5\n")["a"], "-.5") << "PyYAML's float has no sign before a bare '.'";
  EXPECT_EQ(yaml_error_of("~: 1\n"), "line 1: the key ~ is not a string in YAML 1.1: quote it");
  EXPECT_EQ(yaml_error_of("a: {80: x}\n"), "line 1: the key 80 is not a string in YAML 1.1: quote it");
  EXPECT_EQ(yaml_error_of("a: =\n"), "line 1: an unquoted = is YAML 1.1's value key, which PyYAML cannot read: quote it");
  // A quote inside a plain scalar is a character: " #" after it still starts a comment.
  EXPECT_EQ(read_text("a: 9[\"x #y\"]\n")["a"], "9[\"x");
}

TEST(YamlSubset, HostileInputStaysBounded) {
  // Deep nesting.
  std::string deep;
  for (int i = 0; i < 200; ++i) deep += std::string(static_cast<std::size_t>(i) * 2, ' ') + "k:\n";
  EXPECT_THAT(yaml_error_of(deep), HasSubstr("nested deeper than 64 levels"));
  std::string flow = "a: " + std::string(500, '[') + std::string(500, ']') + "\n";
  EXPECT_THAT(yaml_error_of(flow), HasSubstr("nested deeper than 64 levels"));
  // Aliases multiplying ("billion laughs").
  std::string laughs = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  for (char c = 'b'; c <= 'j'; ++c)
    laughs += std::string(1, c) + ": &" + c + " [*" + static_cast<char>(c - 1) + ", *" + static_cast<char>(c - 1) +
              ", *" + static_cast<char>(c - 1) + ", *" + static_cast<char>(c - 1) + ", *" + static_cast<char>(c - 1) +
              ", *" + static_cast<char>(c - 1) + ", *" + static_cast<char>(c - 1) + ", *" + static_cast<char>(c - 1) + "]\n";
  EXPECT_THAT(yaml_error_of(laughs), HasSubstr("more than 100000 values"));
  // Too large, and a long digit string.
  EXPECT_THAT(yaml_error_of(std::string(kMaxYamlBytes + 1, 'a')), HasSubstr("larger than"));
  EXPECT_EQ(yaml_error_of("a: " + std::string(100, '9') + "\n"), "line 1: integer is too large");
  EXPECT_EQ(read_text("a: " + std::string(100000, 'x') + "\n")["a"].get<std::string>().size(), 100000u);
}

// Seeded mutations of a valid compose file: every input is either read or refused with a
// YamlError; nothing else escapes (and under ASan nothing is read out of bounds).
TEST(YamlSubset, MutatedInputsAreReadOrRefusedNeverCrash) {
  const std::string seed = R"(version: "3.7"
x-a: &a ["/bin/sh", "-c", "x"]
services:
  web5:
    image: test
    command: *a
    environment:
      SERVICE_NAME: valami
    labels: {type: frontend, 'q': "v\t"}
    ports:
      - "7679:80"
    networks:
      back:
        aliases: [jobs]
networks:
  back: {}
)";
  const char* runs_env = std::getenv("REG_FUZZ_RUNS");
  const int runs = runs_env ? std::atoi(runs_env) : 20000;
  const std::string alphabet = " \t\n-:#'\"[]{},&*!|>?%@`\\0aZ9.~";
  std::mt19937 rng(18);
  int read_ok = 0;
  for (int i = 0; i < runs; ++i) {
    std::string text = seed;
    const int edits = 1 + static_cast<int>(rng() % 6);
    for (int e = 0; e < edits && !text.empty(); ++e) {
      const auto pos = rng() % text.size();
      switch (rng() % 4) {
        case 0: text[pos] = alphabet[rng() % alphabet.size()]; break;
        case 1: text.insert(pos, 1, alphabet[rng() % alphabet.size()]); break;
        case 2: text.erase(pos, 1 + rng() % 8); break;
        default: text.insert(pos, text.substr(rng() % text.size(), rng() % 40)); break;
      }
    }
    try {
      read_yaml_subset(text);
      ++read_ok;
    } catch (const YamlError& e) {
      ASSERT_GT(e.line(), 0) << text;
    }
  }
  EXPECT_GT(read_ok, 0) << "some mutations are still valid YAML";
}

}  // namespace
}  // namespace regsim::compose
