// Reproductions of the paper's figures.
//
// Figure 9 (random DAGs): train one model per random DAG (q = 0.5, S = 3, T = 20,
// alpha = 0.1, heads [1, 1]), then read, for every position i that has a parent p(i), the
// weight of the first layer's position block soft-maxed per row (position_attention) on
// p(i). The authors' notebook (many_graphs.ipynb) reports the mean over 20 graphs of each
// graph's mean, 0.837, with a standard deviation over graphs of 0.054 (numpy's population
// std), and plots per position the mean and std over the graphs that have a parent there.
//
// S vocab, T tokens, G graphs.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "batch_stream.hpp"
#include "config.hpp"

namespace cpg {

class Trainer;

// --- Recipes ---------------------------------------------------------------------------------

// How each graph is trained. Fields mean what they mean in TrainConfig; the defaults are the
// fast recipe.
struct Fig9Recipe {
  std::string name = "fast";        // fast | paper | custom (a named recipe with an override)
  std::string optimizer = "sgd";
  double lr = 4.0;
  double wd = 0.0;
  std::string schedule = "cosine";
  int batch = 64;
  int64_t steps = 8000;
  double init_std = 0.0;            // with W = 0 always: the paper's A = W = 0
};

// "paper": the authors' notebook (SGD, lr 1, constant, no weight decay, A = W = 0, batch 1024,
// 2^14 steps: 16.8M sequences per graph). "fast": the same SGD from A = W = 0 with a cosine
// decay from lr 4, batch 64 and 8000 steps (0.51M sequences, 33x fewer); see reproduce.cpp for
// how it was chosen.
// Throws std::invalid_argument naming `recipe` for another name.
Fig9Recipe fig9_recipe(const std::string& name);

// The paper's reported numbers, to print next to ours.
constexpr double kFig9PaperMean = 0.837;
constexpr double kFig9PaperStd = 0.054;

struct Fig9Settings {
  int graphs = 20;                  // G, trained one after the other (or `jobs` at once, run_fig9)
  double q = 0.5;                   // probability that a position has a parent
  int S = 3;
  int T = 20;
  double alpha = 0.1;
  std::vector<int> heads = {1, 1};
  Fig9Recipe recipe;                // the fast recipe unless set
  uint32_t seed = 0;                // graph g trains with data and init seed `seed + g`
  uint32_t first_graph_seed = 0;    // graph g is make_random_dag with graph_seed `first + g`
  int64_t progress_every = 100;     // steps between progress calls
  int test_size = 512;              // sequences of the per-graph test loss
};

// Empty when valid; otherwise one message naming the field and its allowed range.
std::string validation_error(const Fig9Settings& settings);

// --- Results ---------------------------------------------------------------------------------

struct Fig9Graph {
  uint32_t graph_seed = 0;
  std::vector<int> parent;               // (T) parent of position i, -1 for none
  std::vector<double> parent_attention;  // (T) attention from i to parent[i]; -1 where parent[i] = -1
  std::vector<double> attention;         // (T, T) position_attention of the first-layer head
  int positions_with_parent = 0;
  double mean = -1;                      // mean of parent_attention over positions with a parent; -1 if none
  double test_loss = 0;                  // after training, on test_size fresh sequences
  double bayes_loss = 0;                 // the Bayes-optimal loss on the same sequences
  int64_t steps = 0;                     // steps done (fewer than planned if diverged or cancelled)
  bool diverged = false;
  bool completed = false;                // false when cancelled before the last step
};

// Statistics over graphs. Graphs without any parent do not count (they have no mean).
struct Fig9Summary {
  int graphs_counted = 0;
  double mean = 0;                      // mean over graphs of Fig9Graph::mean
  double std = 0;                       // population std over graphs (numpy's default)
  std::vector<double> position_mean;    // (T) over graphs with a parent at i; -1 where none has
  std::vector<double> position_std;     // (T) population std over the same graphs; -1 where none has
  std::vector<int> position_graphs;     // (T) graphs with a parent at i: the mask of the two above
};

struct Fig9Result {
  Fig9Settings settings;                // including the recipe that ran
  std::vector<Fig9Graph> graphs;        // the completed ones, in order
  Fig9Summary summary;                  // over `graphs`
  bool cancelled = false;
  int diverged_graphs = 0;
};

// Fills `mean` and `positions_with_parent` from `parent` and `parent_attention`.
void finish_graph_mean(Fig9Graph& graph);

// The statistics of Figure 9 over already-measured graphs: a pure function of each graph's
// `parent`, `parent_attention`, `mean` and `positions_with_parent`. All graphs must have the
// same T.
Fig9Summary summarize_fig9(const std::vector<Fig9Graph>& graphs);

// A sweep's result from graphs measured one at a time: the summary over them and the count of
// diverged ones.
Fig9Result fig9_result(const Fig9Settings& settings, std::vector<Fig9Graph> graphs, bool cancelled);

// --- Running ---------------------------------------------------------------------------------

// (graph index from 0, graphs, step): called every progress_every steps while a graph trains,
// and by run_fig9 once more when a graph is done, with step = the planned steps even if it
// stopped early by diverging. Return false to cancel.
using Fig9Progress = std::function<bool(int graph, int graphs, int64_t step)>;

// Graph `index` of the sweep, trained a few steps at a time: the one place that sets up a
// graph's training (the recipe) and reads the result (the measurement). run_fig9_graph drives
// it with progress calls; the page's worker drives it between events, so it stays responsive.
class Fig9GraphRun {
 public:
  // Throws std::invalid_argument for bad settings or an index outside [0, graphs).
  Fig9GraphRun(const Fig9Settings& settings, int index);
  ~Fig9GraphRun();
  Fig9GraphRun(const Fig9GraphRun&) = delete;
  Fig9GraphRun& operator=(const Fig9GraphRun&) = delete;

