// Config objects between JS and the engine, for cpp/wasm/bindings.cpp: a JsValue read into a
// cpg::TrainConfig through the engine's table of fields (cpg::config_fields()), and back.
#pragma once

#include <string>
#include <vector>

#include "config.hpp"
#include "js_value.hpp"

namespace cpg::wasm {

// The allowed range of a field, as its row of the table writes it ("?" for no such field).
std::string range_of(const std::string& name);

// A number as messages show it (%g).
std::string show_number(double value);

// A JS value as a message quotes it: 'abc', 2.5, true, null, an array, an object, a function.
std::string describe(const JsValue& value);

// The fields of `object` over `base`: missing (or undefined) keys keep base's values; unknown
// keys are an error, so a misspelt field is not silently ignored. The names read go to `read`.
// Numbers are range-checked as doubles before they are narrowed to the field's type. Throws
// std::invalid_argument naming the field, its allowed range and the value.
cpg::TrainConfig read_config(const JsValue& object, const cpg::TrainConfig& base = cpg::TrainConfig{},
                             std::vector<std::string>* read = nullptr);

// Every field of config_fields(), by name.
JsValue config_object(const cpg::TrainConfig& config);

}  // namespace cpg::wasm
