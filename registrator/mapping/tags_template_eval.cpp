// Evaluator of the -tags template subset over `docker inspect` JSON, printing values the way
// Go's text/template does for strings, numbers, lists and maps.
#include <cctype>

#include "registrator/mapping/tags_template.hpp"
#include "registrator/mapping/tags_template_ast.hpp"

namespace registrator {
namespace {

using nlohmann::json;
using tmpl::Operand;
using tmpl::Param;
using tmpl::Value;

std::string kind_name(const Value& v) {
  if (v.missing) return "<no value>";
  switch (v.json.type()) {
    case json::value_t::string: return "string";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned: return "integer";
    case json::value_t::number_float: return "floating-point number";
    case json::value_t::boolean: return "boolean";
    case json::value_t::array: return "list";
    case json::value_t::object: return "map";
    case json::value_t::null: return "null";
    default: return "value";
  }
}

bool equal_fold(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

// Go fmt's %v for the shapes JSON can hold: lists as [a b], maps as map[k:v] with sorted keys
// (nlohmann::json objects iterate in key order).
void print(const Value& v, std::string& out) {
  if (v.missing || v.json.is_null()) {
    out += "<no value>";
    return;
  }
  const json& j = v.json;
  if (j.is_string()) {
    out += j.get_ref<const std::string&>();
  } else if (j.is_array()) {
    out += '[';
    bool first = true;
    for (const auto& e : j) {
      if (!first) out += ' ';
      first = false;
      print(Value{e, false}, out);
    }
    out += ']';
  } else if (j.is_object()) {
    out += "map[";
    bool first = true;
    for (const auto& [k, e] : j.items()) {
      if (!first) out += ' ';
      first = false;
      out += k + ":";
      print(Value{e, false}, out);
    }
    out += ']';
  } else {
    out += j.dump();
  }
}

class Evaluator {
 public:
  explicit Evaluator(const json& root) : root_(root) {}

  Value pipeline(const tmpl::Pipeline& p) {
    Value result;
    bool have = false;
    for (const auto& c : p.commands) {
      result = command(c, have ? &result : nullptr);
      have = true;
    }
    return result;
  }

 private:
  Value command(const tmpl::Command& c, const Value* piped) {
    const Operand& head = c.words.front();
    if (head.kind != Operand::Kind::Function) return operand(head);
    const tmpl::Function& f = *tmpl::find_function(head.text);
    std::vector<Value> args;
    for (std::size_t i = 1; i < c.words.size(); ++i) args.push_back(operand(c.words[i]));
    if (piped) args.push_back(*piped);
    for (std::size_t i = 0; i < args.size(); ++i) {
      const Param want = i < f.params.size() ? f.params[i] : Param::Int;
      args[i] = convert(args[i], want, head.text, i + 1);
    }
    return f.call(args);
  }

  static Value convert(const Value& v, Param want, const std::string& fn, std::size_t position) {
    auto wrong = [&] {
      return TemplateError(fn + " argument " + std::to_string(position) + ": expected " + tmpl::param_name(want) +
                           ", got " + kind_name(v));
    };
    if (v.missing) throw wrong();
    const json& j = v.json;
    switch (want) {
      case Param::String:
      case Param::Bytes:
        if (!j.is_string()) throw wrong();
        return v;
      case Param::Int:
        if (!j.is_number_integer()) throw wrong();
        return v;
      case Param::StringList:
        if (j.is_null()) return Value{json::array(), false};  // a nil Go slice
        if (!j.is_array()) throw wrong();
        for (const auto& e : j)
          if (!e.is_string()) throw wrong();
        return v;
      case Param::StringMap:
        if (j.is_null()) return Value{json::object(), false};  // a nil Go map
        if (!j.is_object()) throw wrong();
        for (const auto& [k, e] : j.items())
          if (!e.is_string()) throw wrong();
        return v;
    }
    throw wrong();
  }

  Value operand(const Operand& o) {
    switch (o.kind) {
      case Operand::Kind::String: return Value{json(o.text), false};
      case Operand::Kind::Int: return Value{json(o.number), false};
      case Operand::Kind::Bool: return Value{json(o.boolean), false};
      case Operand::Kind::Sub: return pipeline(*o.sub);
      case Operand::Kind::Field: return field(o);
      case Operand::Kind::Function: {
        tmpl::Command c;
        c.words.push_back(o);
        return command(c, nullptr);
      }
    }
    return Value{json(), true};
  }

  Value field(const Operand& o) {
    const json* at = &root_;
    std::string path;
    for (const auto& name : o.fields) {
      path += "." + name;
      if (at->is_null()) return Value{json(), true};
      if (!at->is_object()) {
        throw TemplateError("can't evaluate field " + name + " of " + path.substr(0, path.size() - name.size() - 1) +
                            ": it is a " + kind_name(Value{*at, false}));
      }
      auto it = at->find(name);
      if (it == at->end()) {
        for (auto k = at->begin(); k != at->end(); ++k) {
          if (equal_fold(k.key(), name)) {
            it = k;
            break;
          }
        }
      }
      if (it == at->end()) return Value{json(), true};
      at = &*it;
    }
    return Value{*at, false};
  }

  const json& root_;
};

}  // namespace

std::string TagsTemplate::render(const nlohmann::json& container) const {
  std::string out;
  Evaluator eval(container);
  for (const auto& node : nodes_) {
    if (node.is_action) {
      print(eval.pipeline(node.pipeline), out);
    } else {
      out += node.text;
    }
    if (out.size() > kMaxOutputSize) {
      throw TemplateError("template output exceeds " + std::to_string(kMaxOutputSize) + " bytes");
    }
  }
  return out;
}

}  // namespace registrator
