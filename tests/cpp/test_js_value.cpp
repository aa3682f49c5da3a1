// cpg::wasm::JsValue (cpp/wasm/js_value.hpp), the values the WebAssembly boundary carries: every
// kind survives encode then decode bit for bit, and bytes that are not a whole value are refused
// with a message rather than read past their end. web/engine/wire.ts is the other half; its tests
// (tests/web/wire.test.ts) check the same format from JS and through the module.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "js_value.hpp"

using cpg::wasm::JsValue;

namespace {

std::vector<uint8_t> bytes_of(const JsValue& value) {
  std::vector<uint8_t> out;
  value.encode(out);
  return out;
}

JsValue round_trip(const JsValue& value) {
  const std::vector<uint8_t> bytes = bytes_of(value);
  const uint8_t* cursor = bytes.data();
  JsValue back = JsValue::decode(&cursor, bytes.data() + bytes.size());
  EXPECT_EQ(cursor, bytes.data() + bytes.size()) << "decode stops exactly at the end of the value";
  return back;
}

}  // namespace

TEST(JsValue, EveryKindSurvivesARoundTrip) {
  const double doubles[] = {0.1, -0.0, 1e-310, std::numeric_limits<double>::infinity(), std::nan("")};
  const float floats[] = {1.5f, -2.25e-8f, std::numeric_limits<float>::max()};
  const int32_t ints[] = {-1, 0, 2147483647};
  JsValue object = JsValue::object();
  object.set("n", 0.30000000000000004);
  object.set("text", std::string("héads \"1,1\"\n"));
  object.set("none", nullptr);
  object.set("yes", true);
  object.set("no", false);
  object.set("missing", JsValue());
  object.set("fn", JsValue::other("a function"));
  object.set("rows", std::vector<std::vector<int>>{{1, 2}, {}});
  object.set("f64", JsValue::typed(doubles, 5));
  object.set("f32", JsValue::typed(floats, 3));
  object.set("i32", JsValue::typed(ints, 3));
  const JsValue back = round_trip(object);

  ASSERT_TRUE(back.is_object());
  EXPECT_EQ(back.fields().size(), 11u);
  EXPECT_EQ(back.fields()[0].first, "n");  // keys keep their order
  EXPECT_EQ(back["n"].number(), 0.30000000000000004);
  EXPECT_EQ(back["text"].text(), "héads \"1,1\"\n");
  EXPECT_TRUE(back["none"].is_null());
  EXPECT_TRUE(back["yes"].is_true());
  EXPECT_TRUE(back["no"].is_false());
  EXPECT_TRUE(back["missing"].is_undefined());
  EXPECT_TRUE(back["not there"].is_undefined());
  EXPECT_TRUE(back["fn"].is_other());
  EXPECT_EQ(back["fn"].text(), "a function");
  ASSERT_TRUE(back["rows"].is_array());
  EXPECT_EQ(back["rows"][0][1].number(), 2);
  EXPECT_EQ(back["rows"][1].size(), 0u);
  EXPECT_TRUE(back["rows"][7].is_undefined());
  ASSERT_EQ(back["f64"].size(), 5u);
  EXPECT_EQ(back["f64"].element(0), 0.1);
  EXPECT_TRUE(std::signbit(back["f64"].element(1)));
  EXPECT_EQ(back["f64"].element(2), 1e-310);
  EXPECT_EQ(back["f64"].element(3), std::numeric_limits<double>::infinity());
  EXPECT_TRUE(std::isnan(back["f64"].element(4)));
  EXPECT_EQ(back["f32"].element(1), static_cast<double>(-2.25e-8f));
  EXPECT_EQ(back["f32"].element(2), static_cast<double>(std::numeric_limits<float>::max()));
  EXPECT_EQ(back["i32"].element(0), -1);
  EXPECT_EQ(back["i32"].element(2), 2147483647);
  EXPECT_EQ(bytes_of(back), bytes_of(object));  // and encodes to the same bytes again
}

TEST(JsValue, BytesThatAreNotAWholeValueAreRefused) {
  JsValue array = JsValue::array();
  array.push(1.0);
  array.push("two");
  const std::vector<uint8_t> bytes = bytes_of(array);
  for (size_t cut = 0; cut < bytes.size(); ++cut) {
    const uint8_t* cursor = bytes.data();
    EXPECT_THROW(JsValue::decode(&cursor, bytes.data() + cut), std::invalid_argument) << "cut at " << cut;
  }
  const std::vector<uint8_t> unknown_tag = {42};
  const uint8_t* cursor = unknown_tag.data();
  EXPECT_THROW(JsValue::decode(&cursor, cursor + 1), std::invalid_argument);
  // A count far past the end is refused before anything is allocated for it.
  const std::vector<uint8_t> huge = {9, 0xff, 0xff, 0xff, 0x7f};
  cursor = huge.data();
  EXPECT_THROW(JsValue::decode(&cursor, cursor + huge.size()), std::invalid_argument);
}

TEST(JsValue, NestingDeeperThan64IsRefused) {
  std::vector<uint8_t> deep;
  for (int i = 0; i < 70; ++i) deep.insert(deep.end(), {7, 1, 0, 0, 0});  // an array holding one array...
  deep.push_back(1);
  const uint8_t* cursor = deep.data();
  EXPECT_THROW(JsValue::decode(&cursor, deep.data() + deep.size()), std::invalid_argument);
}
