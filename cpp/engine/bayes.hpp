// Reference predictors whose losses sit next to the model's (docs/science.md, "Baselines").
//
// S vocab, T input tokens. Every predictor writes a distribution over S.
#pragma once

#include <cstdint>

#include "graph.hpp"
#include "sampler.hpp"

namespace cpg {

// Posterior mean under the Dirichlet(alpha) prior, knowing the graph: counts the in-context
// transitions whose parent context equals the target's, adds alpha, normalizes.
void bayes_prediction(const Graph& graph, int S, double alpha, const int32_t* tokens, double* out);
// The same estimator, but it sees only the nearest (latest) parent of every position.
// Equal to the Bayes prediction on single-parent tasks.
void one_parent_prediction(const Graph& graph, int S, double alpha, const int32_t* tokens, double* out);
// In-context token frequencies plus alpha, ignoring the graph.
void unigram_prediction(const Graph& graph, int S, double alpha, const int32_t* tokens, double* out);

// -sum_s target(s) log prediction(s); terms with target(s) = 0 contribute nothing.
double cross_entropy(const double* target, const double* prediction, int S);

struct BaselineLosses {
  double bayes = 0, one_parent = 0, unigram = 0, uniform = 0;  // mean over the batch, in nats
};
BaselineLosses baseline_losses(const Graph& graph, int S, double alpha, const Batch& batch);

}  // namespace cpg
