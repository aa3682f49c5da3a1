// A JS value as the WebAssembly boundary carries it, and its byte encoding. web/engine/wire.ts
// is the other half: it encodes a call's arguments, cpp/wasm/bindings.cpp decodes them into a
// JsValue, answers with a JsValue, and wire.ts decodes that into plain JS values and typed arrays.
//
// One exported function and a byte format replace Embind, whose class machinery was a fifth of
// the first visit's download. The format, little-endian as WebAssembly's memory:
//
//   value   := tag:u8 payload
//   tag 0 undefined, 1 null, 2 false, 3 true          (no payload)
//   tag 4 number                                       f64
//   tag 5 string, 6 other                              u32 byte length, UTF-8 bytes
//   tag 7 array                                        u32 count, value * count
//   tag 8 object                                       u32 count, (u32 length, UTF-8 key, value) * count
//   tag 9 Float64Array, 10 Float32Array, 11 Int32Array u32 count, the elements' bytes
//
// "other" is a JS value with no place in the format (a function, a symbol, a bigint); it carries
// how an error message quotes it ("a function"), so a wrong value is named as before.
#pragma once

#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace cpg::wasm {

class JsValue {
 public:
  enum class Kind : uint8_t { undefined, null, boolean_false, boolean_true, number, string, other, array, object, f64, f32, i32 };

  JsValue() = default;
  JsValue(std::nullptr_t) : kind_(Kind::null) {}
  JsValue(bool value) : kind_(value ? Kind::boolean_true : Kind::boolean_false) {}
  template <typename Number, typename = std::enable_if_t<std::is_arithmetic_v<Number> && !std::is_same_v<Number, bool>>>
  JsValue(Number value) : kind_(Kind::number), number_(static_cast<double>(value)) {}
  JsValue(const char* text) : kind_(Kind::string), text_(text) {}
  JsValue(std::string text) : kind_(Kind::string), text_(std::move(text)) {}
  // A plain array of numbers, strings or values.
  template <typename Item>
  JsValue(const std::vector<Item>& items) : kind_(Kind::array) {
    for (const Item& item : items) items_.emplace_back(item);
  }

  static JsValue array() { return JsValue(Kind::array); }
  static JsValue object() { return JsValue(Kind::object); }
  static JsValue other(std::string description) {
    JsValue value(Kind::other);
    value.text_ = std::move(description);
    return value;
  }
  // A typed array JS owns (Float64Array, Float32Array or Int32Array, after the element type).
  template <typename Number>
  static JsValue typed(const Number* data, size_t count) {
    static_assert(std::is_same_v<Number, double> || std::is_same_v<Number, float> || std::is_same_v<Number, int32_t>,
                  "typed arrays are of double, float or int32_t");
    JsValue value(std::is_same_v<Number, double> ? Kind::f64 : std::is_same_v<Number, float> ? Kind::f32 : Kind::i32);
    value.count_ = count;
    value.bytes_.resize(count * sizeof(Number));
    if (count) std::memcpy(value.bytes_.data(), data, value.bytes_.size());
    return value;
  }

  Kind kind() const { return kind_; }
  bool is_undefined() const { return kind_ == Kind::undefined; }
  bool is_null() const { return kind_ == Kind::null; }
  bool is_true() const { return kind_ == Kind::boolean_true; }
  bool is_false() const { return kind_ == Kind::boolean_false; }
  bool is_boolean() const { return is_true() || is_false(); }
  bool is_number() const { return kind_ == Kind::number; }
  bool is_string() const { return kind_ == Kind::string; }
  bool is_other() const { return kind_ == Kind::other; }
  bool is_array() const { return kind_ == Kind::array; }
  bool is_object() const { return kind_ == Kind::object; }
  bool is_typed() const { return kind_ == Kind::f64 || kind_ == Kind::f32 || kind_ == Kind::i32; }

  double number() const { return number_; }
  // A string's text, or an "other" value's description.
  const std::string& text() const { return text_; }

  // Arrays: size() items; typed arrays: size() elements, each read as a double by element(i).
  size_t size() const { return is_typed() ? count_ : is_object() ? fields_.size() : items_.size(); }
  const JsValue& operator[](size_t index) const { return index < items_.size() ? items_[index] : undefined_value(); }
  double element(size_t index) const {
    if (kind_ == Kind::f64) return read<double>(index);
    if (kind_ == Kind::f32) return read<float>(index);
    return read<int32_t>(index);
  }
  void push(JsValue item) { items_.push_back(std::move(item)); }

  // Objects: fields in the order they were set (JS's Object.keys order).
  const std::vector<std::pair<std::string, JsValue>>& fields() const { return fields_; }
  // A field's value, or undefined when the object has none (as in JS).
  const JsValue& operator[](const std::string& key) const {
    for (const auto& [name, value] : fields_)
      if (name == key) return value;
    return undefined_value();
  }
  void set(std::string key, JsValue value) { fields_.emplace_back(std::move(key), std::move(value)); }

