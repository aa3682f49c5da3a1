// Sequences from a causal graph with a fresh transition law per sequence (docs/science.md, "Tasks").
//
// S vocab, T input tokens, B batch, k in-degree.
// Single-parent tasks: pi is S Dirichlet(alpha) rows; roots follow the stationary law mu of pi;
// the query s_{T-1} is uniform and the target is the row pi[s_{T-1}].
// Multi-parent tasks: one order-k table pi_k over S^k contexts per in-degree k; roots are
// uniform; the target is pi_k[s_{parents(T)}].
#pragma once

#include <cstdint>
#include <vector>

#include <xtensor/xtensor.hpp>

#include "graph.hpp"
#include "rng.hpp"

namespace cpg {

struct Batch {
  int B = 0, T = 0, S = 0;
  std::vector<int32_t> tokens;   // (B, T)
  std::vector<double> targets;   // (B, S) target distributions
  const int32_t* tokens_of(int b) const { return tokens.data() + static_cast<size_t>(b) * T; }
  const double* target_of(int b) const { return targets.data() + static_cast<size_t>(b) * S; }
};

// The transition law drawn for one sequence. Single-parent tasks use `pi` (S, S) and `mu` (S);
// multi-parent tasks use `tables[k]` (S^k, S), whose rows are drawn the first time a context is
// used (the rest stay zero), so that an order-3 table over S = 10 costs only the rows it needs.
struct TransitionLaw {
  xt::xtensor<double, 2> pi;
  xt::xtensor<double, 1> mu;
  std::vector<xt::xtensor<double, 2>> tables;   // index k = in-degree; tables[0] unused
  std::vector<std::vector<uint8_t>> drawn;      // which rows of tables[k] are drawn
};

// Stationary law of a row-stochastic matrix: solves mu (pi - I) = 0 with sum(mu) = 1, by the
// GTH elimination below; when pi is reducible, by GTH on pi mixed with a 2^-50 uniform jump.
xt::xtensor<double, 1> stationary_distribution(const xt::xtensor<double, 2>& pi);
// The plain formula: a full-pivoting LU solve of (pi^T - I) mu = 0 with sum(mu) = 1 in place of
// the last equation. Tests check stationary_distribution against it; the engine does not call it.
xt::xtensor<double, 1> stationary_distribution_lu(const xt::xtensor<double, 2>& pi);
// Grassmann-Taksar-Heyman elimination on the (S, S) row-major pi: writes mu[0..S) and returns
// true, or returns false when pi is reducible (a state with no mass below it after censoring).
// scratch holds S * S doubles.
bool stationary_law_gth(const double* pi, int S, double* mu, double* scratch);

class Sampler {
 public:
  // Throws std::invalid_argument when the order-k tables would be too large.
  Sampler(Graph graph, int S, double alpha);

  const Graph& graph() const { return graph_; }
  int S() const { return S_; }
  int T() const { return graph_.T; }
  double alpha() const { return alpha_; }

  // One sequence: tokens[0..T) and target[0..S). `law`, when given, receives pi.
  void sample_sequence(Rng& rng, int32_t* tokens, double* target, TransitionLaw* law = nullptr) const;
  // B sequences drawn one after another from `rng`.
  Batch sample_batch(int B, Rng& rng) const;

  // Largest allowed S^(k+1) for an order-k table.
  static constexpr int64_t kMaxTableEntries = int64_t{1} << 22;

 private:
  const double* table_row(TransitionLaw& law, int k, int64_t context, Rng& rng) const;
  // A single-parent sequence with caller-owned buffers: pi (S, S), mu (S), scratch (S, S).
  void sample_single_parent(Rng& rng, int32_t* tokens, double* target, double* pi, double* mu,
                            double* scratch) const;

  Graph graph_;
  int S_;
  double alpha_;
};

}  // namespace cpg
