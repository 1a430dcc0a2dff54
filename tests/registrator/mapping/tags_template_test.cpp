// The -tags Go template (v7.4.0): upstream bridge.go's doc-comment examples as a table, Go
// text/template details we keep (pipelines, trim markers, comments, <no value>), clear errors
// for everything unsupported, start-up validation in parse_flags and use in build_services.
#include <gtest/gtest.h>

#include "registrator/app/flags.hpp"
#include "registrator/mapping/service_builder.hpp"
#include "registrator/mapping/tags_template.hpp"

using namespace registrator;
using nlohmann::json;

namespace {

const char* kArn = "arn:aws:ecs:region:xxxxxxxxxxxx:task/368f4403-0ee4-4f4c-b7a5-be50c57db5cf";

json container() {
  return json{
      {"Id", "e20f9c1a76565d62ae24a3bb877b17b862b6eab94f4e95a0e07ccf25087aaf4f"},
      {"Name", "/web5"},
      {"State", {{"Running", true}, {"Pid", 4242}}},
      {"Config",
       {{"Image", "test"},
        {"Env", {"ENVIRONMENT=test", "SERVICE_8105_NAME=foo", "HOME=/home/foobar", "SERVICE_9404_NAME=bar"}},
        {"Cmd", nullptr},
        {"Labels",
         {{"com.amazonaws.ecs.task-arn", kArn},
          {"env", "prod"},
          {"meta", R"({"Additional":{"Country":"United States","Tags":["a","b"]}})"}}}}},
      {"NetworkSettings",
       {{"IPAddress", "172.17.0.2"}, {"Ports", {{"80/tcp", {{{"HostIp", "0.0.0.0"}, {"HostPort", "7679"}}}}}}}},
      {"HostConfig", {{"NetworkMode", "default"}}},
  };
}

std::string render(const std::string& text) { return TagsTemplate::parse(text).render(container()); }

struct Case {
  std::string tmpl;
  std::string want;
};

TEST(TagsTemplate, UpstreamDocExamples) {
  const std::vector<Case> cases = {
      {"{{strSlice .ID 0 12}}", "e20f9c1a7656"},
      {"{{sIndex 0 .Config.Env}}", "ENVIRONMENT=test"},
      {R"({{mIndex "com.amazonaws.ecs.task-arn" .Config.Labels}})", kArn},
      {R"({{toUpper "foo"}})", "FOO"},
      {R"({{toLower "FoO"}})", "foo"},
      {R"({{replace -1 "=" "" "=foo="}})", "foo"},
      {R"({{join "," .Config.Env}})", "ENVIRONMENT=test,SERVICE_8105_NAME=foo,HOME=/home/foobar,SERVICE_9404_NAME=bar"},
      {R"({{split "," "/proc/bus,/proc/fs,/proc/irq"}})", "[/proc/bus /proc/fs /proc/irq]"},
      {std::string(R"({{splitIndex -1 "/" ")") + kArn + "\"}}", "368f4403-0ee4-4f4c-b7a5-be50c57db5cf"},
      {R"({{ split "/" (mIndex "com.amazonaws.ecs.task-arn" .Config.Labels) | sIndex -1 }})",
       "368f4403-0ee4-4f4c-b7a5-be50c57db5cf"},
      {R"({{matchFirstElement "^SERVICE_" .Config.Env}})", "SERVICE_8105_NAME=foo"},
      {R"({{matchAllElements "^SERVICE_" .Config.Env}})", "[SERVICE_8105_NAME=foo SERVICE_9404_NAME=bar]"},
      {R"({{jsonParse (mIndex "meta" .Config.Labels) "Additional::Country"}})", "United States"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.tmpl);
    EXPECT_EQ(render(c.tmpl), c.want);
  }
}

TEST(TagsTemplate, IndexAndSliceEdgesFollowUpstream) {
  const std::vector<Case> cases = {
      {"{{sIndex -1 .Config.Env}}", "SERVICE_9404_NAME=bar"},
      {"{{sIndex -9 .Config.Env}}", "ENVIRONMENT=test"},   // too far back: the first
      {"{{sIndex 9 .Config.Env}}", "SERVICE_9404_NAME=bar"},  // too far: the last
      {R"({{strSlice "abcdef" 2}})", "cdef"},
      {R"({{strSlice "abc" 5}})", "abc"},
      {R"({{strSlice "abcdef" 4 2}})", "ef"},
      {R"({{strSlice "abcdef" 1 3}})", "bc"},
      {R"({{strSlice "abcdef" 1 9}})", "abcdef"},
      {R"({{replace 1 "a" "b" "aaa"}})", "baa"},
      {R"({{replace -1 "" "-" "ab"}})", "-a-b-"},
      {R"({{splitIndex 1 "," "x"}})", "x"},
      {R"({{mIndex "nope" .Config.Labels}})", ""},
      {R"({{matchFirstElement "^NOPE" .Config.Env}})", ""},
      {R"({{matchAllElements "^NOPE" .Config.Env}})", "[]"},
      {R"({{jsonParse (mIndex "meta" .Config.Labels) "Additional::Tags::[1]"}})", "b"},
      {R"({{jsonParse (mIndex "meta" .Config.Labels) "Missing"}})", ""},
      {R"({{join "," .Config.Cmd}})", ""},  // null list: a nil Go slice
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.tmpl);
    EXPECT_EQ(render(c.tmpl), c.want);
  }
}

