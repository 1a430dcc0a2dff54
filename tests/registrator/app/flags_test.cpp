#include <gtest/gtest.h>

#include "registrator/app/flags.hpp"
#include "registrator/app/version.hpp"

using registrator::FlagsOutcome;
using registrator::parse_flags;

namespace {

FlagsOutcome parse(std::vector<std::string> args) { return parse_flags(args, "registrator"); }

void expect_run(const FlagsOutcome& o) {
  ASSERT_EQ(o.kind, FlagsOutcome::Kind::Run) << o.err << o.fatal;
}

}  // namespace

TEST(RegistratorFlags, DefaultsMatchUpstream) {
  auto o = parse({"consul://localhost:8500"});
  expect_run(o);
  const auto& c = o.config;
  EXPECT_EQ(c.registry_uri, "consul://localhost:8500");
  EXPECT_EQ(c.host_ip, "");
  EXPECT_FALSE(c.internal);
  EXPECT_FALSE(c.explicit_only);
  EXPECT_EQ(c.use_ip_from_label, "");
  EXPECT_EQ(c.ttl, 0);
  EXPECT_EQ(c.ttl_refresh, 0);
  EXPECT_EQ(c.force_tags, "");
  EXPECT_EQ(c.resync, 0);
  EXPECT_EQ(c.deregister, "always");
  EXPECT_EQ(c.retry_attempts, 0);
  EXPECT_EQ(c.retry_interval_ms, 2000);
  EXPECT_FALSE(c.cleanup);
  EXPECT_EQ(c.hostname, "");
  EXPECT_FALSE(c.v6_naming);
}

TEST(RegistratorFlags, EveryFlagSingleDashWithSpaceAndEquals) {
  auto o = parse({"-ip", "10.0.0.1", "-internal", "-explicit=true", "-useIpFromLabel=ip.label", "-ttl", "30",
                  "-ttl-refresh=10", "-tags", "a,b", "-resync=60", "-deregister", "on-success",
                  "-retry-attempts=-1", "-retry-interval", "500", "-cleanup", "-hostname", "node1", "-v6-naming",
                  "consul://c:1"});
  expect_run(o);
  const auto& c = o.config;
  EXPECT_EQ(c.host_ip, "10.0.0.1");
  EXPECT_TRUE(c.internal);
  EXPECT_TRUE(c.explicit_only);
  EXPECT_EQ(c.use_ip_from_label, "ip.label");
  EXPECT_EQ(c.ttl, 30);
  EXPECT_EQ(c.ttl_refresh, 10);
  EXPECT_EQ(c.force_tags, "a,b");
  EXPECT_EQ(c.resync, 60);
  EXPECT_EQ(c.deregister, "on-success");
  EXPECT_EQ(c.retry_attempts, -1);
  EXPECT_EQ(c.retry_interval_ms, 500);
  EXPECT_TRUE(c.cleanup);
  EXPECT_EQ(c.hostname, "node1");
  EXPECT_TRUE(c.v6_naming);
  EXPECT_EQ(c.registry_uri, "consul://c:1");
}

TEST(RegistratorFlags, DoubleDashAndBoolValues) {
  auto o = parse({"--internal=false", "--ip=1.2.3.4", "--cleanup=1", "--explicit=F", "consul://"});
  expect_run(o);
  EXPECT_FALSE(o.config.internal);
  EXPECT_TRUE(o.config.cleanup);
  EXPECT_FALSE(o.config.explicit_only);
  EXPECT_EQ(o.config.host_ip, "1.2.3.4");
}

TEST(RegistratorFlags, BoolFlagDoesNotConsumeNextArgument) {
  // Go: "-internal false" leaves "false" as the first positional argument.
  auto o = parse({"-internal", "false", "consul://"});
  EXPECT_EQ(o.kind, FlagsOutcome::Kind::Exit);
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_NE(o.err.find("Extra unparsed arguments:\n  consul://\n"), std::string::npos) << o.err;
}

