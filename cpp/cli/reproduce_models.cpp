// cpg reproduce fig2 | fig5 | rate: one model per task (or per T and seed), trained with a named
// recipe (reproduce.hpp) and read from the parameter view; see reproduce.cpp's header for the
// figures and figures_json.hpp for the JSON. Progress goes to stderr at least every 10 s, with
// an ETA from the steps done so far.
#include <algorithm>
#include <chrono>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "commands.hpp"
#include "config.hpp"
#include "figures_json.hpp"
#include "io.hpp"
#include "reproduce.hpp"
#include "reproduce_options.hpp"
#include "text.hpp"

namespace cpg::cli {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Prints "task 2/3 step 40000/131072, 85 s, ETA 310 s" at most every 10 s and a line when a
// model is done. The ETA weighs each model's steps by batch x T x (S + T), a rough cost of a step
// (the first layer's attention and readout), so it is rough across T. Calls come one at a time
// (run_models serializes them).
class ProgressPrinter {
 public:
  ProgressPrinter(const std::vector<TrainConfig>& configs, const std::vector<std::string>& labels, std::string what)
      : labels_(labels), what_(std::move(what)), done_(configs.size(), 0), planned_(configs.size(), 0),
        weight_(configs.size(), 0) {
    for (size_t k = 0; k < configs.size(); ++k) {
      planned_[k] = configs[k].steps;
      weight_[k] = static_cast<double>(configs[k].batch) * configs[k].T * (configs[k].S + configs[k].T);
      total_ += weight_[k] * static_cast<double>(configs[k].steps);
    }
  }

  void operator()(int run, int runs, int64_t step) {
    done_[run] = step;
    const double elapsed = seconds_since(start_);
    const bool finished = step >= planned_[run];
    if (!finished && seconds_since(last_) < 10.0) return;
    last_ = Clock::now();
    double done = 0;
    for (size_t k = 0; k < done_.size(); ++k) done += weight_[k] * static_cast<double>(done_[k]);
    std::ostringstream line;
    line << what_ << " " << run + 1 << "/" << runs << " (" << labels_[run] << ") "
         << (finished ? "done" : "step " + std::to_string(step) + "/" + std::to_string(planned_[run])) << ", "
         << text::number(elapsed) << " s";
    if (done > 0 && done < total_)
      line << ", ETA " << text::number(elapsed * (total_ - done) / done)
           << " s";
    std::cerr << line.str() << "\n";
  }

  RunProgress callback() {
    return [this](int run, int runs, int64_t step) { (*this)(run, runs, step); };
  }

