// JSON views of the engine's results, for the CLI (the page gets typed arrays instead).
#pragma once

#include <nlohmann/json.hpp>

#include "trainer.hpp"

namespace cpg {

nlohmann::json config_json(const TrainConfig& config);
nlohmann::json graph_json(const Graph& graph);
// One metrics line of `cpg train`.
nlohmann::json metrics_json(const Metrics& metrics, const Graph& graph);
// The final snapshot of `cpg train --out`: config, graph, metrics, every attention map,
// A, W and the loss history.
nlohmann::json snapshot_json(Trainer& trainer, const Metrics& metrics);

}  // namespace cpg