  // Trains up to n more steps, fewer when the planned steps are reached or the run diverges.
  // Returns the steps done.
  int64_t advance(int64_t n);
  int64_t step() const;
  int64_t planned_steps() const;
  // The planned steps are done, or the run diverged.
  bool done() const;
  // The measurement at the current step. `completed` = false marks a graph cut short by a
  // cancel; its test loss is then not evaluated.
  Fig9Graph measure(bool completed);
  // Draws the next batch on a thread of its own meanwhile (Trainer::sample_in_background).
  void sample_in_background(bool on);

 private:
  std::unique_ptr<Trainer> trainer_;
};

// Trains graph `index` of the sweep and measures it (a caller that must stay responsive, like
// the page's worker, can run the sweep one graph at a time and summarize). When progress
// returns false the graph comes back with completed = false. Throws std::invalid_argument for
// bad settings.
// sample_ahead draws each next batch on a second thread (the same result, faster on a spare core).
Fig9Graph run_fig9_graph(const Fig9Settings& settings, int index, const Fig9Progress& progress = nullptr,
                         bool sample_ahead = false);

// Threads run_fig9 may use: graphs in parallel, each with its own Trainer.
constexpr int kMaxFig9Jobs = 64;

// The whole sweep. On cancellation returns the graphs finished so far with cancelled = true.
// Throws std::invalid_argument for bad settings, or for jobs outside [1, kMaxFig9Jobs].
//
// jobs > 1 trains that many graphs at once on threads of their own; each graph's result depends
// only on the settings and its index, so the result is the same as with jobs = 1. Progress calls
// then come from those threads, one at a time (never two at once), graphs interleaved; a false
// from any of them cancels every graph still training, and the result keeps the graphs finished
// before the first one cut short, in order.
// sample_ahead: whether each graph draws its batches on a thread of its own (the same result).
Fig9Result run_fig9(const Fig9Settings& settings, const Fig9Progress& progress = nullptr, int jobs = 1,
                    SampleAhead sample_ahead = SampleAhead::automatic);

// --- Figure 8 --------------------------------------------------------------------------------
// The standard transformer (model=standard) on the in-context Markov chain, with the authors'
// recipe (tf_with_mlp.ipynb): chain, S = 10, T = 20, alpha = 0.1, heads [1, 1], AdamW lr 0.01,
// cosine, wd 2e-4, batch 1024, 4096 steps. Its first layer is read on data: the test-set
// attention of the first-layer head, averaged over sequences (there is no position block), and
// its parent recovery is the mean weight of each position's row on its parent.
TrainConfig fig8_config();

// --- Figures 2/6 and 5/7, and the theorem's rate ----------------------------------------------
// One model per task, trained with a named recipe and read from the parameter view: the first
// layer's position block soft-maxed per row (position_attention), as the paper's heat maps.
//
// Figures 2 and 6 (single_parent.py): chain, icl and random tree; S = 10, T = 20, alpha = 0.1,
// heads [1, 1]. Parent recovery is the mean weight of each row that has a parent on it.
// Figures 5 and 7 (multi_parent.ipynb): the two-parent graph paper2 (parents (i-1) div 2 and
// i-1); S = 5, T = 32, alpha = 0.1, heads [2, 1]. Each first-layer head's recovery of each parent
// says which head took which parent.
// The rate: the chain at several T; the error of the position block against the adjacency
// should shrink like 1/T (the paper's theorem). See rate_error for the norm.

// Every figure's recipe has Fig9Recipe's fields; Recipe is its general name.
using Recipe = Fig9Recipe;

// The recipe's training fields (optimizer, lr, wd, schedule, batch, steps, init_std) written
// into `config`, and read back from one (named `name`): the one place they are copied.
void apply_recipe(const Recipe& recipe, TrainConfig* config);
Recipe recipe_of(const TrainConfig& config, const std::string& name);

// "paper": single_parent.py (SGD lr 1, cosine, batch 1024, 2^17 steps, A = W = 0). "fast": Adam
// lr 0.02 cosine, batch 128, 3000 steps, A = W = 0; see reproduce_models.cpp for how it was chosen. Throws std::invalid_argument naming `recipe` for another name.
Recipe fig2_recipe(const std::string& name);
// "paper": multi_parent.ipynb (AdamW lr 1e-2 cosine, wd 1e-4, batch 1024, 2^16 steps,
// A ~ 1e-4 N(0, 1)). "fast": the page's recipe (Adam lr 0.02, batch 128, 8000 steps,
// init std 0.1). Throws std::invalid_argument naming `recipe` for another name.
Recipe fig5_recipe(const std::string& name);
// "fast" only (the paper has no such experiment): Adam lr 0.02 constant, batch 64, 3000 steps,
// A = W = 0; see reproduce_models.cpp for how it was chosen.
Recipe rate_recipe(const std::string& name);

// The test loss and the parameter-view parent recovery at one step of a run.
struct CurvePoint {
  int64_t step = 0;
  double test_loss = 0;
  double bayes_loss = 0;
  std::vector<std::vector<double>> recovery;  // [first-layer head][parent slot]
};

// One trained model, measured at its last step.
struct ModelRun {
  std::string label;                            // the task ("chain") or "T=16 seed 2"
  TrainConfig config;
  std::vector<std::vector<int>> parents;        // the graph's parents per node
  std::vector<std::vector<double>> recovery;    // [first-layer head][parent slot], parameter view
  std::vector<std::vector<double>> attention;   // [first-layer head] (T, T) position_attention
  double test_loss = 0;
  double bayes_loss = 0;
  int64_t steps = 0;
  bool diverged = false;
  std::vector<CurvePoint> curve;                // step 0, evenly spaced points, the last step
  double seconds = 0;                           // wall time of this run (differs between jobs)
};

// (run index from 0, runs, step): called about every progress_every steps from the training
// thread, one call at a time; step = the planned steps once a run is done.
using RunProgress = std::function<void(int run, int runs, int64_t step)>;

// Trains each config (labels[i] names configs[i]) and measures it, with `curve_points`
// evaluations after step 0 spread evenly over the run. jobs > 1 trains that many at once on
// threads of their own; each result depends only on its config, so it is the same as with
// jobs = 1 (but for `seconds`). Throws std::invalid_argument for a bad config, curve_points
// outside [1, 1000] or jobs outside [1, kMaxFig9Jobs].
std::vector<ModelRun> run_models(const std::vector<TrainConfig>& configs, const std::vector<std::string>& labels,
                                 int curve_points, const RunProgress& progress = nullptr, int jobs = 1,
                                 int64_t progress_every = 100, SampleAhead sample_ahead = SampleAhead::automatic);

struct Fig2Settings {
  std::vector<std::string> tasks = {"chain", "icl", "tree"};  // each of chain | icl | tree
  int S = 10;
  int T = 20;
  double alpha = 0.1;
  std::vector<int> heads = {1, 1};
  Recipe recipe = fig2_recipe("fast");
  uint32_t seed = 0;                // data and init seed of every task
  uint32_t graph_seed = 0;          // the random tree's seed
  int curve_points = 32;
  int test_size = 1024;
};
// Empty when valid; otherwise one message naming the field and its allowed range.
std::string validation_error(const Fig2Settings& settings);
// One TrainConfig per task, in the order of `tasks`.
std::vector<TrainConfig> fig2_configs(const Fig2Settings& settings);

struct Fig5Settings {
  int S = 5;
  int T = 32;
  double alpha = 0.1;
  std::vector<int> heads = {2, 1};
  Recipe recipe = fig5_recipe("fast");
  uint32_t seed = 1;                // the page's seed
  int curve_points = 32;
  int test_size = 1024;
};
std::string validation_error(const Fig5Settings& settings);
TrainConfig fig5_config(const Fig5Settings& settings);

struct RateSettings {
  std::vector<int> Ts = {8, 16, 32, 64};  // increasing, each in [4, 64]
  int seeds = 3;                    // models per T, seeds seed .. seed + seeds - 1
  int S = 10;
  double alpha = 0.1;
  Recipe recipe = rate_recipe("fast");
  uint32_t seed = 0;
  int test_size = 256;
};
std::string validation_error(const RateSettings& settings);
// T-major: config k is T = Ts[k / seeds] with seed `seed + k % seeds`.
std::vector<TrainConfig> rate_configs(const RateSettings& settings);

// The theorem's error of one single-parent model's (T, T) position block A against the graph's
// adjacency G, over the rows that have a parent (position 0 and the query T-1 have none, so G has
// no target row for them and they are left out):
//  - inf_norm: the matrix infinity norm of A - G, the max over rows of the row's L1 error. A row
//    sums to 1, so that is 2 max_i (1 - A[i][p(i)]): the worst row's attention off its parent.
//    (The entrywise max |A - G| is exactly half of it for one parent, so it adds nothing.)
//  - off_parent_max: the largest single weight off the parent, max_{i, j != p(i)} A[i][j].
// {-1, -1} when no row has a parent.
struct RateError {
  double inf_norm = -1;
  double off_parent_max = -1;
};
RateError rate_error(const Graph& graph, const std::vector<double>& attention);

struct RatePoint {
  int T = 0;
  std::vector<double> inf_norm;     // per seed
  std::vector<double> off_parent_max;  // per seed
  double inf_norm_mean = 0, inf_norm_std = 0;  // over seeds (population std)
  double off_parent_max_mean = 0, off_parent_max_std = 0;
  double loss_minus_bayes_max = 0;  // over the seeds
  int diverged = 0;
};
struct RateResult {
  RateSettings settings;
  std::vector<RatePoint> points;    // one per T
  double slope = 0;                 // least-squares slope of log inf_norm_mean against log T
  double off_parent_slope = 0;      // the same for off_parent_max_mean
};
// The rate from measured runs (rate_configs' order).
RateResult rate_result(const RateSettings& settings, const std::vector<ModelRun>& runs);
// Least-squares slope of log y against log x (x, y > 0, at least two distinct x).
double log_log_slope(const std::vector<double>& x, const std::vector<double>& y);

}  // namespace cpg
