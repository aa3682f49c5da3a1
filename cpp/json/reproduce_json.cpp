#include "reproduce_json.hpp"

#include <stdexcept>
#include <string>
#include <vector>

namespace cpg {

using json = Json;

namespace {

// A value that is JSON null when absent (the engine marks absence with -1).
json present_or_null(double value, bool present) { return present ? json(value) : json(nullptr); }

std::string shown(const json& value) { return value.dump(); }

[[noreturn]] void wrong(const std::string& field, const std::string& expected, const json& value) {
  throw std::invalid_argument(field + " must be " + expected + " (got " + shown(value) + ")");
}

double number(const json& value, const std::string& field) {
  if (!value.is_number()) wrong(field, "a number", value);
  return value.get<double>();
}

// An integer in [low, high] (bounds that keep the cast exact; the validator checks the field's
// own range afterwards).
int64_t integer(const json& value, const std::string& field, double low, double high) {
  const double x = number(value, field);
  if (x < low || x > high)
    wrong(field, "an integer in [" + std::to_string(static_cast<int64_t>(low)) + ", " +
                     std::to_string(static_cast<int64_t>(high)) + "]", value);
  if (x != static_cast<double>(static_cast<int64_t>(x))) wrong(field, "an integer", value);
  return static_cast<int64_t>(x);
}

std::string text(const json& value, const std::string& field) {
  if (!value.is_string()) wrong(field, "a string", value);
  return value.get<std::string>();
}

bool flag(const json& value, const std::string& field) {
  if (!value.is_boolean()) wrong(field, "true or false", value);
  return value.get<bool>();
}

void require_object(const json& value, const std::string& field) {
  if (!value.is_object()) wrong(field, "an object", value);
}

// Calls read(key, value) for every key of `object`; an unknown key names the known ones.
template <typename Read>
void each_field(const json& object, const std::string& where, const std::vector<std::string>& known, Read read) {
  for (const auto& [key, value] : object.items()) {
    bool found = false;
    for (const std::string& name : known) found = found || name == key;
    if (!found) {
      std::string list;
      for (const std::string& name : known) list += (list.empty() ? "" : ", ") + name;
      throw std::invalid_argument(where + " has no field '" + key + "' (fields: " + list + ")");
    }
    read(key, value);
  }
}

// -1 for null (a position without a parent), else the value.
std::vector<double> numbers_or_absent(const json& value, const std::string& field) {
  if (!value.is_array()) wrong(field, "an array of numbers and nulls", value);
  std::vector<double> out;
  for (const json& item : value) out.push_back(item.is_null() ? -1.0 : number(item, field));
  return out;
}

}  // namespace

json fig9_recipe_json(const Fig9Recipe& recipe) {
  return {{"name", recipe.name},         {"optimizer", recipe.optimizer}, {"lr", recipe.lr},
          {"wd", recipe.wd},             {"schedule", recipe.schedule},   {"batch", recipe.batch},
          {"steps", recipe.steps},       {"init_std", recipe.init_std}};
}

json fig9_setup_json(const Fig9Settings& s) {
  return {{"settings",
           {{"graphs", s.graphs}, {"q", s.q}, {"S", s.S}, {"T", s.T}, {"alpha", s.alpha}, {"heads", s.heads},
            {"seed", s.seed}, {"graph_seed", s.first_graph_seed}, {"test_size", s.test_size}}},
          {"recipe", fig9_recipe_json(s.recipe)}};
}

Fig9Settings fig9_settings_from_json(const json& setup) {
  Fig9Settings s;
  if (setup.is_null()) return s;
  require_object(setup, "the Figure 9 setup");
  each_field(setup, "the Figure 9 setup", {"settings", "recipe"}, [&](const std::string& key, const json& value) {
    require_object(value, key);
  });
  if (setup.contains("settings")) {
    each_field(setup["settings"], "settings",
               {"graphs", "q", "S", "T", "alpha", "heads", "seed", "graph_seed", "test_size"},
               [&](const std::string& key, const json& v) {
                 if (key == "graphs") s.graphs = static_cast<int>(integer(v, key, -1e9, 1e9));
                 if (key == "q") s.q = number(v, key);
                 if (key == "S") s.S = static_cast<int>(integer(v, key, -1e9, 1e9));
                 if (key == "T") s.T = static_cast<int>(integer(v, key, -1e9, 1e9));
                 if (key == "alpha") s.alpha = number(v, key);
                 if (key == "seed") s.seed = static_cast<uint32_t>(integer(v, key, 0, 4294967295.0));
                 if (key == "graph_seed") s.first_graph_seed = static_cast<uint32_t>(integer(v, key, 0, 4294967295.0));
                 if (key == "test_size") s.test_size = static_cast<int>(integer(v, key, -1e9, 1e9));
                 if (key == "heads") {
                   if (!v.is_array()) wrong(key, "an array of integers such as [1, 1]", v);
                   s.heads.clear();
                   for (const json& h : v) s.heads.push_back(static_cast<int>(integer(h, key, -1e6, 1e6)));
                 }
               });
  }
  if (setup.contains("recipe")) {
    const json& r = setup["recipe"];
    const std::string name = r.contains("name") ? text(r["name"], "recipe.name") : "fast";
    const Fig9Recipe base = fig9_recipe(name == "custom" ? "fast" : name);
    Fig9Recipe recipe = base;
    each_field(r, "recipe", {"name", "optimizer", "lr", "wd", "schedule", "batch", "steps", "init_std"},
               [&](const std::string& key, const json& v) {
                 if (key == "optimizer") recipe.optimizer = text(v, key);
                 if (key == "lr") recipe.lr = number(v, key);
                 if (key == "wd") recipe.wd = number(v, key);
                 if (key == "schedule") recipe.schedule = text(v, key);
                 if (key == "batch") recipe.batch = static_cast<int>(integer(v, key, -1e9, 1e9));
                 if (key == "steps") recipe.steps = integer(v, key, -1e15, 1e15);
                 if (key == "init_std") recipe.init_std = number(v, key);
               });
    const bool changed = recipe.optimizer != base.optimizer || recipe.lr != base.lr || recipe.wd != base.wd ||
                         recipe.schedule != base.schedule || recipe.batch != base.batch ||
                         recipe.steps != base.steps || recipe.init_std != base.init_std;
    recipe.name = changed || name == "custom" ? "custom" : base.name;
    s.recipe = recipe;
  }
  const std::string error = validation_error(s);
  if (!error.empty()) throw std::invalid_argument(error);
  return s;
}

json fig9_graph_json(const Fig9Graph& graph, bool maps) {
  json parent = json::array(), attention_on_parent = json::array();
  for (size_t i = 0; i < graph.parent.size(); ++i) {
    const bool has_parent = graph.parent[i] >= 0;
    parent.push_back(has_parent ? json(graph.parent[i]) : json(nullptr));
    attention_on_parent.push_back(present_or_null(graph.parent_attention[i], has_parent));
  }
  json entry = {{"graph_seed", graph.graph_seed},
                {"parent", parent},
                {"parent_attention", attention_on_parent},
                {"positions_with_parent", graph.positions_with_parent},
                {"mean", present_or_null(graph.mean, graph.positions_with_parent > 0)},
                {"test_loss", graph.test_loss},
                {"bayes_loss", graph.bayes_loss},
                {"steps", graph.steps},
                {"diverged", graph.diverged}};
  if (maps) {
    const size_t T = graph.parent.size();
    json rows = json::array();
    for (size_t i = 0; i < T; ++i)
      rows.push_back(std::vector<double>(graph.attention.begin() + static_cast<long>(i * T),
                                         graph.attention.begin() + static_cast<long>((i + 1) * T)));
    entry["attention"] = rows;
  }
  return entry;
}

Fig9Graph fig9_graph_from_json(const json& object) {
  require_object(object, "a graph");
  Fig9Graph graph;
  for (const char* key : {"parent", "parent_attention"})
    if (!object.contains(key)) throw std::invalid_argument(std::string("a graph must have the field ") + key);
  each_field(object, "a graph",
             {"graph_seed", "parent", "parent_attention", "positions_with_parent", "mean", "test_loss", "bayes_loss",
              "steps", "diverged", "attention"},
             [&](const std::string& key, const json& v) {
               if (key == "graph_seed") graph.graph_seed = static_cast<uint32_t>(integer(v, key, 0, 4294967295.0));
               if (key == "parent") {
                 if (!v.is_array()) wrong(key, "an array of positions and nulls", v);
                 for (const json& p : v) graph.parent.push_back(p.is_null() ? -1 : static_cast<int>(integer(p, key, 0, 1e6)));
               }
               if (key == "parent_attention") graph.parent_attention = numbers_or_absent(v, key);
               if (key == "test_loss") graph.test_loss = number(v, key);
               if (key == "bayes_loss") graph.bayes_loss = number(v, key);
               if (key == "steps") graph.steps = integer(v, key, 0, 1e15);
               if (key == "diverged") graph.diverged = flag(v, key);
             });
  if (graph.parent.size() != graph.parent_attention.size())
    throw std::invalid_argument("parent and parent_attention must have the same length (got " +
                                std::to_string(graph.parent.size()) + " and " +
                                std::to_string(graph.parent_attention.size()) + ")");
  graph.completed = true;
  finish_graph_mean(graph);
  return graph;
}

json fig9_json(const Fig9Result& result, bool maps, double seconds) {
  const Fig9Settings& s = result.settings;
  const Fig9Summary& summary = result.summary;
  json per_graph = json::array();
  for (const Fig9Graph& graph : result.graphs) per_graph.push_back(fig9_graph_json(graph, maps));
  json position_mean = json::array(), position_std = json::array();
  for (size_t i = 0; i < summary.position_graphs.size(); ++i) {
    const bool present = summary.position_graphs[i] > 0;
    position_mean.push_back(present_or_null(summary.position_mean[i], present));
    position_std.push_back(present_or_null(summary.position_std[i], present));
  }
  const json setup = fig9_setup_json(s);
  return {{"figure", "fig9"},
          {"mean", summary.mean},
          {"std", summary.std},
          {"graphs", summary.graphs_counted},
          {"per_position", {{"mean", position_mean}, {"std", position_std}, {"graphs", summary.position_graphs}}},
          {"recipe", setup["recipe"]},
          {"settings", setup["settings"]},
          {"paper", {{"mean", kFig9PaperMean}, {"std", kFig9PaperStd}, {"recipe", fig9_recipe_json(fig9_recipe("paper"))}}},
          {"cancelled", result.cancelled},
          {"diverged_graphs", result.diverged_graphs},
          {"seconds", seconds},
          {"per_graph", per_graph}};
}

}  // namespace cpg
