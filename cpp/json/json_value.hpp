// A small JSON value for the WebAssembly module: the part of nlohmann::json's interface that
// reproduce_json.cpp uses, and nothing else. The module builds Figure 9's objects through it
// and turns them into JS values directly (cpp/wasm/bindings.cpp), so the field names stay in
// reproduce_json.cpp, written once for the CLI and the page, while nlohmann's parser and
// serializer (about 40 KB of the gzipped module) stay out of the page's download.
//
// Behaves as nlohmann::json where reproduce_json.cpp relies on it: a brace list of
// {"key", value} pairs is an object, objects iterate in key order (std::map), numbers are
// doubles, and dump() writes the compact form used in error messages ("got [1,2]").
#pragma once

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <map>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

namespace cpg {

class JsonValue {
 public:
  enum class Kind { null, boolean, number, string, array, object };
  using Object = std::map<std::string, JsonValue>;
  using Array = std::vector<JsonValue>;

  JsonValue() = default;
  JsonValue(std::nullptr_t) {}
  JsonValue(bool value) : kind_(Kind::boolean), boolean_(value) {}
  template <typename Number, typename = std::enable_if_t<std::is_arithmetic_v<Number> && !std::is_same_v<Number, bool>>>
  JsonValue(Number value) : kind_(Kind::number), number_(static_cast<double>(value)) {}
  JsonValue(const char* value) : kind_(Kind::string), string_(value) {}
  JsonValue(std::string value) : kind_(Kind::string), string_(std::move(value)) {}
  template <typename Item>
  JsonValue(const std::vector<Item>& items) : kind_(Kind::array) {
    for (const Item& item : items) array_.emplace_back(item);
  }
  // As nlohmann::json: a list of pairs whose first item is a string is an object, else an array.
  JsonValue(std::initializer_list<JsonValue> items) {
    bool pairs = true;
    for (const JsonValue& item : items)
      pairs = pairs && item.is_array() && item.array_.size() == 2 && item.array_[0].is_string();
    if (pairs) {
      kind_ = Kind::object;
      for (const JsonValue& item : items) object_[item.array_[0].string_] = item.array_[1];
    } else {
      kind_ = Kind::array;
      array_.assign(items.begin(), items.end());
    }
  }

  static JsonValue array() {
    JsonValue value;
    value.kind_ = Kind::array;
    return value;
  }
  static JsonValue object() {
    JsonValue value;
    value.kind_ = Kind::object;
    return value;
  }

  Kind kind() const { return kind_; }
  bool is_null() const { return kind_ == Kind::null; }
  bool is_boolean() const { return kind_ == Kind::boolean; }
  bool is_number() const { return kind_ == Kind::number; }
  bool is_string() const { return kind_ == Kind::string; }
  bool is_array() const { return kind_ == Kind::array; }
  bool is_object() const { return kind_ == Kind::object; }

  // get<double>(), get<bool>(), get<std::string>(), after the matching is_...() check.
  template <typename Value>
  Value get() const {
    if constexpr (std::is_same_v<Value, bool>) {
      expect(Kind::boolean);
      return boolean_;
    } else if constexpr (std::is_arithmetic_v<Value>) {
      expect(Kind::number);
      return static_cast<Value>(number_);
    } else {
      expect(Kind::string);
      return string_;
    }
  }

  void push_back(JsonValue item) {
    if (is_null()) kind_ = Kind::array;
    expect(Kind::array);
    array_.push_back(std::move(item));
  }
  // The array's items (range-for over an array, as with nlohmann::json).
  Array::const_iterator begin() const { return array_.begin(); }
  Array::const_iterator end() const { return array_.end(); }
  size_t size() const { return is_object() ? object_.size() : array_.size(); }
  const Array& items_of_array() const { return array_; }

  // An object's fields: `for (const auto& [key, value] : object.items())`, in key order.
  const Object& items() const {
    expect(Kind::object);
    return object_;
  }
  bool contains(const std::string& key) const { return is_object() && object_.count(key) > 0; }
  JsonValue& operator[](const std::string& key) {
    if (is_null()) kind_ = Kind::object;
    expect(Kind::object);
    return object_[key];
  }
  const JsonValue& operator[](const std::string& key) const {
    expect(Kind::object);
    const auto found = object_.find(key);
    if (found == object_.end()) throw std::invalid_argument("no field '" + key + "'");
    return found->second;
  }

  // Compact JSON, as nlohmann's dump(): integers without a fraction, other numbers in the
  // shortest form that reads back the same, non-finite numbers as null.
  std::string dump() const {
    switch (kind_) {
      case Kind::null: return "null";
      case Kind::boolean: return boolean_ ? "true" : "false";
      case Kind::number: return number_text(number_);
      case Kind::string: return quote(string_);
      case Kind::array: {
        std::string out = "[";
        for (size_t i = 0; i < array_.size(); ++i) out += (i ? "," : "") + array_[i].dump();
        return out + "]";
      }
      case Kind::object: {
        std::string out = "{";
        for (const auto& [key, value] : object_) out += (out.size() > 1 ? "," : "") + quote(key) + ":" + value.dump();
        return out + "}";
      }
    }
    return "null";
  }

 private:
  void expect(Kind kind) const {
    if (kind_ != kind) throw std::invalid_argument("internal error: a JSON value of the wrong type");
  }

  static std::string number_text(double value) {
    if (!std::isfinite(value)) return "null";
    char buffer[32];
    if (value == std::trunc(value) && std::fabs(value) < 1e15) {
      std::snprintf(buffer, sizeof buffer, "%.0f", value);
      return buffer;
    }
    for (int digits = 15; digits <= 17; ++digits) {
      std::snprintf(buffer, sizeof buffer, "%.*g", digits, value);
      if (std::strtod(buffer, nullptr) == value) break;
    }
    return buffer;
  }

  static std::string quote(const std::string& text) {
    std::string out = "\"";
    for (const char c : text) {
      if (c == '"' || c == '\\') {
        out += '\\';
        out += c;
      } else if (c == '\n') {
        out += "\\n";
      } else if (c == '\t') {
        out += "\\t";
      } else if (c == '\r') {
        out += "\\r";
      } else if (c == '\b') {
        out += "\\b";
      } else if (c == '\f') {
        out += "\\f";
      } else if (static_cast<unsigned char>(c) < 0x20) {
        char escaped[8];
        std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned>(c));
        out += escaped;
      } else {
        out += c;
      }
    }
    return out + "\"";
  }

  Kind kind_ = Kind::null;
  bool boolean_ = false;
  double number_ = 0;
  std::string string_;
  Array array_;
  Object object_;
};

}  // namespace cpg