TEST(TagsTemplate, TextFieldsTrimMarkersAndComments) {
  const std::vector<Case> cases = {
      {"", ""},
      {"a,b\\,c", "a,b\\,c"},
      {"env={{.Config.Labels.env}},{{.Name}}", "env=prod,/web5"},
      {"{{.Config.Labels.nope}}", "<no value>"},
      {"{{.State.Pid}}-{{.State.Running}}", "4242-true"},
      {"{{.Id}}", "e20f9c1a76565d62ae24a3bb877b17b862b6eab94f4e95a0e07ccf25087aaf4f"},
      {"a, {{- toUpper \"b\" -}} ,c", "a,B,c"},
      {"{{/* a comment */}}x", "x"},
      {"{{ `raw \\n` }}", "raw \\n"},
      {R"({{ "}}" }})", "}}"},
      {R"({{ .Config.Env | join ";" | toUpper }})", "ENVIRONMENT=TEST;SERVICE_8105_NAME=FOO;HOME=/HOME/FOOBAR;SERVICE_9404_NAME=BAR"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.tmpl);
    EXPECT_EQ(render(c.tmpl), c.want);
  }
}

void expect_parse_error(const std::string& text, const std::string& fragment) {
  try {
    TagsTemplate::parse(text);
    ADD_FAILURE() << text << ": parsed";
  } catch (const TemplateError& e) {
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << text << " -> " << e.what();
  }
}

TEST(TagsTemplate, UnsupportedConstructsAreNamedAtParseTime) {
  expect_parse_error(R"({{httpGet "http://127.0.0.1/"}})", "\"httpGet\" is deliberately not supported");
  expect_parse_error(R"({{printf "%s" .ID}})", "builtin \"printf\" is not supported");
  expect_parse_error(R"({{index .Config.Env 0}})", "builtin \"index\" is not supported");
  expect_parse_error(R"({{nosuch .ID}})", "function \"nosuch\" is not supported (supported functions: strSlice");
  expect_parse_error("{{if .ID}}x{{end}}", "\"if\" action/keyword is not supported");
  expect_parse_error("{{range .Config.Env}}x{{end}}", "\"range\" action/keyword is not supported");
  expect_parse_error("{{$x := .ID}}", "variables ($...) are not supported");
  expect_parse_error("{{toUpper}}", "wrong number of arguments for toUpper: want 1, got 0");
  expect_parse_error(R"({{toUpper "a" "b"}})", "wrong number of arguments for toUpper: want 1, got 2");
  expect_parse_error(R"({{toUpper "a")", "unclosed action");
  expect_parse_error(R"({{matchFirstElement "(" .Config.Env}})", "bad regular expression \"(\"");
  expect_parse_error(R"({{sIndex "0" .Config.Env}})", "sIndex argument 1: expected integer, got a string literal");
  expect_parse_error("{{1.5}}", "number \"1.5\" is not supported");
  expect_parse_error("{{.ID .Name}}", "can't give arguments to a non-function");
  expect_parse_error("{{}}", "missing value");
  expect_parse_error("{{ toUpper (toLower \"A\" }}", "unclosed left parenthesis");
  EXPECT_EQ(render(std::string(100, '(')), std::string(100, '('));  // parentheses in text are text
  std::string deep = "{{" + std::string(40, '(') + "\"x\"" + std::string(40, ')') + "}}";
  expect_parse_error(deep, "nested deeper than 16");
  expect_parse_error(std::string(TagsTemplate::kMaxTemplateSize + 1, 'x'), "the limit is 65536");
}

TEST(TagsTemplate, BadDataIsAnExecutionErrorNamingTheArgument) {
  try {
    render("{{toUpper .Config.Env}}");
    FAIL();
  } catch (const TemplateError& e) {
    EXPECT_STREQ(e.what(), "toUpper argument 1: expected string, got list");
  }
  try {
    render("{{sIndex 0 .Config.Cmd}}");
    FAIL();
  } catch (const TemplateError& e) {
    EXPECT_STREQ(e.what(), "sIndex: index 0 into an empty list");
  }
  EXPECT_THROW(render("{{strSlice .Name -1}}"), TemplateError);
  EXPECT_THROW(render("{{toUpper .Config.Labels.nope}}"), TemplateError);
}

TEST(TagsFlag, BadTemplateFailsAtStartupWithUpstreamWording) {
  auto o = parse_flags({"-tags", R"({{httpGet "http://example.com"}})", "consul://127.0.0.1:8500"});
  EXPECT_EQ(o.kind, FlagsOutcome::Kind::Exit);
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_NE(o.fatal.find("template parsing failed with error: "), std::string::npos) << o.fatal;
  EXPECT_NE(o.fatal.find("httpGet"), std::string::npos) << o.fatal;

  auto ok = parse_flags({"-tags", "{{strSlice .ID 0 12}},x", "consul://127.0.0.1:8500"});
  EXPECT_EQ(ok.kind, FlagsOutcome::Kind::Run) << ok.fatal;
}

TEST(TagsFlag, RenderedTemplateBecomesServiceTags) {
  Config cfg;
  cfg.force_tags = R"({{strSlice .ID 0 12}},env-{{mIndex "env" .Config.Labels}})";
  BuildContext ctx{cfg, "host1", {}, {}};
  auto result = build_services(container(), ctx);
  ASSERT_EQ(result.services.size(), 1u);
  EXPECT_EQ(result.services[0].tags, (std::vector<std::string>{"e20f9c1a7656", "env-prod"}));
}

TEST(TagsFlag, ExecutionErrorIsReportedAndTheServiceStillRegisters) {
  Config cfg;
  cfg.force_tags = "{{toUpper .Config.Env}}";
  BuildContext ctx{cfg, "host1", {}, {}};
  auto result = build_services(container(), ctx);
  ASSERT_EQ(result.services.size(), 1u);
  EXPECT_TRUE(result.services[0].tags.empty());
  bool noted = false;
  for (const auto& n : result.notes) noted |= n.find("template execution failed") != std::string::npos;
  EXPECT_TRUE(noted);
}

}  // namespace
