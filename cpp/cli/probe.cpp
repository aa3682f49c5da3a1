// cpg probe: trains a model as `cpg train` does, then probes it out of distribution on a fixed
// transition law pi~ (cpp/engine/probe.hpp) and prints one JSON line: the model's mean error
// next to the in-context count estimator's and the uniform guess's, and one example sequence.
#include <iostream>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "io.hpp"
#include "probe.hpp"
#include "report.hpp"
#include "trainer.hpp"

using nlohmann::json;

namespace cpg::cli {

void add_probe_options(CLI::App* command, ProbeOptions& options) {
  command->add_option("--law", options.law, "the fixed law pi~: cycle|sticky|random; allowed: cycle|sticky|random")
      ->capture_default_str();
  command->add_option("--law-file", options.law_file,
                      "a JSON file [[...S numbers...] x S]: pi~ row by row (overrides --law); rows sum to 1");
  command->add_option("--law-alpha", options.law_alpha, "Dirichlet concentration of --law random; allowed: [0.001, 100]")
      ->capture_default_str();
  command->add_option("--sequences", options.sequences, "probe sequences; allowed: [1, 100000]")->capture_default_str();
  command->add_option("--probe-seed", options.probe_seed, "seed of pi~ (random) and of the probe sequences")
      ->capture_default_str();
}

int run_probe(const TrainConfig& config, const ProbeOptions& options, SampleAhead sample_ahead) {
  ProbeLaw law;
  if (!options.law_file.empty()) {
    const json rows = read_json_file(options.law_file, "law-file");
    if (!rows.is_array()) throw InputError("law-file: must be a list of S rows (got " + describe(rows) + ")");
    std::vector<std::vector<double>> matrix;
    for (const json& row : rows) {
      if (!row.is_array()) throw InputError("law-file: every row must be a list of numbers (got " + describe(row) + ")");
      std::vector<double> values;
      for (const json& value : row) {
        if (!value.is_number()) throw InputError("law-file: entries must be numbers (got " + describe(value) + ")");
        values.push_back(value.get<double>());
      }
      matrix.push_back(values);
    }
    law = probe_law_from_rows(matrix, config.S);
  } else {
    law = make_probe_law(options.law, config.S, options.law_alpha, options.probe_seed);
  }
  if (options.sequences < 1 || options.sequences > 100000)
    throw InputError("sequences must be in [1, 100000] (got " + std::to_string(options.sequences) + ")");
  const Graph graph = make_graph(config);
  if (graph.multi_parent)
    throw InputError("graph: the probe needs a single-parent graph (chain, icl, tree, dag, custom with T entries)");

  Trainer trainer(config);
  trainer.sample_in_background(BatchStream::draws_ahead(sample_ahead, 1));   // the same run, sooner
  trainer.run(config.steps);
  const Metrics metrics = trainer.evaluate();
  if (trainer.diverged()) throw NonFiniteError(trainer.divergence_message());
  const ProbeResult result =
      cpg::run_probe(trainer.graph(), config.alpha, law, options.sequences, options.probe_seed,
                     [&trainer](const int32_t* tokens, double* probs) { trainer.predict(tokens, probs); });
  json pi = json::array();
  for (int r = 0; r < law.S; ++r)
    pi.push_back(std::vector<double>(law.pi.begin() + static_cast<ptrdiff_t>(r) * law.S,
                                     law.pi.begin() + static_cast<ptrdiff_t>(r + 1) * law.S));
  const json out = {
      {"config", config_json(config)},
      {"graph", graph_json(trainer.graph())},
      {"trained", metrics_json(metrics, trainer.graph())},
      {"law", {{"name", law.name}, {"pi", pi}}},
      {"sequences", result.sequences},
      // Mean over the probe sequences of max_s |f(s) - pi~(s | query)|.
      {"error", {{"model", result.model_error}, {"counts", result.count_error}, {"uniform", result.uniform_error}}},
      {"example",
       {{"tokens", result.example.tokens},
        {"truth", result.example.truth},
        {"model", result.example.model},
        {"counts", result.example.counts}}}};
  write_line(std::cout, out.dump(), "stdout");
  return 0;
}

}  // namespace cpg::cli
