#include "probe.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "rng.hpp"
#include "sampler.hpp"
#include "text.hpp"

namespace cpg {

namespace {

// A stream of its own, so a probe never reuses the training, test or init draws.
constexpr uint64_t kProbeStream = 7;

double max_abs_difference(const std::vector<double>& a, const double* b) {
  double worst = 0;
  for (size_t s = 0; s < a.size(); ++s) worst = std::max(worst, std::fabs(a[s] - b[s]));
  return worst;
}

void check_S(int S) {
  if (S < 2 || S > 64) throw std::invalid_argument("S must be in [2, 64] (got " + std::to_string(S) + ")");
}

}  // namespace

ProbeLaw make_probe_law(const std::string& name, int S, double alpha, uint32_t seed) {
  check_S(S);
  ProbeLaw law{name, S, std::vector<double>(static_cast<size_t>(S) * S, 0.0)};
  if (name == "cycle") {
    for (int r = 0; r < S; ++r) law.pi[static_cast<size_t>(r) * S + (r + 1) % S] = 1.0;
  } else if (name == "sticky") {
    for (int r = 0; r < S; ++r)
      for (int c = 0; c < S; ++c) law.pi[static_cast<size_t>(r) * S + c] = r == c ? 0.9 : 0.1 / (S - 1);
  } else if (name == "random") {
    if (!(std::isfinite(alpha) && alpha >= 0.001 && alpha <= 100))
      throw std::invalid_argument("alpha must be in [0.001, 100] (got " + text::number(alpha) + ")");
    Rng rng(seed, kProbeStream);
    rng.dirichlet_symmetric_rows(alpha, law.pi.data(), S, S);
  } else {
    throw std::invalid_argument("law must be one of cycle|sticky|random (got " + text::quoted(name) + ")");
  }
  return law;
}

ProbeLaw probe_law_from_rows(const std::vector<std::vector<double>>& rows, int S) {
  check_S(S);
  if (static_cast<int>(rows.size()) != S)
    throw std::invalid_argument("pi must have S = " + std::to_string(S) + " rows (got " + std::to_string(rows.size()) + ")");
  ProbeLaw law{"custom", S, {}};
  for (int r = 0; r < S; ++r) {
    if (static_cast<int>(rows[r].size()) != S)
      throw std::invalid_argument("pi row " + std::to_string(r) + " must have " + std::to_string(S) + " entries (got " +
                                  std::to_string(rows[r].size()) + ")");
    double sum = 0;
    for (int c = 0; c < S; ++c) {
      const double p = rows[r][c];
      if (!std::isfinite(p) || p < 0)
        throw std::invalid_argument("pi[" + std::to_string(r) + "][" + std::to_string(c) +
                                    "] must be a finite number >= 0 (got " + text::number(p) + ")");
      sum += p;
      law.pi.push_back(p);
    }
    if (std::fabs(sum - 1.0) > 1e-6)
      throw std::invalid_argument("pi row " + std::to_string(r) + " must sum to 1 (got " + text::number(sum) + ")");
  }
  return law;
}

ProbeResult run_probe(const Graph& graph, double alpha, const ProbeLaw& law, int sequences, uint32_t seed,
                      const Predictor& model) {
  if (graph.multi_parent)
    throw std::invalid_argument("the probe needs a single-parent graph (chain, icl, tree, dag, custom with T entries); " +
                                text::quoted(graph.name) + " has several parents per position");
  if (sequences < 1 || sequences > 100000)
    throw std::invalid_argument("sequences must be in [1, 100000] (got " + std::to_string(sequences) + ")");
  const int S = law.S, T = graph.T;
  if (static_cast<int>(law.pi.size()) != S * S) throw std::invalid_argument("pi must be an (S, S) matrix");

  xt::xtensor<double, 2> pi = xt::zeros<double>({static_cast<size_t>(S), static_cast<size_t>(S)});
  std::copy(law.pi.begin(), law.pi.end(), pi.begin());
  const xt::xtensor<double, 1> mu = stationary_distribution(pi);

  Rng rng(seed, kProbeStream + 1);
  std::vector<int32_t> tokens(T);
  std::vector<double> probs(S), counts(S);
  ProbeResult result;
  result.sequences = sequences;
  for (int n = 0; n < sequences; ++n) {
    // As the sampler draws training sequences, with pi~ in place of a drawn law.
    for (int i = 0; i < T - 1; ++i) {
      const double* p = graph.parents[i].empty() ? mu.data() : &pi(tokens[graph.parents[i][0]], 0);
      tokens[i] = rng.categorical(p, S);
    }
    tokens[T - 1] = static_cast<int32_t>(rng.below(static_cast<uint64_t>(S)));
    const int32_t query = tokens[T - 1];
    const double* truth = &pi(query, 0);

    model(tokens.data(), probs.data());

    // Children seen after the query token in context, with the prior's alpha per token.
    std::fill(counts.begin(), counts.end(), alpha);
    double total = alpha * S;
    for (int i = 0; i < T - 1; ++i)
      if (!graph.parents[i].empty() && tokens[graph.parents[i][0]] == query) {
        counts[tokens[i]] += 1;
        total += 1;
      }
    for (double& c : counts) c /= total;

    const std::vector<double> uniform(S, 1.0 / S);
    result.model_error += max_abs_difference(probs, truth);
    result.count_error += max_abs_difference(counts, truth);
    result.uniform_error += max_abs_difference(uniform, truth);
    if (n == 0) result.example = {tokens, std::vector<double>(truth, truth + S), probs, counts};
  }
  result.model_error /= sequences;
  result.count_error /= sequences;
  result.uniform_error /= sequences;
  return result;
}

}  // namespace cpg
