#include "fakes/consul/requests/txn_decoder.hpp"

#include "fakes/consul/state/catalog.hpp"

#include "registrator/encoding/base64.hpp"

#include <cctype>

namespace fakes::consul {

namespace {

using nlohmann::json;

const json* txn_field(const json& object, std::string_view field) {
  const json* folded = nullptr;
  for (auto it = object.begin(); it != object.end(); ++it) {
    if (it->is_null()) continue;
    if (it.key() == field) return &*it;
    if (!folded && iequals(it.key(), field)) folded = &*it;
  }
  return folded;
}

std::uint64_t read_uint(const json& v, std::string_view where) {
  if (v.is_number_unsigned()) return v.get<std::uint64_t>();
  if (v.is_number_integer() && v.get<std::int64_t>() >= 0) return static_cast<std::uint64_t>(v.get<std::int64_t>());
  throw DecodeError("json: cannot unmarshal " + std::string(v.is_number() ? "number " + v.dump() : v.type_name()) +
                    " into Go struct field " + std::string(where) + " of type uint64");
}

// encoding/json's []byte: standard base64; Go names the first byte it could not use.
std::string read_base64(const json& v) {
  const std::string text = read_string(v, "KVTxnOp.KV.Value");
  if (auto decoded = registrator::base64_decode(text)) return *decoded;
  std::size_t at = 0;
  while (at < text.size() && (std::isalnum(static_cast<unsigned char>(text[at])) || text[at] == '+' || text[at] == '/'))
    ++at;
  throw DecodeError("illegal base64 data at input byte " + std::to_string(at));
}

KvTxnOp read_kv(const json& kv) {
  const json& object = read_object(kv, "TxnOp.KV", "api.KVTxnOp");
  KvTxnOp op;
  if (const json* v = txn_field(object, "Verb")) op.verb = read_string(*v, "KVTxnOp.KV.Verb");
  if (const json* v = txn_field(object, "Key")) op.key = read_string(*v, "KVTxnOp.KV.Key");
  if (const json* v = txn_field(object, "Value")) op.value = read_base64(*v);
  if (const json* v = txn_field(object, "Flags")) op.flags = read_uint(*v, "KVTxnOp.KV.Flags");
  if (const json* v = txn_field(object, "Index")) op.index = read_uint(*v, "KVTxnOp.KV.Index");
  if (const json* v = txn_field(object, "Session")) op.session = read_string(*v, "KVTxnOp.KV.Session");
  return op;
}

}  // namespace

TxnRequest decode_txn(std::string_view body) {
  const json doc = parse_body(body);
  if (!doc.is_array())
    throw DecodeError("json: cannot unmarshal " + std::string(doc.type_name()) + " into Go value of type api.TxnOps");
  TxnRequest out;
  out.operations = doc.size();
  for (const json& item : doc) {
    const json& op = read_object(item, "TxnOps", "api.TxnOp");
    if (const json* kv = txn_field(op, "KV")) {
      out.kv.push_back(read_kv(*kv));
      continue;
    }
    for (const char* kind : {"Node", "Service", "Check"})
      if (out.unsupported.empty() && txn_field(op, kind)) out.unsupported = kind;
    // Consul's HTTP API has no Session operation (its Txn RPC's session delete is internal)
    // and skips an operation naming nothing; the fake refuses both rather than drop them.
    if (out.unsupported.empty() && !txn_field(op, "Node") && !txn_field(op, "Service") && !txn_field(op, "Check"))
      out.unsupported = op.empty() ? std::string("empty") : op.begin().key();
  }
  return out;
}

}  // namespace fakes::consul
