// JSON views of the engine's results, for the CLI (the page gets typed arrays instead).
#pragma once

#include <nlohmann/json.hpp>

#include "trainer.hpp"

namespace cpg {

// Every field of config_fields(), by name.
nlohmann::json config_json(const TrainConfig& config);
// The table of settings itself (`cpg fields`), in its order: per row name, type, default, min, max,
// min_exclusive, max_layers, choices, range, doc and live, as they apply to its type.
nlohmann::ordered_json fields_json();
nlohmann::json graph_json(const Graph& graph);
// One metrics line of `cpg train`.
nlohmann::json metrics_json(const Metrics& metrics, const Graph& graph);
// The final snapshot of `cpg train --out`: config, graph, metrics, every attention map,
// A, W and the loss history.
nlohmann::json snapshot_json(Trainer& trainer, const Metrics& metrics);

}  // namespace cpg
