// Config objects from JS (cpp/wasm/js_value.hpp's JsValue) into cpg::TrainConfig and back, with
// the messages every config error of the WebAssembly module shows: the field, its allowed range
// and the value as JS wrote it.
#include "js_config.hpp"

#include <cmath>
#include <stdexcept>
#include <variant>

#include "text.hpp"

namespace cpg::wasm {

using val = JsValue;

std::string range_of(const std::string& name) {
  const cpg::Field* field = cpg::find_field(name);
  return field ? field->range : "?";
}

std::string show_number(double value) { return cpg::text::number(value); }

// A JS value as a message quotes it: 'abc', 2.5, true, null, an array, an object.
std::string describe(const val& value) {
  if (value.is_string()) return cpg::text::quoted(value.text());
  if (value.is_number()) return show_number(value.number());
  if (value.is_true()) return "true";
  if (value.is_false()) return "false";
  if (value.is_null()) return "null";
  if (value.is_undefined()) return "undefined";
  if (value.is_array()) return "an array";
  if (value.is_other()) return value.text();
  return "an object";
}

namespace {

std::invalid_argument wrong_type(const std::string& field, const std::string& expected, const val& value) {
  return std::invalid_argument(field + " must be " + expected + " (allowed: " + range_of(field) + "; got " +
                               describe(value) + ")");
}

double read_number(const val& value, const std::string& field) {
  if (!value.is_number()) throw wrong_type(field, "a number", value);
  return value.number();
}

std::string read_string(const val& value, const std::string& field) {
  if (!value.is_string()) throw wrong_type(field, "a string", value);
  return value.text();
}

// heads: [1, 1] or "1,1". Each entry is range-checked as a double before it becomes an int, so
// [4294967297] is refused rather than read as 1.
std::vector<int> read_heads(const cpg::Field& field, const val& value) {
  if (value.is_string()) return cpg::parse_heads(value.text());
  if (!value.is_array()) throw wrong_type("heads", "an array of integers such as [1, 1]", value);
  std::vector<int> heads;
  const int layers = static_cast<int>(value.size());
  if (layers < 1 || layers > field.max_layers)
    throw std::invalid_argument("heads must list 1 to " + std::to_string(field.max_layers) + " layers (got " +
                                std::to_string(layers) + ")");
  for (int l = 0; l < layers; ++l) {
    const val& item = value[static_cast<size_t>(l)];
    if (!item.is_number() || std::floor(item.number()) != item.number())
      throw wrong_type("heads", "an array of integers such as [1, 1]", item);
    const std::string error = field.heads_error(static_cast<size_t>(l), item.number());
    if (!error.empty()) throw std::invalid_argument(error);
    heads.push_back(static_cast<int>(item.number()));
  }
  return heads;
}

// freeze: ["A1", "W"] or "A1,W".
std::vector<std::string> read_freeze(const val& value) {
  std::vector<std::string> blocks;
  if (value.is_string()) {
    for (const std::string& item : cpg::text::split(value.text(), ','))
      if (!item.empty()) blocks.push_back(item);
    return blocks;
  }
  if (!value.is_array()) throw wrong_type("freeze", "an array of block names such as [\"W\"]", value);
  for (size_t k = 0; k < value.size(); ++k) blocks.push_back(read_string(value[k], "freeze"));
  return blocks;
}

// One value of a config object into its field, through the field's row of cpg::config_fields().
// Numbers are range-checked as doubles before they are narrowed to the field's type.
void read_field(const cpg::Field& field, const val& value, cpg::TrainConfig& config) {
  if (field.numeric()) {
    const double number = read_number(value, field.name);
    if (field.integral() && std::isfinite(number) && std::floor(number) != number)
      throw wrong_type(field.name, "an integer", value);
    const std::string error = field.set_number(config, number);
    if (!error.empty()) throw std::invalid_argument(error);
    return;
  }
  switch (field.type) {
    case cpg::FieldType::Heads:
      config.*std::get<std::vector<int> cpg::TrainConfig::*>(field.member) = read_heads(field, value);
      return;
    case cpg::FieldType::List:
      config.*std::get<std::vector<std::string> cpg::TrainConfig::*>(field.member) = read_freeze(value);
      return;
    default:
      field.text(config) = read_string(value, field.name);
  }
}

}  // namespace

// The fields of `object` over `base`: missing (or undefined) keys keep base's values; unknown
// keys are an error, so a misspelt field is not silently ignored. The names read go to `read`.
// Throws std::invalid_argument naming the field.
cpg::TrainConfig read_config(const val& object, const cpg::TrainConfig& base, std::vector<std::string>* read) {
  cpg::TrainConfig config = base;
  if (object.is_undefined()) return config;
  if (!object.is_object())
    throw std::invalid_argument("config must be an object such as {graph: 'chain', S: 10} (got " + describe(object) + ")");
  for (const auto& [key, value] : object.fields()) {
    const cpg::Field* field = cpg::find_field(key);
    if (field == nullptr) {
      std::string known;
      for (const auto& f : cpg::config_fields()) known += (known.empty() ? "" : ", ") + f.name;
      throw std::invalid_argument("config has no field " + cpg::text::quoted(key) + " (fields: " + known + ")");
    }
    if (value.is_undefined()) continue;
    read_field(*field, value, config);
    if (read) read->push_back(key);
  }
  return config;
}

JsValue config_object(const cpg::TrainConfig& c) {
  val out = val::object();
  for (const cpg::Field& field : cpg::config_fields())
    std::visit([&](auto member) { out.set(field.name, val(c.*member)); }, field.member);
  return out;
}

}  // namespace cpg::wasm
