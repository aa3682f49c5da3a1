// The out-of-distribution probe (the paper's corollary): a model trained on transition laws
// drawn from a Dirichlet prior is asked to predict sequences from one fixed law pi~ that it
// never saw, on the same graph. If it learned the graph and an in-context estimator, its
// prediction at the query follows pi~(. | s_query) as closely as counting in context does.
//
// S vocab, T tokens; single-parent tasks only (pi~ is one (S, S) matrix).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "graph.hpp"

namespace cpg {

// A fixed transition law: row r is pi~(. | r). Rows are non-negative and sum to 1.
struct ProbeLaw {
  std::string name;          // cycle | sticky | random | custom
  int S = 0;
  std::vector<double> pi;    // (S, S) row-major
};

// The built-in laws: "cycle" (s -> s+1 mod S, deterministic), "sticky" (stay with probability
// 0.9, else uniform over the others), "random" (every row drawn from Dirichlet(alpha) with the
// given seed). Throws std::invalid_argument naming `law` or `alpha`.
ProbeLaw make_probe_law(const std::string& name, int S, double alpha, uint32_t seed);
// A user's matrix: S rows of S finite non-negative numbers, each row summing to 1 within 1e-6.
// Throws std::invalid_argument naming the row and column.
ProbeLaw probe_law_from_rows(const std::vector<std::vector<double>>& rows, int S);

// The model under test: fills probs (S) for one sequence of T tokens.
using Predictor = std::function<void(const int32_t* tokens, double* probs)>;

struct ProbeExample {
  std::vector<int32_t> tokens;     // (T)
  std::vector<double> truth;       // (S) pi~(. | s_query)
  std::vector<double> model;       // (S)
  std::vector<double> counts;      // (S) in-context count estimator
};

struct ProbeResult {
  int sequences = 0;
  // Mean over sequences of || f - pi~(. | s_query) ||_inf for each predictor.
  double model_error = 0, count_error = 0, uniform_error = 0;
  ProbeExample example;            // the first sequence
};

// Draws `sequences` sequences from pi~ on the graph (roots from pi~'s stationary law, the query
// uniform, as in training) and compares the model with pi~'s row, with the in-context count
// estimator (counts of the query token's observed children plus alpha, normalized: the
// posterior mean under the training prior), and with the uniform guess. Throws
// std::invalid_argument for a multi-parent graph, a law of another S, or sequences outside
// [1, 100000].
ProbeResult run_probe(const Graph& graph, double alpha, const ProbeLaw& law, int sequences, uint32_t seed,
                      const Predictor& model);

}  // namespace cpg
