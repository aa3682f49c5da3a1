// cpg reproduce <figure>: reruns one of the paper's experiments natively and prints one JSON line.
//
//   cpg reproduce fig2 [--recipe fast|paper] [--task chain|icl|tree|all] [--jobs N] [--maps] ...
//   cpg reproduce fig5 [--recipe fast|paper] [--seed N] [--maps] ...
//   cpg reproduce rate [--Ts 8,16,32,64] [--seeds N] [--jobs N] ...
//   cpg reproduce fig8 [--seed N] [--steps N] [--batch N] [--lr X] ...
//   cpg reproduce fig9 [--recipe fast|paper] [--graphs N] [--jobs N] [--steps N] [--batch N] [--lr X] ...
//
// Figures 2/6 train the CatFormer on the chain, icl and a random tree (S = 10, T = 20) and print,
// per task, the parameter-view parent recovery of the first layer (the position block soft-maxed
// per row), the test loss above Bayes and a curve of both. Figures 5/7 train two first-layer heads
// on the two-parent graph paper2 (S = 5, T = 32) and print each head's recovery of each parent:
// which head took which parent. `rate` trains the chain at several T and prints the error of the
// position block against the adjacency (the theorem's ||A - G||_inf <~ 1/T) and its log-log slope.
// All three run in reproduce_models.cpp.
//
// Figure 8 trains the standard transformer on the chain with the authors' recipe and prints the
// data-view parent recovery of its first layer and the test loss above Bayes, with the curve.
//
// Figure 9 trains one model per random DAG and prints the mean over graphs of each graph's
// mean attention on the parent, its std over graphs, the per-position curve and the recipe.
//
// Every figure has named recipes (reproduce.hpp: fast, the default, and paper, the authors');
// --optimizer --lr --wd --schedule --batch --steps --init-std override the named recipe's field
// and make its name "custom" (ReproduceOptions::apply_overrides, the one place). Progress goes
// to stderr; --jobs N trains N models at once on threads of their own, with the same JSON as
// --jobs 1 but for the wall times.
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
#include "reproduce_options.hpp"
#include "reproduce_json.hpp"
#include "report.hpp"
#include "sample_ahead_option.hpp"
#include "text.hpp"
#include "trainer.hpp"

using nlohmann::json;

