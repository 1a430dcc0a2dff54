#pragma once
// What must hold for any input to the parsers that read untrusted bytes, one function per
// parser: each returns "" when every property holds, else what broke. Shared by the ctest
// mutation runs (fuzz_parsers_test.cpp) and the libFuzzer entry (fuzz_parsers.cpp, clang).

#include "registrator/encoding/base64.hpp"
#include "registrator/docker/docker_client.hpp"
#include "registrator/docker/fast_json.hpp"
#include "registrator/docker/json_stream_splitter.hpp"
#include "registrator/docker/inspect_fields.hpp"
#include "registrator/mapping/tags_template.hpp"

#include "registrator/encoding/base64.hpp"
#include "fakes/common/url.hpp"
#include "fakes/consul/requests/catalog_registration_decoder.hpp"
#include "fakes/consul/requests/go_duration.hpp"
#include "fakes/consul/checks/grpc/grpc_health_call.hpp"
#include "fakes/consul/checks/grpc/hpack.hpp"
#include "fakes/consul/checks/grpc/hpack_huffman.hpp"
#include "fakes/consul/checks/grpc/http2_frames.hpp"
#include "fakes/consul/requests/registration_decoder.hpp"
#include "fakes/docker/api/create_request.hpp"
#include "fakes/docker/engine/docker_error.hpp"
#include "fakes/docker/filters/filter_args.hpp"
#include "fakes/docker/api/network_request.hpp"
#include "fakes/docker/engine/port_spec.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <string>
#include <string_view>

namespace fuzz {

/// What fast_json::parse_projected must give: `doc` reduced as its Projection documents.
inline nlohmann::json projected(const nlohmann::json& doc, const registrator::fast_json::Projection* keep) {
  if (!keep || !doc.is_object()) return doc;
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [key, value] : doc.items()) {
    const auto member = std::find_if(keep->members.begin(), keep->members.end(), [&](const auto& m) { return m.name == key; });
    if (member != keep->members.end()) out[key] = projected(value, member->inner);
    else if (keep->every) out[key] = projected(value, keep->every);
  }
  return out;
}

/// registrator's fast JSON reader against nlohmann (the reference): when it answers, nlohmann
/// accepts the same text and gives the same document; array_ids agrees with that document;
/// parse_projected answers exactly when parse does, with the projection of parse's document
/// (for registrator's inspect projection and one that reduces every member).
inline std::string check_fast_json(std::string_view text) {
  using registrator::fast_json::Projection;
  static const Projection kIdOnly{{{"Id"}}, nullptr};
  static const Projection kEveryIdOnly{{{"Names"}}, &kIdOnly};
  std::optional<nlohmann::json> fast;
  std::optional<std::vector<std::string>> ids;
  std::vector<std::pair<const Projection*, std::optional<nlohmann::json>>> projections = {
      {&registrator::inspect_fields_used(), std::nullopt}, {&kEveryIdOnly, std::nullopt}};
  try {
    fast = registrator::fast_json::parse(text);
    ids = registrator::fast_json::array_ids(text);
    for (auto& [keep, doc] : projections) doc = registrator::fast_json::parse_projected(text, *keep);
  } catch (const std::exception& e) {
    return std::string("fast_json threw: ") + e.what();
  }
  for (const auto& [keep, doc] : projections) {
    if (doc.has_value() != fast.has_value()) return "parse_projected and parse disagree on whether they read the text";
    if (doc && *doc != projected(*fast, keep)) return "parse_projected gave " + doc->dump() + ", expected " + projected(*fast, keep).dump();
  }
  const auto ref = nlohmann::json::parse(text, nullptr, false);
  if (fast && ref.is_discarded()) return "fast_json::parse accepted text nlohmann rejects";
  if (fast && *fast != ref) return "fast_json::parse gave " + fast->dump() + ", nlohmann " + ref.dump();
  if (ids) {
    if (ref.is_discarded() || !ref.is_array()) return "array_ids accepted text that is not a JSON array";
    std::vector<std::string> expected;
    for (const auto& e : ref)
      if (e.is_object() && e.contains("Id") && e["Id"].is_string()) expected.push_back(e["Id"].get<std::string>());
    if (*ids != expected) return "array_ids differs from the ids in nlohmann's document " + ref.dump();
  }
  return {};
}

