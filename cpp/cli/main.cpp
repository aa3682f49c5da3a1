// cpg: the Causal Structure Playground engine on the command line.
//
//   cpg train   train a CatFormer and print one JSON metrics line every --every steps
//   cpg grad    loss and every gradient for given parameters and data, as JSON
//   cpg sample  sequences, targets and the graph, as JSON
//
// Every bad option or file ends with a message naming the field and its allowed range, and
// exit status 2. Runtime failures exit with 1.
#include <CLI/CLI.hpp>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

#include "commands.hpp"
#include "io.hpp"
#include "report.hpp"
#include "trainer.hpp"

using nlohmann::json;

namespace {

using cpg::cli::InputError;
using cpg::cli::NonFiniteError;
using cpg::cli::OutputError;
using cpg::cli::write_line;

std::string range_of(const std::string& field) {
  for (const auto& row : cpg::field_ranges())
    if (row.field == field) return row.range;
  return "";
}

std::string describe(const std::string& field) {
  for (const auto& row : cpg::field_ranges())
    if (row.field == field) return row.meaning + "; allowed: " + row.range;
  return field;
}

// The options shared by train and sample, written straight into a TrainConfig.
struct ConfigOptions {
  cpg::TrainConfig config;
  std::string heads = "1,1";
  std::string freeze;