namespace cpg::cli {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

int run_fig9_command(const ReproduceOptions& options) {
  Fig9Settings settings = options.settings;
  settings.heads = parse_heads(options.heads);
  settings.recipe = fig9_recipe(options.recipe);
  options.apply_overrides(settings.recipe);
  const std::string error = validation_error(settings);
  if (!error.empty()) throw std::invalid_argument(error);
  check_jobs(options.jobs);

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
  const Fig9Result result = run_fig9(settings, progress, options.jobs, options.sample_ahead);
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
int run_fig8_command(const ReproduceOptions& options) {
  TrainConfig config = fig8_config();
  config.seed = options.settings.seed;
  Recipe recipe = recipe_of(config, "fast");
  options.apply_overrides(recipe);
  apply_recipe(recipe, &config);
  config.every = std::min<int64_t>(config.every, config.steps);
  const std::string error = validation_error(config);
  if (!error.empty()) throw std::invalid_argument(error);

  std::cerr << "cpg reproduce fig8: standard transformer, chain (S = " << config.S << ", T = " << config.T
            << ", alpha = " << text::number(config.alpha) << "), heads 1,1, " << config.optimizer << " lr "
            << text::number(config.lr) << " " << config.schedule << " wd " << text::number(config.wd) << ", batch "
            << config.batch << ", " << config.steps << " steps\n";
  const Clock::time_point start = Clock::now();
  Trainer trainer(config);
  trainer.sample_in_background(BatchStream::draws_ahead(options.sample_ahead, 1));   // the same run, sooner
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

bool ReproduceOptions::given(const std::string& name) const {
  for (const std::vector<CLI::Option*>* list : {&recipe_options, &task_options})
    for (CLI::Option* option : *list)
      if (option->get_name() == name) return option->count() > 0;
  return false;
}

void ReproduceOptions::apply_overrides(Recipe& recipe) const {
  bool overridden = false;
  for (CLI::Option* option : recipe_options) overridden = overridden || option->count() > 0;
  if (!overridden) return;
  if (given("--optimizer")) recipe.optimizer = overrides.optimizer;
  if (given("--lr")) recipe.lr = overrides.lr;
  if (given("--wd")) recipe.wd = overrides.wd;
  if (given("--schedule")) recipe.schedule = overrides.schedule;
  if (given("--batch")) recipe.batch = overrides.batch;
  if (given("--steps")) recipe.steps = overrides.steps;
  if (given("--init-std")) recipe.init_std = overrides.init_std;
  recipe.name = "custom";
}

void check_jobs(int jobs) {
  if (jobs < 1 || jobs > kMaxFig9Jobs)
    throw std::invalid_argument("jobs must be in [1, " + std::to_string(kMaxFig9Jobs) + "] (got " +
                                std::to_string(jobs) + ")");
}

Command add_reproduce_command(CLI::App& app) {
  auto options = std::make_shared<ReproduceOptions>();
  CLI::App* command = app.add_subcommand(
      "reproduce",
      "rerun a figure of the paper and print one JSON line; figures: fig2 (Figs. 2/6: chain, icl, random tree; "
      "parameter-view parent recovery and loss - Bayes per task), fig5 (Figs. 5/7: two parents, which first-layer "
      "head took which parent), rate (the theorem: ||A - G||_inf of the chain's position block at T = 8..64 and "
      "its log-log slope: the theorem says about -1, the fast budget gives -0.6), fig8 (standard transformer on the chain: data-view parent recovery "
      "and loss - Bayes), fig9 (random DAGs, paper: 0.837 +- 0.054)");
  command->add_option("figure", options->figure, "the figure to reproduce; allowed: fig2|fig5|rate|fig8|fig9")
      ->required();
  command->add_option("--recipe", options->recipe,
                      "training recipe: fast (ours, about a minute per model natively; rate: Adam lr 0.02, batch 64, 3000 steps, S = 10, 3 seeds per T) or paper (the authors': fig2 SGD lr 1 "
                      "cosine, batch 1024, 2^17 steps; fig5 AdamW lr 0.01 cosine, batch 1024, 2^16 steps; fig9 SGD "
                      "lr 1, batch 1024, 2^14 steps); rate has fast only")
      ->capture_default_str();
  command->add_option("--task", options->task, "fig2: the task to train; allowed: chain|icl|tree|all")
      ->capture_default_str();
  command->add_option("--Ts", options->Ts, "rate: the lengths T, increasing; allowed: 2 to 8 values in [4, 64]")
      ->capture_default_str();
  command->add_option("--seeds", options->seeds, "rate: models per T (seeds seed..seed+seeds-1); allowed: [1, 100]")
      ->capture_default_str();
  Fig9Settings& s = options->settings;
  command->add_option("--graphs", s.graphs, "fig9: random DAGs to train; allowed: [1, 1000]")->capture_default_str();
  command->add_option("--q", s.q, "fig9: probability that a position has a parent; allowed: [0, 1]")
      ->capture_default_str();
  options->task_options = {
      command->add_option("--S", s.S, "vocabulary size (default: fig2 10, fig5 5, rate 10, fig9 3); allowed: [2, 64]"),
      command->add_option("--T", s.T, "input tokens (default: fig2 20, fig5 32, fig9 20); allowed: [3, 64]"),
      command->add_option("--alpha", s.alpha, "Dirichlet concentration (default 0.1); allowed: [0.001, 100]"),
      command->add_option("--heads", options->heads,
                          "heads per layer (default: 1,1; fig5 2,1), one first-layer head per parent"),
      command->add_option("--seed", s.seed,
                          "data and init seed (default: 0; fig5 1; fig9 graph g uses seed + g; rate seed + k)"),
      command->add_option("--graph-seed", s.first_graph_seed,
                          "random graphs' seed (fig2 tree; fig9 graph g uses graph-seed + g; default 0)"),
  };
  Recipe& o = options->overrides;
  options->recipe_options = {
      command->add_option("--optimizer", o.optimizer, "overrides the recipe's update rule; allowed: sgd|adam|adamw"),
      command->add_option("--lr", o.lr, "overrides the recipe's learning rate; allowed: (0, 10000]"),
      command->add_option("--wd", o.wd, "overrides the recipe's weight decay; allowed: [0, 10]"),
      command->add_option("--schedule", o.schedule, "overrides the recipe's schedule; allowed: constant|cosine"),
      command->add_option("--batch", o.batch, "overrides the recipe's batch; allowed: [1, 8192]"),
      command->add_option("--steps", o.steps, "overrides the recipe's steps per model; allowed: [1, 100000000]"),
      command->add_option("--init-std", o.init_std, "overrides the recipe's init std of A; allowed: [0, 10]"),
  };
  command->add_option("--jobs", options->jobs,
                      "models trained at once, one thread each (fig2, rate, fig9; same JSON as 1); allowed: [1, 64]")
      ->capture_default_str();
  command->add_flag("--maps", options->maps, "add each model's (T, T) first-layer position attention");
  add_sample_ahead_option(command, options->sample_ahead);
  return {command, [options, command] {
            // The command as typed, for results that record it (the rate's "command").
            options->command_line = "cpg reproduce " + options->figure;
            for (const CLI::Option* option : command->get_options()) {
              if (option->get_name().rfind("--", 0) != 0 || option->count() == 0 || option->get_name() == "--help")
                continue;
              options->command_line += " " + option->get_name();
              if (option->get_expected_min() > 0)
                for (const std::string& value : option->results()) options->command_line += " " + value;
            }
            if (options->figure == "fig2") return run_fig2_command(*options);
            if (options->figure == "fig5") return run_fig5_command(*options);
            if (options->figure == "rate") return run_rate_command(*options);
            if (options->figure == "fig9") return run_fig9_command(*options);
            if (options->figure == "fig8") return run_fig8_command(*options);
            throw std::invalid_argument("figure must be one of fig2|fig5|rate|fig8|fig9 (got " +
                                        text::quoted(options->figure) + ")");
          }};
}

}  // namespace cpg::cli
