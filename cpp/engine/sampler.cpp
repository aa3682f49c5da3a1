#include "sampler.hpp"

#include <Eigen/Dense>
#include <stdexcept>
#include <string>

namespace cpg {

xt::xtensor<double, 1> stationary_distribution(const xt::xtensor<double, 2>& pi) {
  const int S = static_cast<int>(pi.shape(0));
  // (pi^T - I) mu = 0, with the last equation replaced by sum(mu) = 1.
  Eigen::MatrixXd system(S, S);
  for (int r = 0; r < S; ++r)
    for (int c = 0; c < S; ++c) system(r, c) = pi(c, r) - (r == c ? 1.0 : 0.0);
  system.row(S - 1).setOnes();
  Eigen::VectorXd rhs = Eigen::VectorXd::Zero(S);
  rhs(S - 1) = 1.0;
  Eigen::VectorXd mu = system.fullPivLu().solve(rhs);
  // Rounding can leave tiny negatives when pi is nearly reducible (small alpha).
  double sum = 0.0;
  for (int s = 0; s < S; ++s) {
    if (!(mu(s) > 0.0)) mu(s) = 0.0;
    sum += mu(s);
  }
  xt::xtensor<double, 1> out = xt::zeros<double>({static_cast<size_t>(S)});
  for (int s = 0; s < S; ++s) out(s) = sum > 0.0 ? mu(s) / sum : 1.0 / S;
  return out;
}

Sampler::Sampler(Graph graph, int S, double alpha) : graph_(std::move(graph)), S_(S), alpha_(alpha) {
  if (S < 2) throw std::invalid_argument("S must be at least 2 (got " + std::to_string(S) + ")");
  if (!(alpha > 0.0)) throw std::invalid_argument("alpha must be positive");
  if (graph_.multi_parent) {
    int64_t entries = S;
    for (int k = 0; k < graph_.max_in_degree(); ++k) {
      entries *= S;
      if (entries > kMaxTableEntries)
        throw std::invalid_argument(
            "S^(k+1) = " + std::to_string(S) + "^" + std::to_string(graph_.max_in_degree() + 1) +
            " transition entries exceed the limit of " + std::to_string(kMaxTableEntries) +
            "; use a smaller S or fewer parents");
    }
  }
}

const double* Sampler::table_row(TransitionLaw& law, int k, int64_t context, Rng& rng) const {
  auto& table = law.tables[k];
  if (!law.drawn[k][context]) {
    rng.dirichlet_symmetric(alpha_, &table(context, 0), S_);
    law.drawn[k][context] = 1;
  }
  return &table(context, 0);
}

void Sampler::sample_sequence(Rng& rng, int32_t* tokens, double* target, TransitionLaw* law_out) const {
  const int T = graph_.T;
  const size_t S = static_cast<size_t>(S_);
  TransitionLaw local;
  TransitionLaw& law = law_out ? *law_out : local;

  if (!graph_.multi_parent) {
    law.pi = xt::zeros<double>({S, S});
    for (size_t r = 0; r < S; ++r) rng.dirichlet_symmetric(alpha_, &law.pi(r, 0), S_);
    law.mu = stationary_distribution(law.pi);
    for (int i = 0; i < T - 1; ++i) {
      const double* p = graph_.parents[i].empty() ? law.mu.data() : &law.pi(tokens[graph_.parents[i][0]], 0);
      tokens[i] = rng.categorical(p, S_);
    }
    tokens[T - 1] = static_cast<int32_t>(rng.below(S));
    for (size_t s = 0; s < S; ++s) target[s] = law.pi(tokens[T - 1], s);
    return;
  }

  const int max_k = graph_.max_in_degree();
  law.tables.assign(max_k + 1, {});
  law.drawn.assign(max_k + 1, {});
  size_t contexts = 1;
  for (int k = 1; k <= max_k; ++k) {
    contexts *= S;
    law.tables[k] = xt::zeros<double>({contexts, S});
    law.drawn[k].assign(contexts, 0);
  }
  auto context_of = [&](const std::vector<int>& parents) {
    int64_t context = 0;
    for (int p : parents) context = context * S_ + tokens[p];
    return context;
  };
  for (int i = 0; i < T; ++i) {
    const auto& parents = graph_.parents[i];
    if (parents.empty()) {
      tokens[i] = static_cast<int32_t>(rng.below(S));
    } else {
      const int k = static_cast<int>(parents.size());
      tokens[i] = rng.categorical(table_row(law, k, context_of(parents), rng), S_);
    }
  }
  const auto& parents = graph_.parents[T];
  const double* row = table_row(law, static_cast<int>(parents.size()), context_of(parents), rng);
  for (size_t s = 0; s < S; ++s) target[s] = row[s];
}

Batch Sampler::sample_batch(int B, Rng& rng) const {
  Batch batch;
  batch.B = B;
  batch.T = graph_.T;
  batch.S = S_;
  batch.tokens.resize(static_cast<size_t>(B) * graph_.T);
  batch.targets.resize(static_cast<size_t>(B) * S_);
  for (int b = 0; b < B; ++b)
    sample_sequence(rng, batch.tokens.data() + static_cast<size_t>(b) * graph_.T,
                    batch.targets.data() + static_cast<size_t>(b) * S_);
  return batch;
}

}  // namespace cpg