 private:
  std::vector<std::string> labels_;
  std::string what_;
  std::vector<int64_t> done_, planned_;
  std::vector<double> weight_;
  double total_ = 0;
  Clock::time_point start_ = Clock::now(), last_ = Clock::now();
};

std::string recipe_line(const Recipe& r) {
  return "recipe " + r.name + ": " + r.optimizer + " lr " + text::number(r.lr) + " " + r.schedule + ", wd " +
         text::number(r.wd) + ", batch " + std::to_string(r.batch) + ", " + std::to_string(r.steps) +
         " steps, init std " + text::number(r.init_std);
}

// The recovery of every first-layer head in words: "0.93" or "head 1: 0.02 0.91, head 2: ...".
std::string recovery_text(const std::vector<std::vector<double>>& recovery) {
  std::string out;
  for (size_t h = 0; h < recovery.size(); ++h) {
    if (recovery.size() > 1) out += (h ? ", head " : "head ") + std::to_string(h + 1) + ":";
    for (double r : recovery[h]) out += (recovery.size() > 1 ? " " : "") + text::number(r);
  }
  return out;
}

std::vector<int> parse_lengths(const std::string& text) {
  std::vector<int> Ts;
  std::stringstream in(text);
  std::string item;
  const std::string allowed = "T must list 2 to 8 increasing lengths in [4, 64], e.g. 8,16,32,64";
  while (std::getline(in, item, ',')) {
    size_t used = 0;
    long value = 0;
    try {
      value = std::stol(item, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || used != item.size() || value < 4 || value > 64)
      throw std::invalid_argument(allowed + " (got " + text::quoted(clip(item, 20)) + ")");
    Ts.push_back(static_cast<int>(value));
  }
  if (Ts.size() > 8 || Ts.size() < 2)
    throw std::invalid_argument(allowed + " (got " + std::to_string(Ts.size()) + " values)");
  return Ts;
}

}  // namespace

int run_fig2_command(const ReproduceOptions& options) {
  Fig2Settings settings;
  if (options.task == "all") settings.tasks = {"chain", "icl", "tree"};
  else if (options.task == "chain" || options.task == "icl" || options.task == "tree") settings.tasks = {options.task};
  else throw std::invalid_argument("task must be one of chain|icl|tree|all (got " + text::quoted(clip(options.task)) + ")");
  settings.recipe = fig2_recipe(options.recipe);
  options.apply_overrides(settings.recipe);
  const Fig9Settings& s = options.settings;
  if (options.given("--S")) settings.S = s.S;
  if (options.given("--T")) settings.T = s.T;
  if (options.given("--alpha")) settings.alpha = s.alpha;
  if (options.given("--heads")) settings.heads = parse_heads(options.heads);
  if (options.given("--seed")) settings.seed = s.seed;
  if (options.given("--graph-seed")) settings.graph_seed = s.first_graph_seed;
  const std::string error = validation_error(settings);
  if (!error.empty()) throw std::invalid_argument(error);
  check_jobs(options.jobs);

  std::cerr << "cpg reproduce fig2: " << settings.tasks.size() << " task(s) (S = " << settings.S
            << ", T = " << settings.T << ", alpha = " << text::number(settings.alpha) << "), "
            << recipe_line(settings.recipe) << "\n";
  const Clock::time_point start = Clock::now();
  const std::vector<TrainConfig> configs = fig2_configs(settings);
  ProgressPrinter printer(configs, settings.tasks, "task");
  const std::vector<ModelRun> runs =
      run_models(configs, settings.tasks, settings.curve_points, printer.callback(), options.jobs, 100,
                 options.sample_ahead);
  const double seconds = seconds_since(start);
  for (const ModelRun& run : runs)
    std::cerr << run.label << ": parent recovery (parameter view) " << recovery_text(run.recovery)
              << ", loss - Bayes " << text::number(run.test_loss - run.bayes_loss) << ", "
              << text::number(run.seconds) << " s" << (run.diverged ? ", diverged" : "") << "\n";
  write_line(std::cout, fig2_json(settings, runs, options.maps, seconds).dump(), "stdout");
  for (const ModelRun& run : runs)
    if (run.diverged) return 3;
  return 0;
}

int run_fig5_command(const ReproduceOptions& options) {
  Fig5Settings settings;
  settings.recipe = fig5_recipe(options.recipe);
  options.apply_overrides(settings.recipe);
  const Fig9Settings& s = options.settings;
  if (options.given("--S")) settings.S = s.S;
  if (options.given("--T")) settings.T = s.T;
  if (options.given("--alpha")) settings.alpha = s.alpha;
  if (options.given("--heads")) settings.heads = parse_heads(options.heads);
  if (options.given("--seed")) settings.seed = s.seed;
  const std::string error = validation_error(settings);
  if (!error.empty()) throw std::invalid_argument(error);
  check_jobs(options.jobs);

  std::cerr << "cpg reproduce fig5: two parents ((i-1) div 2, i-1; S = " << settings.S << ", T = " << settings.T
            << ", alpha = " << text::number(settings.alpha) << "), " << recipe_line(settings.recipe) << "\n";
  const Clock::time_point start = Clock::now();
  const std::vector<TrainConfig> configs = {fig5_config(settings)};
  const std::vector<std::string> labels = {"paper2"};
  ProgressPrinter printer(configs, labels, "model");
  const std::vector<ModelRun> runs =
      run_models(configs, labels, settings.curve_points, printer.callback(), 1, 100, options.sample_ahead);
  const double seconds = seconds_since(start);
  const ModelRun& run = runs[0];
  std::cerr << "recovery of parents ((i-1) div 2, i-1), parameter view: " << recovery_text(run.recovery)
            << "; loss - Bayes " << text::number(run.test_loss - run.bayes_loss) << ", " << text::number(seconds)
            << " s\n";
  write_line(std::cout, fig5_json(settings, run, options.maps, seconds).dump(), "stdout");
  return run.diverged ? 3 : 0;
}

int run_rate_command(const ReproduceOptions& options) {
  RateSettings settings;
  settings.Ts = parse_lengths(options.Ts);
  settings.seeds = options.seeds;
  settings.recipe = rate_recipe(options.recipe);
  options.apply_overrides(settings.recipe);
  const Fig9Settings& s = options.settings;
  if (options.given("--S")) settings.S = s.S;
  if (options.given("--alpha")) settings.alpha = s.alpha;
  if (options.given("--seed")) settings.seed = s.seed;
  if (options.given("--T")) throw std::invalid_argument("T: the rate takes its lengths from --Ts, e.g. --Ts 8,16,32,64");
  if (options.given("--heads")) throw std::invalid_argument("heads: the rate always trains heads 1,1");
  const std::string error = validation_error(settings);
  if (!error.empty()) throw std::invalid_argument(error);
  check_jobs(options.jobs);

  std::cerr << "cpg reproduce rate: chain at T = " << options.Ts << ", " << settings.seeds << " seed(s) each (S = "
            << settings.S << ", alpha = " << text::number(settings.alpha) << "), " << recipe_line(settings.recipe)
            << "\n";
  const Clock::time_point start = Clock::now();
  const std::vector<TrainConfig> configs = rate_configs(settings);
  std::vector<std::string> labels;
  for (const TrainConfig& config : configs)
    labels.push_back("T=" + std::to_string(config.T) + " seed " + std::to_string(config.seed));
  ProgressPrinter printer(configs, labels, "model");
  const std::vector<ModelRun> runs = run_models(configs, labels, 1, printer.callback(), options.jobs, 100, options.sample_ahead);
  const double seconds = seconds_since(start);
  const RateResult result = rate_result(settings, runs);
  for (const RatePoint& point : result.points)
    std::cerr << "T = " << point.T << ": ||A - G||_inf " << text::number(point.inf_norm_mean) << " +- "
              << text::number(point.inf_norm_std) << ", largest weight off the parent " << text::number(point.off_parent_max_mean)
              << ", loss - Bayes at most " << text::number(point.loss_minus_bayes_max) << "\n";
  std::cerr << "slope of log error against log T: " << text::number(result.slope) << " (largest weight off the parent: "
            << text::number(result.off_parent_slope) << "; the theorem: about -1), " << text::number(seconds) << " s\n";
  write_line(std::cout, rate_json(result, seconds, options.command_line).dump(), "stdout");
  return 0;
}

}  // namespace cpg::cli