/// The Docker event stream splitter: the texts it hands on do not depend on how the bytes were
/// cut into reads, and decoding each (as the event pump does) never throws.
inline std::string check_event_stream(std::string_view bytes) {
  registrator::JsonStreamSplitter whole;
  auto all = whole.feed(bytes);
  registrator::JsonStreamSplitter pieces;
  std::vector<std::string> chunked;
  std::size_t at = 0, step = 1;
  while (at < bytes.size()) {
    const auto n = std::min(step, bytes.size() - at);
    for (auto& t : pieces.feed(bytes.substr(at, n))) chunked.push_back(std::move(t));
    at += n;
    step = step % 7 + 1;  // 1, 2, ... 7, 1, ...: cuts everywhere
  }
  if (all != chunked) return "the texts depend on how the stream was cut into reads";
  if (whole.pending() != pieces.pending()) return "pending bytes depend on how the stream was cut";
  for (const auto& text : all) {
    const auto j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object()) continue;  // logged and skipped by the pump
    try {
      (void)registrator::parse_docker_event(j);
    } catch (const std::exception& e) {
      return std::string("parse_docker_event threw: ") + e.what();
    }
  }
  return {};
}

/// -tags templates: parse and render fail only with TemplateError, and output stays bounded.
inline std::string check_tags_template(std::string_view text) {
  static const auto container = nlohmann::json::parse(R"({
    "Id": "0123456789ab", "Name": "/web-1",
    "Config": {"Image": "registry.example:5000/team/web:1.2", "Hostname": "web-1",
               "Env": ["SERVICE_NAME=web", "A=b,c", "JSON={\"k\":[1,2]}"],
               "Labels": {"com.example.tags": "x,y,z", "version": "1.2.3", "empty": ""}},
    "NetworkSettings": {"Networks": {"bridge": {"IPAddress": "172.17.0.2"}}}})");
  try {
    const auto t = registrator::TagsTemplate::parse(text);
    const auto out = t.render(container);
    if (out.size() > registrator::TagsTemplate::kMaxOutputSize) return "render exceeded kMaxOutputSize";
  } catch (const registrator::TemplateError&) {
  } catch (const std::exception& e) {
    return std::string("threw something other than TemplateError: ") + e.what();
  }
  return {};
}

/// The fakes' request targets and Consul's durations: no throw; what decodes re-encodes to
/// something that decodes the same.
inline std::string check_fake_text_parsers(std::string_view text) {
  try {
    (void)fakes::http::parse_target(text);
    if (const auto decoded = fakes::http::percent_decode(text)) {
      if (fakes::http::percent_decode(fakes::http::percent_encode(*decoded)) != decoded)
        return "percent_encode of a decoded value does not decode back";
    }
    if (const auto d = fakes::consul::parse_go_duration(text)) {
      const auto formatted = fakes::consul::format_go_duration(*d);
      if (fakes::consul::parse_go_duration(formatted) != d)
        return "format_go_duration(" + std::to_string(d->count()) + "ns) = \"" + formatted + "\" does not parse back";
    }
    if (const auto bytes = registrator::base64_decode(text)) {
      if (registrator::base64_decode(registrator::base64_encode(*bytes)) != bytes)
        return "base64 does not round-trip";
    }
  } catch (const std::exception& e) {
    return std::string("threw: ") + e.what();
  }
  return {};
}

