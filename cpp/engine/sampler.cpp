#include "sampler.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <stdexcept>
#include <string>

namespace cpg {

xt::xtensor<double, 1> stationary_distribution_lu(const xt::xtensor<double, 2>& pi) {
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

bool stationary_law_gth(const double* pi, int S, double* mu, double* scratch) {
  // Grassmann, Taksar & Heyman (1985): censor the chain to states 0..k-1 one state at a time,
  // then rebuild mu forwards. Only additions, products and divisions of non-negative numbers,
  // so no cancellation even when pi is nearly reducible; about S^3 / 3 multiply-adds.
  double* a = scratch;
  std::copy(pi, pi + static_cast<size_t>(S) * S, a);
  for (int k = S - 1; k >= 1; --k) {
    const double* row_k = a + static_cast<size_t>(k) * S;
    double s = 0.0;
    for (int j = 0; j < k; ++j) s += row_k[j];
    if (!(s > 0.0)) return false;  // state k cannot leave 0..k: reducible
    for (int i = 0; i < k; ++i) {
      double* row_i = a + static_cast<size_t>(i) * S;
      row_i[k] /= s;
      const double w = row_i[k];
      for (int j = 0; j < k; ++j) row_i[j] += w * row_k[j];
    }
  }
  double total = 1.0;
  mu[0] = 1.0;
  for (int k = 1; k < S; ++k) {
    double m = 0.0;
    for (int i = 0; i < k; ++i) m += mu[i] * a[static_cast<size_t>(i) * S + k];
    mu[k] = m;
    total += m;
  }
  for (int k = 0; k < S; ++k) mu[k] /= total;
  return true;
}

namespace {

// mu of the (S, S) row-major pi into mu[0..S); scratch holds S * S doubles.
void stationary_law(const double* pi, int S, double* mu, double* scratch) {
  if (stationary_law_gth(pi, S, mu, scratch)) return;
  // Reducible: some state cannot reach the states below it, so GTH has nothing to censor with.
  // Mix in a uniform jump of weight eps = 2^-50: (1 - eps) pi + eps / S has every entry positive,
  // so GTH solves it with no cancellation, and its law mu' satisfies mu' pi = mu' up to O(eps).
  // (The LU solve used here before cost a fifth of the page's first WebAssembly module.)
  const double eps = 0x1p-50;
  std::vector<double> mixed(static_cast<size_t>(S) * S);
  for (size_t e = 0; e < mixed.size(); ++e) mixed[e] = (1.0 - eps) * pi[e] + eps / S;
  const bool solved = stationary_law_gth(mixed.data(), S, mu, scratch);
  (void)solved;  // every entry of mixed is positive, so every censoring step has mass to divide by
}

}  // namespace

xt::xtensor<double, 1> stationary_distribution(const xt::xtensor<double, 2>& pi) {
  const size_t S = pi.shape(0);
  xt::xtensor<double, 2> contiguous = pi;
  xt::xtensor<double, 1> mu = xt::zeros<double>({S});
  std::vector<double> scratch(S * S);
  stationary_law(contiguous.data(), static_cast<int>(S), mu.data(), scratch.data());
  return mu;
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

void Sampler::sample_single_parent(Rng& rng, int32_t* tokens, double* target, double* pi, double* mu,
                                   double* scratch) const {
  const int T = graph_.T;
  const size_t S = static_cast<size_t>(S_);
  rng.dirichlet_symmetric_rows(alpha_, pi, S_, S_);
  stationary_law(pi, S_, mu, scratch);
  for (int i = 0; i < T - 1; ++i) {
    const double* p = graph_.parents[i].empty() ? mu : pi + static_cast<size_t>(tokens[graph_.parents[i][0]]) * S;
    tokens[i] = rng.categorical(p, S_);
  }
  tokens[T - 1] = static_cast<int32_t>(rng.below(S));
  const double* row = pi + static_cast<size_t>(tokens[T - 1]) * S;
  for (size_t s = 0; s < S; ++s) target[s] = row[s];
}

void Sampler::sample_sequence(Rng& rng, int32_t* tokens, double* target, TransitionLaw* law_out) const {
  const int T = graph_.T;
  const size_t S = static_cast<size_t>(S_);
  TransitionLaw local;
  TransitionLaw& law = law_out ? *law_out : local;

  if (!graph_.multi_parent) {
    law.pi = xt::zeros<double>({S, S});
    law.mu = xt::zeros<double>({S});
    std::vector<double> scratch(S * S);
    sample_single_parent(rng, tokens, target, law.pi.data(), law.mu.data(), scratch.data());
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
  if (!graph_.multi_parent) {
    // One set of buffers for the whole batch: pi (S, S), mu (S), the stationary solve's (S, S).
    const size_t S = static_cast<size_t>(S_);
    std::vector<double> buffers(2 * S * S + S);
    for (int b = 0; b < B; ++b)
      sample_single_parent(rng, batch.tokens.data() + static_cast<size_t>(b) * graph_.T,
                           batch.targets.data() + static_cast<size_t>(b) * S_, buffers.data(),
                           buffers.data() + S * S, buffers.data() + S * S + S);
    return batch;
  }
  for (int b = 0; b < B; ++b)
    sample_sequence(rng, batch.tokens.data() + static_cast<size_t>(b) * graph_.T,
                    batch.targets.data() + static_cast<size_t>(b) * S_);
  return batch;
}

}  // namespace cpg
