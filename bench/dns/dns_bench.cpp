// How fast is the fake's DNS path? Parse a query, answer it (A and SRV), serialise.
#include "fakes/dns/answers/query_handler.hpp"
#include "fakes/dns/wire/wire.hpp"
#include "tests/fakes/dns/stub_directory.hpp"

#include <benchmark/benchmark.h>

namespace {

using namespace fakes::dns;

std::vector<std::uint8_t> make_query(std::string_view name, std::uint16_t type) {
  Header h;
  h.id = 1;
  h.rd = true;
  PacketWriter w(h);
  w.add_question({DnsName::from_text(name), type, kClassIn});
  return w.finish();
}

void BM_ParseQuery(benchmark::State& state) {
  const auto q = make_query("valami.service.dc1.consul", rr_type::kA);
  for (auto _ : state) benchmark::DoNotOptimize(parse_message(q));
}
BENCHMARK(BM_ParseQuery);

void BM_Answer(benchmark::State& state, std::string_view name, std::uint16_t type, Transport transport) {
  const auto directory = testing::make_catalog();
  DnsConfig config;
  config.shuffle_seed = 1;
  QueryHandler handler(directory, config);
  const auto q = make_query(name, type);
  for (auto _ : state) benchmark::DoNotOptimize(handler.answer(q, transport));
}
BENCHMARK_CAPTURE(BM_Answer, a_two_instances, "valami.service.dc1.consul", rr_type::kA, Transport::kUdp);
BENCHMARK_CAPTURE(BM_Answer, srv_two_instances, "valami.service.consul", rr_type::kSrv, Transport::kUdp);
BENCHMARK_CAPTURE(BM_Answer, a_40_instances_tcp, "many.service.consul", rr_type::kA, Transport::kTcp);
BENCHMARK_CAPTURE(BM_Answer, a_40_instances_udp512, "many.service.consul", rr_type::kA, Transport::kUdp);
BENCHMARK_CAPTURE(BM_Answer, nxdomain, "nosuch.service.consul", rr_type::kA, Transport::kUdp);

}  // namespace

BENCHMARK_MAIN();
