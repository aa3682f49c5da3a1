// cpg lemma: the key-lemma view (cpp/engine/theory.hpp) on the command line, as one JSON object:
// the first-layer gradient -dL/dA_1 over the position block at the lemma initialization, the
// chi-square mutual information matrix, the graph, and how well the two agree.
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "commands.hpp"
#include "io.hpp"
#include "config.hpp"
#include "report.hpp"
#include "theory.hpp"

using nlohmann::json;

namespace cpg::cli {

namespace {

std::string describe(const std::vector<FieldRange>& table, const std::string& field) {
  for (const auto& row : table)
    if (row.field == field) return row.meaning + "; allowed: " + row.range;
  return field;
}

std::string range_of(const std::vector<FieldRange>& table, const std::string& field) {
  for (const auto& row : table)
    if (row.field == field) return row.range;
  return "";
}

json matrix_json(const std::vector<double>& values, int rows, int cols) {
  json matrix = json::array();
  for (int r = 0; r < rows; ++r)
    matrix.push_back(std::vector<double>(values.begin() + static_cast<std::ptrdiff_t>(r) * cols,
                                         values.begin() + static_cast<std::ptrdiff_t>(r + 1) * cols));
  return matrix;
}

struct LemmaOptions {
  TrainConfig config;
  LemmaSettings settings;

  LemmaOptions() {
    // The setting: S = 5, T = 12, alpha = 0.5 on the chain.
    config.S = 5;
    config.T = 12;
    config.alpha = 0.5;
  }
};

int run_lemma(const LemmaOptions& options) {
  const LemmaView view = lemma_view(options.config, options.settings);
  json scatter = json::array();
  for (const auto& point : view.scatter)
    scatter.push_back({{"i", point.i}, {"j", point.j}, {"gradient", point.gradient}, {"information", point.information}});
  const json output = {
      {"config", {{"graph", options.config.graph},
                  {"S", view.S},
                  {"T", view.T},
                  {"alpha", options.config.alpha},
                  {"seed", options.config.seed},
                  {"graph_seed", options.config.graph_seed},
                  {"beta", options.settings.beta},
                  {"w", options.settings.w},
                  {"batch", options.settings.batch},
                  {"mi_samples", options.settings.mi_samples}}},
      {"graph", graph_json(view.graph)},
      {"parents", view.parent},
      {"loss", view.loss},
      {"gradient", matrix_json(view.gradient, view.T, view.T)},
      {"mutual_information", matrix_json(view.mutual_information, view.T, view.T)},
      {"gradient_argmax", view.gradient_argmax},
      {"parent_hits", view.parent_hits},
      {"positions_with_parent", view.positions_with_parent},
      {"pearson_row_centred", view.pearson_row_centred},
      {"scatter", scatter}};
  write_line(std::cout, output.dump(), "stdout");
  return 0;
}

}  // namespace

Command add_lemma_command(CLI::App& app) {
  // CLI11 writes into these after this function returns, so they live as long as the command.
  auto options = std::make_shared<LemmaOptions>();
  TrainConfig& config = options->config;
  LemmaSettings& settings = options->settings;
  CLI::App* command = app.add_subcommand(
      "lemma",
      "the key lemma: -dL/dA_1 at the lemma initialization next to the chi-square mutual information, as JSON");
  const auto& task = field_ranges();
  const auto& lemma = lemma_field_ranges();
  command->add_option("--graph", config.graph, "the causal graph (single-parent only); allowed: chain|icl|tree|dag|custom")
      ->capture_default_str();
  command->add_option("--S", config.S, describe(task, "S"))->capture_default_str();
  command->add_option("--T", config.T, describe(task, "T"))->capture_default_str();
  command->add_option("--alpha", config.alpha, describe(task, "alpha"))->capture_default_str();
  command->add_option("--q", config.q, describe(task, "q"))->capture_default_str();
  command->add_option("--spec", config.spec, "custom graph: T entries, the last '-', e.g. -;0;0;1;-");
  command->add_option("--seed", config.seed, "seed of the batch and of the draws of pi; allowed: " + range_of(task, "seed"))
      ->capture_default_str();
  command->add_option("--graph-seed", config.graph_seed, describe(task, "graph_seed"))->capture_default_str();
  command->add_option("--batch", settings.batch, describe(lemma, "batch"))->capture_default_str();
  command->add_option("--beta", settings.beta, describe(lemma, "beta"))->capture_default_str();
  command->add_option("--w", settings.w, describe(lemma, "w"))->capture_default_str();
  command->add_option("--mi-samples", settings.mi_samples, describe(lemma, "mi_samples"))->capture_default_str();
  // lemma_view validates and throws std::invalid_argument naming the field; main exits with 2.
  return {command, [options] { return run_lemma(*options); }};
}

}  // namespace cpg::cli