  void add_task_options(CLI::App* app) {
    app->add_option("--graph", config.graph, describe("graph"))->capture_default_str();
    app->add_option("--S", config.S, describe("S"))->capture_default_str();
    app->add_option("--T", config.T, describe("T"))->capture_default_str();
    app->add_option("--alpha", config.alpha, describe("alpha"))->capture_default_str();
    app->add_option("--q", config.q, describe("q"))->capture_default_str();
    app->add_option("--k", config.k, describe("k"))->capture_default_str();
    app->add_option("--spec", config.spec, describe("spec"));
    app->add_option("--seed", config.seed, describe("seed"))->capture_default_str();
    app->add_option("--graph-seed", config.graph_seed, describe("graph_seed"))->capture_default_str();
  }
  void add_training_options(CLI::App* app) {
    app->add_option("--heads", heads, describe("heads"))->capture_default_str();
    app->add_option("--optimizer", config.optimizer, describe("optimizer"))->capture_default_str();
    app->add_option("--lr", config.lr, describe("lr"))->capture_default_str();
    app->add_option("--wd", config.wd, describe("wd"))->capture_default_str();
    app->add_option("--schedule", config.schedule, describe("schedule"))->capture_default_str();
    app->add_option("--batch", config.batch, describe("batch"))->capture_default_str();
    app->add_option("--steps", config.steps, describe("steps"))->capture_default_str();
    app->add_option("--init-std", config.init_std, describe("init_std"))->capture_default_str();
    app->add_option("--init", config.init, describe("init"))->capture_default_str();
    app->add_option("--beta", config.beta, describe("beta"))->capture_default_str();
    app->add_option("--w", config.w, describe("w"))->capture_default_str();
    app->add_option("--every", config.every, describe("every"))->capture_default_str();
    app->add_option("--test-size", config.test_size, describe("test_size"))->capture_default_str();
    app->add_option("--freeze", freeze, "comma-separated blocks kept fixed, e.g. W or A2,W; allowed: A1..A<L>, W");
  }
  cpg::TrainConfig finish() {
    config.heads = cpg::parse_heads(heads);
    config.freeze.clear();
    std::string item;
    std::istringstream in(freeze);
    while (std::getline(in, item, ','))
      if (!item.empty()) config.freeze.push_back(item);
    const std::string error = cpg::validation_error(config);
    if (!error.empty()) throw InputError(error);
    return config;
  }
};

int run_train(ConfigOptions& options, const std::string& out_path) {
  const cpg::TrainConfig config = options.finish();
  std::ofstream out_file;
  if (!out_path.empty()) {
    out_file.open(out_path);
    if (!out_file) throw InputError("out: cannot write to '" + cpg::cli::clip(out_path) + "'");
  }
  for (const auto& warning : cpg::config_warnings(config)) std::cerr << "cpg: warning: " << warning << "\n";
  cpg::Trainer trainer(config);
  cpg::Metrics metrics = trainer.evaluate();
  write_line(std::cout, cpg::metrics_json(metrics, trainer.graph()).dump(), "stdout");
  while (trainer.step() < config.steps && !trainer.diverged()) {
    const int64_t chunk = std::min(config.every - trainer.step() % config.every, config.steps - trainer.step());
    trainer.run(chunk);
    metrics = trainer.evaluate();
    write_line(std::cout, cpg::metrics_json(metrics, trainer.graph()).dump(), "stdout");
  }
  if (out_file.is_open())
    write_line(out_file, cpg::snapshot_json(trainer, metrics).dump(), "'" + cpg::cli::clip(out_path) + "'");
  if (trainer.diverged()) {
    std::cerr << "cpg train: " << trainer.divergence_message() << "\n";
    return 3;
  }
  return 0;
}

// --- cpg sample ------------------------------------------------------------------------------

int run_sample(ConfigOptions& options, int count) {
  if (count < 1 || count > 10000) throw InputError("n must be in [1, 10000] (got " + std::to_string(count) + ")");
  const cpg::TrainConfig config = options.finish();
  const cpg::Graph graph = cpg::make_graph(config);
  const cpg::Sampler sampler(graph, config.S, config.alpha);
  cpg::Rng rng(config.seed, 1);  // the training stream: these are the first training sequences
  const cpg::Batch batch = sampler.sample_batch(count, rng);
  json sequences = json::array();
  for (int b = 0; b < count; ++b)
    sequences.push_back({{"tokens", std::vector<int32_t>(batch.tokens_of(b), batch.tokens_of(b) + batch.T)},
                         {"target", std::vector<double>(batch.target_of(b), batch.target_of(b) + batch.S)}});
  write_line(std::cout,
             json{{"config", cpg::config_json(config)}, {"graph", cpg::graph_json(graph)}, {"sequences", sequences}}.dump(),
             "stdout");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"cpg: train the disentangled transformer on causal-graph tasks (Causal Structure Playground)"};
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "help for every subcommand");

  ConfigOptions train_options;
  std::string out_path;
  CLI::App* train = app.add_subcommand("train", "train a CatFormer; prints a JSON metrics line every --every steps");
  train_options.add_task_options(train);
  train_options.add_training_options(train);
  train->add_option("--out", out_path, "write the final snapshot (attention, A, W, loss history) as JSON to this file");

  ConfigOptions sample_options;
  int count = 4;
  CLI::App* sample = app.add_subcommand("sample", "print sequences, targets and the graph as JSON");
  sample_options.add_task_options(sample);
  sample->add_option("--n", count, "sequences to print; allowed: [1, 10000]")->capture_default_str();

  const std::vector<cpg::cli::Command> commands = {cpg::cli::add_grad_command(app), cpg::cli::add_lemma_command(app),
                                                   cpg::cli::add_reproduce_command(app)};

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help
    // CLI11 quotes the value it could not convert: clip it, so a 10 kB argument never comes back.
    std::string message = cpg::cli::clip(e.what(), 300);
    // A value that did not convert: add the field's range to CLI11's message.
    for (const auto& row : cpg::field_ranges()) {
      std::string flag = "--" + row.field;
      for (auto& c : flag) c = c == '_' ? '-' : c;
      if (message.find(flag + " ") != std::string::npos || message.find(flag + ":") != std::string::npos ||
          message.find(flag + "=") != std::string::npos) {
        message += " (" + row.field + " allowed: " + range_of(row.field) + ")";
        break;
      }
    }
    std::cerr << "cpg: " << message << "\nRun with --help for the options and their ranges.\n";
    return 2;
  }
  try {
    if (*train) return run_train(train_options, out_path);
    if (*sample) return run_sample(sample_options, count);
    for (const auto& command : commands)
      if (*command.app) return command.run();
  } catch (const OutputError& e) {
    std::cerr << "cpg: " << e.what() << "\n";
    return 1;
  } catch (const NonFiniteError& e) {
    std::cerr << "cpg: " << e.what() << "\n";
    return 3;
  } catch (const std::invalid_argument& e) {  // InputError too
    std::cerr << "cpg: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "cpg: internal error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
