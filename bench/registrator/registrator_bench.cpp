// What does -tags cost per container? Upstream parses and renders the template for every
// service; so do we (build_services), so parse + render is the number that matters.
#include <benchmark/benchmark.h>

#include "registrator/mapping/tags_template.hpp"

namespace {

using nlohmann::json;

json container() {
  json env = json::array();
  for (int i = 0; i < 50; ++i) env.push_back("VAR_" + std::to_string(i) + "=value" + std::to_string(i));
  env.push_back("SERVICE_80_NAME=web");
  return json{{"Id", "e20f9c1a76565d62ae24a3bb877b17b862b6eab94f4e95a0e07ccf25087aaf4f"},
              {"Name", "/web5"},
              {"Config",
               {{"Env", env},
                {"Labels", {{"com.amazonaws.ecs.task-arn", "arn:aws:ecs:region:1:task/368f4403-0ee4"}}}}}};
}

const char* kTemplate =
    R"({{strSlice .ID 0 12}},{{ split "/" (mIndex "com.amazonaws.ecs.task-arn" .Config.Labels) | sIndex -1 }},)"
    R"({{matchFirstElement "^SERVICE_" .Config.Env | toLower}})";

void BM_TagsTemplateParse(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(registrator::TagsTemplate::parse(kTemplate));
}
BENCHMARK(BM_TagsTemplateParse);

void BM_TagsTemplateRender(benchmark::State& state) {
  const auto t = registrator::TagsTemplate::parse(kTemplate);
  const json c = container();
  for (auto _ : state) benchmark::DoNotOptimize(t.render(c));
}
BENCHMARK(BM_TagsTemplateRender);

void BM_TagsTemplateParseAndRender(benchmark::State& state) {
  const json c = container();
  for (auto _ : state) benchmark::DoNotOptimize(registrator::TagsTemplate::parse(kTemplate).render(c));
}
BENCHMARK(BM_TagsTemplateParseAndRender);

}  // namespace

BENCHMARK_MAIN();
