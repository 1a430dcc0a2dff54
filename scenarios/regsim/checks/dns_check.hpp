#pragma once
// Compares a DNS reply with the answers a scenario expects: A answers as a multiset of addresses
// (two identical A records are not one), SRV answers by the fields the scenario names.

#include "scenarios/regsim/checks/check_result.hpp"
#include "scenarios/regsim/peers/dns_reply.hpp"
#include "scenarios/regsim/language/scenario.hpp"

namespace regsim {

/// `expected` has its templates already expanded.
CheckResult compare_dns(const DnsCondition& expected, const DnsReply& reply);

}  // namespace regsim
