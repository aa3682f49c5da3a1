// cpg::JsonValue (cpp/json/json_value.hpp), the WebAssembly module's stand-in for nlohmann::json
// in reproduce_json.cpp: the same literal built with both gives the same document, so the page's
// Figure 9 objects have the CLI's fields, nesting and key order, and error messages quote values
// as before.
#include <gtest/gtest.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "json_value.hpp"

using cpg::JsonValue;

namespace {

// One literal in reproduce_json.cpp's style, for either JSON type.
template <typename Json>
Json figure_like() {
  Json per_graph = Json::array();
  per_graph.push_back(Json(nullptr));
  per_graph.push_back(Json(0.25));
  Json entry = {{"graph_seed", uint32_t{4294967295u}}, {"steps", int64_t{8000}}, {"diverged", false}};
  entry["attention"] = std::vector<double>{0.5, 1e-7, 1e20, -3.75};
  return {{"figure", "fig9"},
          {"mean", 0.123456789012345678},
          {"graphs", 20},
          {"heads", std::vector<int>{1, 1}},
          {"per_position", {{"mean", per_graph}, {"graphs", std::vector<int>{0, 2}}}},
          {"text", "quote \" backslash \\ newline \n tab \t bell \a"},
          {"cancelled", true},
          {"entry", entry},
          {"pair_of_numbers", {1, 2}}};
}

}  // namespace

TEST(JsonValue, DumpsTheSameDocumentAsNlohmann) {
  EXPECT_EQ(figure_like<JsonValue>().dump(), figure_like<nlohmann::json>().dump());
}

TEST(JsonValue, ReadsAsNlohmannDoes) {
  const JsonValue value = figure_like<JsonValue>();
  ASSERT_TRUE(value.is_object());
  EXPECT_TRUE(value.contains("per_position"));
  EXPECT_FALSE(value.contains("missing"));
  EXPECT_EQ(value["figure"].get<std::string>(), "fig9");
  EXPECT_EQ(value["graphs"].get<double>(), 20);
  EXPECT_TRUE(value["cancelled"].get<bool>());
  EXPECT_TRUE(value["pair_of_numbers"].is_array());  // not a pair: its first item is no string
  std::vector<std::string> keys;
  for (const auto& [key, item] : value.items()) keys.push_back(key);
  EXPECT_EQ(keys.front(), "cancelled");  // key order, as nlohmann's std::map
  double sum = 0;
  for (const JsonValue& item : value["per_position"]["graphs"]) sum += item.get<double>();
  EXPECT_EQ(sum, 2);
  EXPECT_TRUE(value["per_position"]["mean"].items_of_array()[0].is_null());
}

TEST(JsonValue, WrongTypeIsAnErrorNotACrash) {
  EXPECT_THROW(JsonValue("text").get<double>(), std::invalid_argument);
  EXPECT_THROW(JsonValue(1.0).items(), std::invalid_argument);
}