TEST(RegistratorFlags, LastOccurrenceWinsAndIntBases) {
  auto o = parse({"-ttl=5", "-ttl=0x10", "-ttl-refresh=010", "consul://"});
  expect_run(o);
  EXPECT_EQ(o.config.ttl, 16);
  EXPECT_EQ(o.config.ttl_refresh, 8);  // Go base-0 parsing: leading 0 is octal
  auto u = parse({"-resync=1_000", "consul://"});
  expect_run(u);
  EXPECT_EQ(u.config.resync, 1000);
}

TEST(RegistratorFlags, DoubleDashTerminatesFlags) {
  auto o = parse({"-internal", "--", "-weird-uri"});
  expect_run(o);
  EXPECT_EQ(o.config.registry_uri, "-weird-uri");
}

TEST(RegistratorFlags, VersionPrintsAndExitsZero) {
  auto o = parse({"--version"});
  EXPECT_EQ(o.kind, FlagsOutcome::Kind::Exit);
  EXPECT_EQ(o.exit_code, 0);
  // The version alone on the first line, as upstream prints it; the commit after it.
  EXPECT_EQ(o.out.substr(0, o.out.find('\n') + 1), "v7.4.0-cpp\n");
  EXPECT_EQ(o.out, registrator::version_text());
  // Only as the sole argument, as upstream; otherwise it is an unknown flag.
  auto u = parse({"--version", "consul://"});
  EXPECT_EQ(u.exit_code, 2);
  EXPECT_NE(u.err.find("flag provided but not defined: -version"), std::string::npos);
}

TEST(RegistratorFlags, HelpExitsZeroWithUsage) {
  auto o = parse({"-h"});
  EXPECT_EQ(o.kind, FlagsOutcome::Kind::Exit);
  EXPECT_EQ(o.exit_code, 0);
  EXPECT_EQ(o.err.rfind("Usage of registrator:\n  registrator [options] <registry URI>\n\n", 0), 0u) << o.err;
}

TEST(RegistratorFlags, MissingUri) {
  auto o = parse({"-internal"});
  EXPECT_EQ(o.kind, FlagsOutcome::Kind::Exit);
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_EQ(o.err.rfind("Missing required argument for registry URI.\n\nUsage of registrator:", 0), 0u) << o.err;
}

TEST(RegistratorFlags, ExtraArguments) {
  auto o = parse({"consul://", "a", "b"});
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_EQ(o.err.rfind("Extra unparsed arguments:\n  a b\nOptions should come before the registry URI argument.\n\n"
                        "Usage of registrator:",
                        0),
            0u)
      << o.err;
}

TEST(RegistratorFlags, UnknownFlagNamesItThenUsage) {
  auto o = parse({"-bogus", "consul://"});
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_EQ(o.err.rfind("flag provided but not defined: -bogus\nUsage of registrator:", 0), 0u) << o.err;
}

TEST(RegistratorFlags, SyntaxErrors) {
  EXPECT_EQ(parse({"---x", "consul://"}).err.rfind("bad flag syntax: ---x\n", 0), 0u);
  EXPECT_EQ(parse({"-=x", "consul://"}).exit_code, 2);
  auto need = parse({"-ip"});
  EXPECT_EQ(need.exit_code, 2);
  EXPECT_EQ(need.err.rfind("flag needs an argument: -ip\n", 0), 0u);
  auto badint = parse({"-ttl=abc", "consul://"});
  EXPECT_EQ(badint.exit_code, 2);
  EXPECT_EQ(badint.err.rfind("invalid value \"abc\" for flag -ttl: parse error\n", 0), 0u) << badint.err;
  auto range = parse({"-ttl=99999999999999999999", "consul://"});
  EXPECT_EQ(range.err.rfind("invalid value \"99999999999999999999\" for flag -ttl: value out of range\n", 0), 0u);
  auto badbool = parse({"-internal=yes", "consul://"});
  EXPECT_EQ(badbool.exit_code, 2);
  EXPECT_EQ(badbool.err.rfind("invalid boolean value \"yes\" for -internal: parse error\n", 0), 0u) << badbool.err;
}

