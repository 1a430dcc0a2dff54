// Templates: parsing, scope checks and expansion.
#include "scenarios/regsim/language/template_text.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace regsim {
namespace {

using ::testing::HasSubstr;

// Answers every reference with "FUNCTION:HOST/CONTAINER:PORT".
class EchoFacts : public FactSource {
 public:
  std::string resolve(const TemplateRef& r) const override {
    return r.function + ":" + r.host + "/" + r.container + ":" + r.port;
  }
};

std::string template_error(const std::string& text) {
  try {
    parse_template(text);
  } catch (const TemplateError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(TemplateText, PlainTextHasNoReferences) {
  const auto t = parse_template("valami.service.dc1.consul");
  EXPECT_FALSE(t.has_references());
  EXPECT_EQ(expand_template(t, EchoFacts{}), "valami.service.dc1.consul");
}

TEST(TemplateText, ExpandsEveryReferenceInPlace) {
  EXPECT_EQ(expand_text("at {{ip host1/web5}} and {{ hostname  host2 }}!", EchoFacts{}),
            "at ip:host1/web5: and hostname:host2/:!");
  EXPECT_EQ(expand_text("{{host_port host1/web5 80}}", EchoFacts{}), "host_port:host1/web5:80/tcp");
  EXPECT_EQ(expand_text("{{host_port host1/dns 53/udp}}", EchoFacts{}), "host_port:host1/dns:53/udp");
  EXPECT_EQ(expand_text("{{node}}.node.{{datacenter}}.consul", EchoFacts{}), "node:/:.node.datacenter:/:.consul");
}

TEST(TemplateText, SingleReferenceIsRecognised) {
  EXPECT_TRUE(parse_template("{{ip h/c}}").is_single_reference());
  EXPECT_FALSE(parse_template("x{{ip h/c}}").is_single_reference());
}

TEST(TemplateText, MalformedReferencesAreNamed) {
  EXPECT_THAT(template_error("{{ip host1/web5"), HasSubstr("unclosed \"{{\""));
  EXPECT_THAT(template_error("{{}}"), HasSubstr("{{}}: empty reference"));
  EXPECT_THAT(template_error("{{address host1/web5}}"), HasSubstr("unknown reference \"address\""));
  EXPECT_THAT(template_error("{{ip web5}}"), HasSubstr("{{ip web5}}: expected HOST/CONTAINER, got \"web5\""));
  EXPECT_THAT(template_error("{{ip host1/web5 80}}"), HasSubstr("expected {{ip HOST/CONTAINER}}"));
  EXPECT_THAT(template_error("{{hostname}}"), HasSubstr("expected {{hostname HOST}}"));
  EXPECT_THAT(template_error("{{node x}}"), HasSubstr("expected {{node}}"));
}

TEST(TemplateText, ScopeNamesUnknownHostsAndContainers) {
  TemplateScope scope{{"host1"}, {"host1/web5"}};
  EXPECT_NO_THROW(check_template_scope(parse_template("{{ip host1/web5}} {{node}}"), scope));
  EXPECT_THROW(check_template_scope(parse_template("{{ip host2/web5}}"), scope), TemplateError);
  EXPECT_THROW(check_template_scope(parse_template("{{id host1/web6}}"), scope), TemplateError);
}

}  // namespace
}  // namespace regsim
