// cpg reproduce <figure>: reruns one of the paper's experiments natively and prints JSON.
//
//   cpg reproduce fig9 [--recipe fast|paper] [--graphs N] [--jobs N] [--steps N] [--batch N] [--lr X] ...
//   cpg reproduce fig8 [--seed N] [--steps N] [--batch N] [--lr X] ...
//
// Figure 8 trains the standard transformer on the chain with the authors' recipe and prints the
// data-view parent recovery of its first layer and the test loss above Bayes, with the curve.
//
// Figure 9 trains one model per random DAG and prints the mean over graphs of each graph's
// mean attention on the parent, its std over graphs, the per-position curve and the recipe.
// Progress goes to stderr, one line per graph (and one every 10 s within a long one). --jobs N
// trains N graphs at once on threads of their own, with the same JSON as --jobs 1.
#include <algorithm>
#include <chrono>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

#include "commands.hpp"
#include "io.hpp"
#include "config.hpp"
#include "reproduce.hpp"
#include "reproduce_json.hpp"
#include "report.hpp"
#include "text.hpp"
#include "trainer.hpp"

using nlohmann::json;

namespace cpg::cli {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Everything the options write into; the recipe fields are applied over the named recipe only
// when given.
struct ReproduceOptions {
  std::string figure;
  std::string recipe = "fast";
  Fig9Settings settings;
  Fig9Recipe overrides;
  std::string heads = "1,1";
  bool maps = false;
  int jobs = 1;
  std::vector<CLI::Option*> recipe_options;
};

int run_fig9_command(ReproduceOptions& options) {
  Fig9Settings settings = options.settings;
  settings.heads = parse_heads(options.heads);
  settings.recipe = fig9_recipe(options.recipe);
  bool overridden = false;
  for (CLI::Option* option : options.recipe_options) overridden = overridden || option->count() > 0;
  if (overridden) {
    auto given = [&](const std::string& name) {
      for (CLI::Option* option : options.recipe_options)
        if (option->get_name() == name) return option->count() > 0;
      return false;
    };
    Fig9Recipe& recipe = settings.recipe;
    if (given("--optimizer")) recipe.optimizer = options.overrides.optimizer;
    if (given("--lr")) recipe.lr = options.overrides.lr;
    if (given("--wd")) recipe.wd = options.overrides.wd;
    if (given("--schedule")) recipe.schedule = options.overrides.schedule;
    if (given("--batch")) recipe.batch = options.overrides.batch;
    if (given("--steps")) recipe.steps = options.overrides.steps;
    if (given("--init-std")) recipe.init_std = options.overrides.init_std;
    recipe.name = "custom";
  }
  const std::string error = validation_error(settings);
  if (!error.empty()) throw std::invalid_argument(error);
  if (options.jobs < 1 || options.jobs > kMaxFig9Jobs)
    throw std::invalid_argument("jobs must be in [1, " + std::to_string(kMaxFig9Jobs) + "] (got " +
                                std::to_string(options.jobs) + ")");

  const Fig9Recipe& recipe = settings.recipe;
  std::cerr << "cpg reproduce fig9: " << settings.graphs << " random DAGs (q = " << text::number(settings.q)
            << ", S = " << settings.S << ", T = " << settings.T << ", alpha = " << text::number(settings.alpha)
            << "), recipe " << recipe.name << ": " << recipe.optimizer << " lr " << text::number(recipe.lr) << " "
            << recipe.schedule << ", batch " << recipe.batch << ", " << recipe.steps << " steps\n";
  const Clock::time_point start = Clock::now();
  // Threads take graphs in index order, each when it is free: the first `jobs` graphs start at
  // once, and every later one when a graph finishes. So graph g started at free_since[g].
  // (Progress calls come one at a time, so this needs no lock.)
  std::vector<Clock::time_point> free_since(std::min(options.jobs, settings.graphs), start);
  Clock::time_point last_line = start;
  const Fig9Progress progress = [&](int graph, int graphs, int64_t step) {
    if (step >= recipe.steps) {
      const Clock::time_point graph_start =
          static_cast<size_t>(graph) < free_since.size() ? free_since[graph] : last_line;
      std::cerr << "graph " << graph + 1 << "/" << graphs << " done in " << text::number(seconds_since(graph_start))
                << " s\n";
      free_since.push_back(last_line = Clock::now());
    } else if (seconds_since(last_line) >= 10.0) {
      std::cerr << "graph " << graph + 1 << "/" << graphs << " step " << step << "/" << recipe.steps << "\n";
      last_line = Clock::now();
    }
    return true;
  };
  const Fig9Result result = run_fig9(settings, progress, options.jobs);
  const double seconds = seconds_since(start);
  std::cerr << "mean parent attention " << text::number(result.summary.mean) << " +- "
            << text::number(result.summary.std) << " over " << result.summary.graphs_counted << " graphs (paper "
            << text::number(kFig9PaperMean) << " +- " << text::number(kFig9PaperStd) << "), "
            << text::number(seconds) << " s\n";
  write_line(std::cout, fig9_json(result, options.maps, seconds).dump(), "stdout");
  return 0;
}

// Figure 8: one standard transformer on the chain with the authors' recipe (fig8_config), the
// recipe options overriding it. Prints the data-view parent recovery and the loss above Bayes
// every `every` steps (stderr) and a JSON summary with the curve (stdout).
int run_fig8_command(ReproduceOptions& options) {
  TrainConfig config = fig8_config();
  config.seed = options.settings.seed;
  auto given = [&](const std::string& name) {
    for (CLI::Option* option : options.recipe_options)
      if (option->get_name() == name) return option->count() > 0;
    return false;
  };
  const Fig9Recipe& o = options.overrides;
  if (given("--optimizer")) config.optimizer = o.optimizer;
  if (given("--lr")) config.lr = o.lr;
  if (given("--wd")) config.wd = o.wd;
  if (given("--schedule")) config.schedule = o.schedule;
  if (given("--batch")) config.batch = o.batch;
  if (given("--steps")) config.steps = o.steps;
  if (given("--init-std")) config.init_std = o.init_std;
  config.every = std::min<int64_t>(config.every, config.steps);
  const std::string error = validation_error(config);
  if (!error.empty()) throw std::invalid_argument(error);

  std::cerr << "cpg reproduce fig8: standard transformer, chain (S = " << config.S << ", T = " << config.T
            << ", alpha = " << text::number(config.alpha) << "), heads 1,1, " << config.optimizer << " lr "
            << text::number(config.lr) << " " << config.schedule << " wd " << text::number(config.wd) << ", batch "
            << config.batch << ", " << config.steps << " steps\n";
  const Clock::time_point start = Clock::now();
  Trainer trainer(config);
  json curve = json::array();
  Metrics metrics = trainer.evaluate();
  auto record = [&] {
    const double recovery = metrics.parent_recovery.empty() || metrics.parent_recovery[0].empty()
                                ? 0.0 : metrics.parent_recovery[0][0];
    curve.push_back({{"step", metrics.step},
                     {"test_loss", metrics.test_loss},
                     {"loss_minus_bayes", metrics.test_loss - metrics.baselines.bayes},
                     {"parent_recovery", recovery}});
    std::cerr << "step " << metrics.step << "/" << config.steps << ": parent recovery (data view) "
              << text::number(recovery) << ", loss - Bayes " << text::number(metrics.test_loss - metrics.baselines.bayes)
              << ", " << text::number(seconds_since(start)) << " s\n";
    return recovery;
  };
  record();
  while (trainer.step() < config.steps && !trainer.diverged()) {
    trainer.run(std::min(config.every, config.steps - trainer.step()));
    metrics = trainer.evaluate();
    record();
  }
  const double seconds = seconds_since(start);
  const double recovery = curve.back().at("parent_recovery").get<double>();
  json out = {{"figure", "fig8"},
              {"config", config_json(trainer.config())},
              {"steps", trainer.step()},
              {"diverged", trainer.diverged()},
              {"parent_recovery", recovery},
              {"parent_recovery_view", metrics.parent_recovery_view},
              {"test_loss", metrics.test_loss},
              {"bayes_loss", metrics.baselines.bayes},
              {"loss_minus_bayes", metrics.test_loss - metrics.baselines.bayes},
              {"attention_layer1_data_view", trainer.batch_attention()[0][0]},
              {"curve", curve},
              {"seconds", seconds}};
  write_line(std::cout, out.dump(), "stdout");
  return trainer.diverged() ? 3 : 0;
}

}  // namespace