  // The byte format above: append this value to `out`.
  void encode(std::vector<uint8_t>& out) const {
    out.push_back(static_cast<uint8_t>(kind_));
    switch (kind_) {
      case Kind::number: append(out, &number_, sizeof number_); break;
      case Kind::string:
      case Kind::other: append_text(out, text_); break;
      case Kind::array:
        append_count(out, items_.size());
        for (const JsValue& item : items_) item.encode(out);
        break;
      case Kind::object:
        append_count(out, fields_.size());
        for (const auto& [key, value] : fields_) {
          append_text(out, key);
          value.encode(out);
        }
        break;
      case Kind::f64:
      case Kind::f32:
      case Kind::i32:
        append_count(out, count_);
        append(out, bytes_.data(), bytes_.size());
        break;
      default: break;
    }
  }

  // Reads one value of the byte format from [*cursor, end), advancing *cursor. Throws
  // std::invalid_argument on bytes that are not a whole value.
  static JsValue decode(const uint8_t** cursor, const uint8_t* end, int depth = 0) {
    if (depth > 64) throw std::invalid_argument("a value nested more than 64 deep");
    const auto tag = static_cast<Kind>(take<uint8_t>(cursor, end));
    JsValue value(tag);
    switch (tag) {
      case Kind::undefined:
      case Kind::null:
      case Kind::boolean_false:
      case Kind::boolean_true: break;
      case Kind::number: value.number_ = take<double>(cursor, end); break;
      case Kind::string:
      case Kind::other: value.text_ = take_text(cursor, end); break;
      case Kind::array: {
        const uint32_t count = take<uint32_t>(cursor, end);
        for (uint32_t i = 0; i < count; ++i) value.items_.push_back(decode(cursor, end, depth + 1));
        break;
      }
      case Kind::object: {
        const uint32_t count = take<uint32_t>(cursor, end);
        for (uint32_t i = 0; i < count; ++i) {
          std::string key = take_text(cursor, end);
          value.fields_.emplace_back(std::move(key), decode(cursor, end, depth + 1));
        }
        break;
      }
      case Kind::f64:
      case Kind::f32:
      case Kind::i32: {
        value.count_ = take<uint32_t>(cursor, end);
        const size_t bytes = value.count_ * (tag == Kind::f64 ? 8 : 4);
        if (static_cast<size_t>(end - *cursor) < bytes) throw std::invalid_argument("a typed array past the end of its bytes");
        value.bytes_.assign(*cursor, *cursor + bytes);
        *cursor += bytes;
        break;
      }
      default: throw std::invalid_argument("an unknown value tag " + std::to_string(static_cast<int>(tag)));
    }
    return value;
  }

 private:
  explicit JsValue(Kind kind) : kind_(kind) {}

  static const JsValue& undefined_value() {
    static const JsValue undefined;
    return undefined;
  }
  template <typename Number>
  Number read(size_t index) const {
    Number number;
    std::memcpy(&number, bytes_.data() + index * sizeof(Number), sizeof(Number));
    return number;
  }
  static void append(std::vector<uint8_t>& out, const void* data, size_t bytes) {
    const auto* first = static_cast<const uint8_t*>(data);
    out.insert(out.end(), first, first + bytes);
  }
  static void append_count(std::vector<uint8_t>& out, size_t count) {
    const auto value = static_cast<uint32_t>(count);
    append(out, &value, sizeof value);
  }
  static void append_text(std::vector<uint8_t>& out, const std::string& text) {
    append_count(out, text.size());
    append(out, text.data(), text.size());
  }
  template <typename Number>
  static Number take(const uint8_t** cursor, const uint8_t* end) {
    if (static_cast<size_t>(end - *cursor) < sizeof(Number)) throw std::invalid_argument("a value past the end of its bytes");
    Number number;
    std::memcpy(&number, *cursor, sizeof(Number));
    *cursor += sizeof(Number);
    return number;
  }
  static std::string take_text(const uint8_t** cursor, const uint8_t* end) {
    const uint32_t length = take<uint32_t>(cursor, end);
    if (static_cast<size_t>(end - *cursor) < length) throw std::invalid_argument("a string past the end of its bytes");
    std::string text(reinterpret_cast<const char*>(*cursor), length);
    *cursor += length;
    return text;
  }

  Kind kind_ = Kind::undefined;
  double number_ = 0;
  std::string text_;
  std::vector<JsValue> items_;
  std::vector<std::pair<std::string, JsValue>> fields_;
  size_t count_ = 0;
  std::vector<uint8_t> bytes_;
};

}  // namespace cpg::wasm
