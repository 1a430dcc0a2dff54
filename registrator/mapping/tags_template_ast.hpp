#pragma once
// Internal syntax tree of TagsTemplate and the function table shared by parser and evaluator.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace registrator::tmpl {

struct Pipeline;

struct Operand {
  enum class Kind { Field, String, Int, Bool, Function, Sub };
  Kind kind = Kind::Field;
  std::vector<std::string> fields;  ///< Field: names after the dot; empty means "." itself
  std::string text;                 ///< String value or Function name
  std::int64_t number = 0;
  bool boolean = false;
  std::shared_ptr<Pipeline> sub;
  std::size_t offset = 0;  ///< in the template text, for messages
};

struct Command {
  std::vector<Operand> words;
};

struct Pipeline {
  std::vector<Command> commands;
};

struct Node {
  bool is_action = false;
  std::string text;
  Pipeline pipeline;
};

/// A value during evaluation: JSON, or Go's "<no value>" for a missing field.
struct Value {
  nlohmann::json json;
  bool missing = false;
};

enum class Param { String, Int, StringList, StringMap, Bytes };

struct Function {
  std::vector<Param> params;  ///< fixed parameters
  bool variadic_int = false;  ///< strSlice: any number of trailing ints
  std::function<Value(const std::vector<Value>& args)> call;
};

/// The supported functions by name; nullptr when unknown.
const Function* find_function(const std::string& name);
/// "strSlice, sIndex, ..." for messages.
std::string function_names();
std::string param_name(Param p);

}  // namespace registrator::tmpl