Command add_reproduce_command(CLI::App& app) {
  auto options = std::make_shared<ReproduceOptions>();
  CLI::App* command = app.add_subcommand(
      "reproduce",
      "rerun a figure of the paper and print JSON; figures: fig8 (standard transformer on the chain: data-view parent "
      "recovery and loss - Bayes; takes --seed and the recipe options), fig9 (random DAGs, paper: 0.837 +- 0.054)");
  command->add_option("figure", options->figure, "the figure to reproduce; allowed: fig8|fig9")->required();
  command->add_option("--recipe", options->recipe,
                      "training recipe: fast (ours, seconds per graph) or paper (SGD lr 1, batch 1024, 2^14 steps)")
      ->capture_default_str();
  Fig9Settings& s = options->settings;
  command->add_option("--graphs", s.graphs, "random DAGs to train; allowed: [1, 1000]")->capture_default_str();
  command->add_option("--q", s.q, "probability that a position has a parent; allowed: [0, 1]")->capture_default_str();
  command->add_option("--S", s.S, "vocabulary size; allowed: [2, 64]")->capture_default_str();
  command->add_option("--T", s.T, "input tokens; allowed: [3, 64]")->capture_default_str();
  command->add_option("--alpha", s.alpha, "Dirichlet concentration; allowed: [0.001, 100]")->capture_default_str();
  command->add_option("--heads", options->heads, "heads per layer, one in the first; e.g. 1,1")->capture_default_str();
  command->add_option("--seed", s.seed, "data and init seed of graph 0 (graph g uses seed + g)")->capture_default_str();
  command->add_option("--graph-seed", s.first_graph_seed, "graph seed of graph 0 (graph g uses graph-seed + g)")
      ->capture_default_str();
  Fig9Recipe& o = options->overrides;
  options->recipe_options = {
      command->add_option("--optimizer", o.optimizer, "overrides the recipe's update rule; allowed: sgd|adam|adamw"),
      command->add_option("--lr", o.lr, "overrides the recipe's learning rate; allowed: (0, 10000]"),
      command->add_option("--wd", o.wd, "overrides the recipe's weight decay; allowed: [0, 10]"),
      command->add_option("--schedule", o.schedule, "overrides the recipe's schedule; allowed: constant|cosine"),
      command->add_option("--batch", o.batch, "overrides the recipe's batch; allowed: [1, 8192]"),
      command->add_option("--steps", o.steps, "overrides the recipe's steps per graph; allowed: [1, 100000000]"),
      command->add_option("--init-std", o.init_std, "overrides the recipe's init std of A; allowed: [0, 10]"),
  };
  command->add_option("--jobs", options->jobs,
                      "graphs trained at once, one thread each (same results as 1); allowed: [1, 64]")
      ->capture_default_str();
  command->add_flag("--maps", options->maps, "add each graph's (T, T) first-layer position attention");
  return {command, [options] {
            if (options->figure == "fig9") return run_fig9_command(*options);
            if (options->figure == "fig8") return run_fig8_command(*options);
            throw std::invalid_argument("figure must be one of fig8|fig9 (got " + text::quoted(options->figure) + ")");
          }};
}

}  // namespace cpg::cli
