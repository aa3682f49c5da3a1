// Figure 9 as JSON: the one place its field names are written. `cpg reproduce fig9` prints
// fig9_json; the WebAssembly module reads a sweep's setup and returns the graphs and the
// summary through the same functions, so the page's result has the CLI's fields.
//
// A setup is {settings: {graphs, q, S, T, alpha, heads, seed, graph_seed, test_size},
// recipe: {name, optimizer, lr, wd, schedule, batch, steps, init_std}}, as in the result.
//
// The CLI builds these with nlohmann::json; the WebAssembly module (CPG_JSON_VALUE, set in
// cmake/wasm.cmake) with the small cpg::JsonValue of json_value.hpp, which it hands to JS as
// objects, so nlohmann's parser and serializer stay out of the page's download.
#pragma once

#ifdef CPG_JSON_VALUE
#include "json_value.hpp"
#else
#include <nlohmann/json.hpp>
#endif

#include "reproduce.hpp"

namespace cpg {

#ifdef CPG_JSON_VALUE
using Json = JsonValue;
#else
using Json = nlohmann::json;
#endif

Json fig9_recipe_json(const Fig9Recipe& recipe);

// {settings, recipe} of a sweep.
Json fig9_setup_json(const Fig9Settings& settings);

// The inverse of fig9_setup_json; missing keys keep Fig9Settings' defaults (the fast recipe).
// recipe.name picks the base recipe (fast | paper; custom means fast); a recipe field that
// differs from the base makes the name "custom", as overriding one does in the CLI. Throws
// std::invalid_argument naming the field for an unknown key, a wrong type or a value out of
// range.
Fig9Settings fig9_settings_from_json(const Json& setup);

// One graph of the sweep: graph_seed, parent and parent_attention (null where a position has
// no parent), positions_with_parent, mean (null without parents), test_loss, bayes_loss, steps,
// diverged, and with `maps` its (T, T) first-layer position attention as rows.
Json fig9_graph_json(const Fig9Graph& graph, bool maps);

// The inverse of fig9_graph_json (without the maps), for summarizing graphs measured one at a
// time. Throws std::invalid_argument naming the field.
Fig9Graph fig9_graph_from_json(const Json& graph);

// The whole figure: mean, std, graphs (counted), per_position {mean, std, graphs}, recipe,
// settings, paper {mean, std, recipe}, cancelled, diverged_graphs, seconds, per_graph.
Json fig9_json(const Fig9Result& result, bool maps, double seconds);

}  // namespace cpg
