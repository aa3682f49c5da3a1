#include "bayes.hpp"

#include <cmath>
#include <vector>

namespace cpg {

namespace {

// Normalizes counts + alpha into out.
void posterior_mean(const std::vector<double>& counts, double alpha, double* out) {
  const int S = static_cast<int>(counts.size());
  double total = 0.0;
  for (double c : counts) total += c;
  for (int s = 0; s < S; ++s) out[s] = (counts[s] + alpha) / (total + S * alpha);
}

// Input positions whose transitions are in-context evidence: 0..T-2 for single-parent tasks
// (T-1 is the query), 0..T-1 for multi-parent tasks.
int evidence_positions(const Graph& graph) { return graph.multi_parent ? graph.T : graph.T - 1; }

}  // namespace

void bayes_prediction(const Graph& graph, int S, double alpha, const int32_t* tokens, double* out) {
  std::vector<double> counts(S, 0.0);
  const std::vector<int> target_parents = graph.target_parents();
  for (int i = 0; i < evidence_positions(graph); ++i) {
    const auto& parents = graph.parents[i];
    if (parents.size() != target_parents.size() || parents.empty()) continue;
    bool same_context = true;
    for (size_t m = 0; m < parents.size(); ++m)
      same_context = same_context && tokens[parents[m]] == tokens[target_parents[m]];
    if (same_context) counts[tokens[i]] += 1.0;
  }
  posterior_mean(counts, alpha, out);
}

void one_parent_prediction(const Graph& graph, int S, double alpha, const int32_t* tokens, double* out) {
  std::vector<double> counts(S, 0.0);
  const int query_token = tokens[graph.target_parents().back()];
  for (int i = 0; i < evidence_positions(graph); ++i) {
    const auto& parents = graph.parents[i];
    if (!parents.empty() && tokens[parents.back()] == query_token) counts[tokens[i]] += 1.0;
  }
  posterior_mean(counts, alpha, out);
}

void unigram_prediction(const Graph& graph, int S, double alpha, const int32_t* tokens, double* out) {
  std::vector<double> counts(S, 0.0);
  for (int i = 0; i < evidence_positions(graph); ++i) counts[tokens[i]] += 1.0;
  posterior_mean(counts, alpha, out);
}

double cross_entropy(const double* target, const double* prediction, int S) {
  double loss = 0.0;
  for (int s = 0; s < S; ++s)
    if (target[s] > 0.0) loss -= target[s] * std::log(prediction[s]);
  return loss;
}

BaselineLosses baseline_losses(const Graph& graph, int S, double alpha, const Batch& batch) {
  BaselineLosses losses;
  std::vector<double> prediction(S);
  for (int b = 0; b < batch.B; ++b) {
    const int32_t* tokens = batch.tokens_of(b);
    const double* target = batch.target_of(b);
    bayes_prediction(graph, S, alpha, tokens, prediction.data());
    losses.bayes += cross_entropy(target, prediction.data(), S);
    one_parent_prediction(graph, S, alpha, tokens, prediction.data());
    losses.one_parent += cross_entropy(target, prediction.data(), S);
    unigram_prediction(graph, S, alpha, tokens, prediction.data());
    losses.unigram += cross_entropy(target, prediction.data(), S);
  }
  const double n = batch.B > 0 ? batch.B : 1;
  losses.bayes /= n;
  losses.one_parent /= n;
  losses.unigram /= n;
  losses.uniform = std::log(static_cast<double>(S));
  return losses;
}

}  // namespace cpg