TEST(RegistratorFlags, ValidationMessagesExitOne) {
  struct Case {
    std::vector<std::string> args;
    std::string message;
  } cases[] = {
      {{"-ttl=10", "consul://"}, "-ttl and -ttl-refresh must be specified together or not at all"},
      {{"-ttl-refresh=10", "consul://"}, "-ttl and -ttl-refresh must be specified together or not at all"},
      {{"-ttl=10", "-ttl-refresh=10", "consul://"}, "-ttl must be greater than -ttl-refresh"},
      {{"-retry-interval=0", "consul://"}, "-retry-interval must be greater than 0"},
      {{"-deregister=never", "consul://"}, "-deregister must be \"always\" or \"on-success\""},
      {{"-log-format=xml", "consul://"}, "-log-format must be \"text\" or \"json\", not \"xml\""},
      {{"-log-format", "JSON", "consul://"}, "-log-format must be \"text\" or \"json\", not \"JSON\""},
  };
  for (const auto& c : cases) {
    auto o = parse(c.args);
    EXPECT_EQ(o.kind, FlagsOutcome::Kind::Exit);
    EXPECT_EQ(o.exit_code, 1);
    EXPECT_EQ(o.fatal, c.message);
  }
  expect_run(parse({"-ttl=30", "-ttl-refresh=10", "consul://"}));
}

TEST(RegistratorFlags, UsageListsFlagsSortedGoStyle) {
  std::string u = registrator::usage_text("registrator");
  EXPECT_NE(u.find("  -cleanup\n    \tRemove dangling services\n"), std::string::npos) << u;
  EXPECT_NE(u.find("  -deregister string\n    \tDeregister exited services \"always\" or \"on-success\" "
                   "(default \"always\")\n"),
            std::string::npos)
      << u;
  EXPECT_NE(u.find("  -retry-interval int\n    \tInterval (in millisecond) between retry-attempts. (default 2000)\n"),
            std::string::npos);
  EXPECT_LT(u.find("-cleanup"), u.find("-deregister"));
  EXPECT_LT(u.find("-ttl int"), u.find("-ttl-refresh"));
  EXPECT_LT(u.find("-ttl-refresh"), u.find("-useIpFromLabel"));
  EXPECT_NE(u.find("-hostname string"), std::string::npos);
  EXPECT_NE(u.find("-v6-naming\n"), std::string::npos);
}

TEST(RegistratorFlags, IpAcceptsIpv6WithOrWithoutBrackets) {
  auto o = parse({"-ip", "2001:db8::7", "consul://"});
  expect_run(o);
  EXPECT_EQ(o.config.host_ip, "2001:db8::7");
  o = parse({"-ip=[2001:db8::7]", "consul://"});
  expect_run(o);
  EXPECT_EQ(o.config.host_ip, "2001:db8::7");
}

