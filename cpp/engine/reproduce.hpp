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

 private:
  std::unique_ptr<Trainer> trainer_;
};

// Trains graph `index` of the sweep and measures it (a caller that must stay responsive, like
// the page's worker, can run the sweep one graph at a time and summarize). When progress
// returns false the graph comes back with completed = false. Throws std::invalid_argument for
// bad settings.
Fig9Graph run_fig9_graph(const Fig9Settings& settings, int index, const Fig9Progress& progress = nullptr);

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
Fig9Result run_fig9(const Fig9Settings& settings, const Fig9Progress& progress = nullptr, int jobs = 1);

// --- Figure 8 --------------------------------------------------------------------------------
// The standard transformer (model=standard) on the in-context Markov chain, with the authors'
// recipe (tf_with_mlp.ipynb): chain, S = 10, T = 20, alpha = 0.1, heads [1, 1], AdamW lr 0.01,
// cosine, wd 2e-4, batch 1024, 4096 steps. Its first layer is read on data: the test-set
// attention of the first-layer head, averaged over sequences (there is no position block), and
// its parent recovery is the mean weight of each position's row on its parent.
TrainConfig fig8_config();

}  // namespace cpg
