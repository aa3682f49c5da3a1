// The key lemma of docs/science.md, computed: at the "lemma initialization" of a two-layer
// CatFormer, the gradient of the loss with respect to the first layer's position block is, entry
// for entry, close to minus the chi-square mutual information between positions. By the
// data-processing inequality that information is largest at the true parent, so one gradient
// step already points every position at its parent (a Chow-Liu step for tree-shaped models).
//
// S vocab, T tokens (T-1 is the query), B batch, pi (S, S) one transition law, mu (S) its
// stationary law, d_l width of the stream entering layer l: d_0 = S + T, d_1 = 2 d_0, d_2 = 2 d_1
// for heads [1, 1].
//
// Single-parent tasks only: their positions form a forest, so the joint law of two positions
// follows from their lowest common ancestor (multi-parent graphs have no such closed form).
#pragma once

#include <string>
#include <vector>

#include <xtensor/xtensor.hpp>

#include "catformer.hpp"
#include "config.hpp"
#include "graph.hpp"
#include "rng.hpp"

namespace cpg {

// ==========================================================================================
// Chi-square mutual information
// ==========================================================================================
//   I_chi2(s_i; s_j) = sum_{x,y} P(s_i=x, s_j=y)^2 / (mu(x) mu(y)) - 1
// For i, j in one tree with lowest common ancestor a, d_i and d_j their depths below a:
//   P(s_i=x, s_j=y) = sum_z mu(z) pi^{d_i}(z, x) pi^{d_j}(z, y)
// (every root follows mu and mu pi = mu, so a's marginal is mu). Positions in different trees
// are independent and get 0. Matrices are (T, T) row-major and symmetric. The diagonal holds 0,
// not I(s_i; s_i): attention to oneself is not part of the lemma. The query T-1 is uniform and
// drawn on its own, so its row and column are 0.

// Exact, for one transition law pi (S, S).
std::vector<double> chi_square_information_for_law(const Graph& graph, const xt::xtensor<double, 2>& pi);

// E_pi of the above, pi ~ the task's prior (S rows, each Dirichlet(alpha 1_S)), by Monte Carlo
// over `samples` draws from `rng`. Throws std::invalid_argument for multi-parent graphs.
std::vector<double> chi_square_mutual_information(const Graph& graph, int S, double alpha, int samples, Rng& rng);

// ==========================================================================================
// The lemma initialization (heads [1, 1] only)
// ==========================================================================================
// The second layer compares the query's own token with the token that the first layer copied,
// and W reads out the token that the second layer copied (the induction head, wired by hand):
//   A_1 = 0
//   A_2[r, d_0 + r] = beta   for r < S   (query's onehot(s_q) against layer 1's copied tokens)
//   W[d_1 + r, r]   = w      for r < S   (logits = w * the tokens the second layer attends to)
// and every other entry 0. Throws std::invalid_argument naming `heads` for other shapes.
template <typename Real>
Params<Real> lemma_initialization(const ModelShape& shape, double beta, double w);

// ==========================================================================================
// The lemma view
// ==========================================================================================

// Settings of the view beyond the task (the task comes from a TrainConfig). Defaults are the
// ones `cpg lemma` and the page start from; see theory.cpp for why these values.
struct LemmaSettings {
  double beta = 1.0;        // second-layer scale
  double w = 1.0;           // readout scale
  int batch = 8192;         // sequences in the one gradient evaluation
  int mi_samples = 2000;    // Monte Carlo draws of pi for the information matrix
};

// Ranges of the LemmaSettings fields, as --help prints them and messages quote them.
const std::vector<FieldRange>& lemma_field_ranges();
// Empty when both are valid for the view; otherwise one message naming the field and its range
// (the task fields through validation_error, then single-parent only, then the settings).
std::string lemma_validation_error(const TrainConfig& config, const LemmaSettings& settings);

// One off-diagonal entry j < i of the two matrices, each row-centred (see LemmaView).
struct LemmaPoint {
  int i = 0, j = 0;
  double gradient = 0;      // -dL/dA_1[S+i, S+j] minus its row's mean over j < i
  double information = 0;   // I_chi2(s_i; s_j) minus its row's mean over j < i
};

struct LemmaView {
  Graph graph;
  int S = 0, T = 0;
  double loss = 0;                          // at the lemma initialization, on the batch
  std::vector<double> gradient;             // (T, T) -dL/dA_1 over the position block; 0 above the diagonal
  std::vector<double> mutual_information;   // (T, T) I_chi2, as chi_square_mutual_information
  std::vector<int> parent;                  // (T) p(i), or -1 for a root and the query
  std::vector<int> gradient_argmax;         // (T) argmax_{j<i} gradient[i][j], or -1 for i = 0
  int parent_hits = 0;                      // positions with a parent whose argmax is that parent
  int positions_with_parent = 0;
  // Pearson correlation of the scatter below. Rows are centred because softmax ignores a shift
  // of a whole row, so only differences within a row can steer attention.
  double pearson_row_centred = 0;
  std::vector<LemmaPoint> scatter;          // rows i = 2..T-1 (the query's included), j < i
};

// Builds the graph of `config` (graph, graph_seed, ...), samples settings.batch sequences
// (seed config.seed), evaluates the exact gradient of the engine's CatFormer<double> at the lemma
// initialization, and compares it with the Monte Carlo information matrix. Throws
// std::invalid_argument with lemma_validation_error's message for a bad config or settings.
LemmaView lemma_view(const TrainConfig& config, const LemmaSettings& settings = LemmaSettings());

// Pearson correlation of two equally long series; 0 when either is constant.
double pearson_correlation(const std::vector<double>& x, const std::vector<double>& y);

}  // namespace cpg