TEST(RegistratorFlags, LogFormatIsTextByDefaultAndJsonOnRequest) {
  auto d = parse({"consul://"});
  expect_run(d);
  EXPECT_EQ(d.config.log_format, "text");
  auto j = parse({"-log-format", "json", "consul://"});
  expect_run(j);
  EXPECT_EQ(j.config.log_format, "json");
  // A later validation error still carries the format, so it is logged as asked.
  auto bad = parse({"-log-format=json", "-ttl=10", "consul://"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_EQ(bad.config.log_format, "json");
}

TEST(RegistratorFlags, HealthAddrTakesIpAndPortOrIsOff) {
  auto off = parse({"consul://"});
  expect_run(off);
  EXPECT_FALSE(off.config.health_addr.has_value());
  struct Case {
    std::string text, host;
    int port;
  } good[] = {{"127.0.0.1:8080", "127.0.0.1", 8080}, {"[::1]:9", "::1", 9}, {":8080", "0.0.0.0", 8080},
              {"10.0.0.7:0", "10.0.0.7", 0}};
  for (const auto& c : good) {
    auto o = parse({"-health-addr", c.text, "consul://"});
    expect_run(o);
    ASSERT_TRUE(o.config.health_addr.has_value()) << c.text;
    EXPECT_EQ(o.config.health_addr->host, c.host) << c.text;
    EXPECT_EQ(o.config.health_addr->port, c.port) << c.text;
  }
}

TEST(RegistratorFlags, BadHealthAddrIsAFlagErrorNamingWhatIsWrong) {
  struct Case {
    std::string text, message;
  } bad[] = {
      {"8080", "want IP:PORT (e.g. 127.0.0.1:8080 or [::1]:8080), got \"8080\""},
      {"localhost:8080", "host must be an IPv4 address or a bracketed IPv6 address, got \"localhost\""},
      {"::1:8080", "host must be an IPv4 address or a bracketed IPv6 address, got \"::1\""},
      {"127.0.0.1:65536", "port must be a number from 0 to 65535, got \"65536\""},
      {"127.0.0.1:", "port must be a number from 0 to 65535, got \"\""},
      {"127.0.0.1:http", "port must be a number from 0 to 65535, got \"http\""},
  };
  for (const auto& c : bad) {
    auto o = parse({"-health-addr", c.text, "consul://"});
    EXPECT_EQ(o.kind, FlagsOutcome::Kind::Exit) << c.text;
    EXPECT_EQ(o.exit_code, 2) << c.text;
    const std::string want = "invalid value \"" + c.text + "\" for flag -health-addr: " + c.message + "\n";
    EXPECT_EQ(o.err.substr(0, want.size()), want) << o.err;
  }
}

// -healthcheck URL is a probe of another registrator: it needs no registry URI and refuses one.
TEST(RegistratorFlags, HealthcheckTakesAnHttpUrlAndNoRegistryUri) {
  auto o = parse({"-healthcheck", "http://127.0.0.1:8098/health"});
  expect_run(o);
  ASSERT_TRUE(o.config.healthcheck.has_value());
  EXPECT_EQ(o.config.healthcheck->host, "127.0.0.1");
  EXPECT_EQ(o.config.healthcheck->port, "8098");
  EXPECT_EQ(o.config.healthcheck->path, "/health");

  const auto v6 = parse({"-healthcheck=http://[::1]:9/"});
  expect_run(v6);
  EXPECT_EQ(v6.config.healthcheck->host, "::1");
  EXPECT_EQ(v6.config.healthcheck->path, "/");

  const auto with_uri = parse({"-healthcheck", "http://127.0.0.1:8098/health", "consul://"});
  EXPECT_EQ(with_uri.exit_code, 2);
  EXPECT_EQ(with_uri.err.rfind("-healthcheck takes no registry URI, got: consul://\n", 0), 0u) << with_uri.err;

  const struct {
    std::string text, message;
  } bad[] = {
      {"127.0.0.1:8098", "must start with http:// (the health endpoint of -health-addr is plain HTTP)"},
      {"https://127.0.0.1:8098/health", "must start with http:// (the health endpoint of -health-addr is plain HTTP)"},
      {"http://127.0.0.1/health", "needs a port: http://HOST:PORT/health"},
      {"http://:8098/health", "needs a host: http://HOST:PORT/health"},
      {"http://127.0.0.1:0/health", "port must be 1-65535, not \"0\""},
      {"http://127.0.0.1:99999/health", "port must be 1-65535, not \"99999\""},
      {"http://[::1/health", "an IPv6 host is written [ADDR]:PORT"},
      {"http://u@127.0.0.1:1/health", "no user information before the host"},
      {"http://127.0.0.1:1/health?x=1", "no query, fragment or space in the path: /health?x=1"},
  };
  for (const auto& c : bad) {
    auto r = parse({"-healthcheck", c.text});
    EXPECT_EQ(r.exit_code, 2) << c.text;
    const std::string want = "invalid value \"" + c.text + "\" for flag -healthcheck: " + c.message + "\n";
    EXPECT_EQ(r.err.substr(0, want.size()), want) << r.err;
  }
}