/// Request bodies the fakes decode: fake-consul's decoders answer a value or an error (they never
/// throw), fake-docker's throw only DockerError (the engine-style 4xx the client gets).
inline std::string check_fake_request_bodies(std::string_view body) {
  try {
    (void)fakes::consul::decode_service_registration(body);
    (void)fakes::consul::decode_catalog_registration(body);
    (void)fakes::consul::decode_catalog_deregistration(body);
  } catch (const std::exception& e) {
    return std::string("a fake-consul decoder threw: ") + e.what();
  }
  const std::string text(body);
  auto docker = [&](const char* what, auto&& parse) -> std::string {
    try {
      parse();
    } catch (const fakes::docker::DockerError&) {
    } catch (const std::exception& e) {
      return std::string(what) + " threw something other than DockerError: " + e.what();
    }
    return {};
  };
  for (auto broken : {docker("parse_create_request", [&] { (void)fakes::docker::parse_create_request(text, "c"); }),
                      docker("parse_network_create", [&] { (void)fakes::docker::parse_network_create(text); }),
                      docker("parse_network_connect", [&] { (void)fakes::docker::parse_network_connect(text); }),
                      docker("parse_filter_args", [&] { (void)fakes::docker::parse_filter_args(text); }),
                      docker("parse_port_spec", [&] { (void)fakes::docker::parse_port_spec(text); })})
    if (!broken.empty()) return broken;
  return {};
}

/// HPACK header blocks from a gRPC server: decoding answers headers or an error (never throws),
/// the dynamic table stays within its limit and its size is what its entries add up to; a
/// valid Huffman string re-encodes to the same bytes.
inline std::string check_hpack_block(std::string_view bytes) {
  try {
    fakes::consul::hpack::Decoder decoder(256, 8192);
    // Two blocks on one decoder: the second sees the table the first left.
    const auto half = bytes.size() / 2;
    for (const auto block : {bytes.substr(0, half), bytes.substr(half)}) {
      const auto result = decoder.decode(block);
      if (!result.error.empty() && !result.headers.empty()) return "an error left headers behind";
      std::size_t size = 0;
      for (const auto& e : decoder.dynamic_table()) size += e.name.size() + e.value.size() + 32;
      if (size != decoder.table_size()) return "table_size() differs from its entries";
      if (size > 256) return "dynamic table grew past its limit";
      if (!result.error.empty()) break;  // the connection would end here
    }
    if (const auto text = fakes::consul::hpack::huffman_decode(bytes)) {
      if (fakes::consul::hpack::huffman_encode(*text) != bytes) return "a valid Huffman string does not re-encode the same";
    }
  } catch (const std::exception& e) {
    return std::string("threw: ") + e.what();
  }
  return {};
}

/// What a gRPC check reads from a server: frames and the call's outcome do not depend on how
/// the bytes were cut into reads; no frame exceeds the limit; nothing throws.
inline std::string check_http2_stream(std::string_view bytes) {
  namespace h2 = fakes::consul::http2;
  try {
    auto frames_of = [&](std::size_t cut) {
      h2::FrameReader reader;
      std::vector<std::string> frames;
      for (std::size_t at = 0; at < bytes.size(); at += cut) {
        reader.feed(bytes.substr(at, cut));
        while (auto f = reader.next()) {
          if (f->payload.size() > h2::kDefaultMaxFrameSize) frames.push_back("oversized");
          frames.push_back(std::to_string(f->type) + "/" + std::to_string(f->flags) + "/" + std::to_string(f->stream_id) +
                           "/" + f->payload);
        }
      }
      return frames;
    };
    const auto whole = frames_of(bytes.size() + 1);
    if (frames_of(3) != whole || frames_of(1) != whole) return "frames depend on how the bytes were cut";
    for (const auto& f : whole)
      if (f == "oversized") return "a frame larger than the maximum frame size was accepted";

    auto outcome_of = [&](std::size_t cut) {
      fakes::consul::grpc::HealthCall call("127.0.0.1:1/web", "127.0.0.1:1", "web", false);
      std::string replies;
      for (std::size_t at = 0; at < bytes.size() && !call.done(); at += cut) replies += call.receive(bytes.substr(at, cut));
      call.peer_closed();
      return std::string(to_string(call.outcome().status)) + " " + call.outcome().output + " | " + replies;
    };
    if (outcome_of(bytes.size() + 1) != outcome_of(2)) return "the call's outcome depends on how the bytes were cut";
  } catch (const std::exception& e) {
    return std::string("threw: ") + e.what();
  }
  return {};
}

}  // namespace fuzz
