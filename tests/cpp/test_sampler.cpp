// Tests for sampler.hpp: sequences follow the laws of docs/science.md ("Tasks").
//
// S vocab, T input tokens, N sequences. Each sequence has its own transition law, so the
// statistical checks condition on it: for every draw we add the probability the law gave each
// outcome to an "expected" table and the outcome itself to an "observed" table. Conditional on
// the past every draw is a fresh categorical, so observed - expected is a martingale whose
// variance is the sum of p (1 - p); the checks allow a fixed number of those standard errors.
//
// Counting by symbol alone is weak here: averaged over the prior every law is uniform, so roots
// drawn from the wrong row would still look right in aggregate. The checks therefore also count
// by rank: the cell is the outcome's rank within the law it was supposedly drawn from (most
// likely first), which only agrees with the expectation if the draw used that very law.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "graph.hpp"
#include "rng.hpp"
#include "sampler.hpp"

namespace {

using cpg::Batch;
using cpg::Graph;
using cpg::Rng;
using cpg::Sampler;
using cpg::TransitionLaw;

// Observed counts against the probabilities the laws assigned, cell by cell.
struct Tally {
  std::vector<double> observed, expected, variance;
  explicit Tally(size_t cells) : observed(cells, 0), expected(cells, 0), variance(cells, 0) {}

  // One draw from the distribution p (S cells starting at `first`) that came out as `outcome`.
  void add(size_t first, const double* p, int S, int outcome) {
    for (int s = 0; s < S; ++s) {
      expected[first + s] += p[s];
      variance[first + s] += p[s] * (1 - p[s]);
    }
    observed[first + outcome] += 1;
  }

  // The same draw, counted in the cell of its rank within p (largest first, ties by index).
  void add_ranked(size_t first, const double* p, int S, int outcome) {
    std::vector<int> order(S);
    for (int s = 0; s < S; ++s) order[s] = s;
    std::stable_sort(order.begin(), order.end(), [p](int a, int b) { return p[a] > p[b]; });
    std::vector<double> sorted(S);
    int rank = -1;
    for (int r = 0; r < S; ++r) {
      sorted[r] = p[order[r]];
      if (order[r] == outcome) rank = r;
    }
    add(first, sorted.data(), S, rank);
  }

  // Sum over cells of (observed - expected)^2 / variance: about the number of cells when the
  // draws follow the laws.
  double statistic() const {
    double total = 0;
    for (size_t c = 0; c < observed.size(); ++c) {
      if (variance[c] == 0) {
        EXPECT_EQ(observed[c], expected[c]) << "cell " << c << " is certain";
        continue;
      }
      const double d = observed[c] - expected[c];
      total += d * d / variance[c];
    }
    return total;
  }

  // No single cell strays by more than `sigmas` standard errors.
  void expect_each_cell_within(double sigmas) const {
    for (size_t c = 0; c < observed.size(); ++c)
      EXPECT_LE(std::fabs(observed[c] - expected[c]), sigmas * std::sqrt(variance[c]) + 1e-9)
          << "cell " << c << ": observed " << observed[c] << ", expected " << expected[c];
  }
};

double row_sum(const double* p, int S) {
  double sum = 0;
  for (int s = 0; s < S; ++s) sum += p[s];
  return sum;
}

// ============================================================================================
// Stationary distribution
// ============================================================================================

TEST(Sampler, StationaryDistributionOfTwoStateChainIsHandComputed) {
  // pi = [[1-a, a], [b, 1-b]] has mu = (b, a) / (a + b).
  const double a = 0.3, b = 0.1;
  const xt::xtensor<double, 2> pi = {{1 - a, a}, {b, 1 - b}};
  const auto mu = cpg::stationary_distribution(pi);
  ASSERT_EQ(mu.size(), 2u);
  EXPECT_NEAR(mu(0), 0.25, 1e-12);
  EXPECT_NEAR(mu(1), 0.75, 1e-12);
}

TEST(Sampler, StationaryDistributionSolvesMuPiEqualsMu) {
  const int S = 6;
  Rng rng(21);
  for (int trial = 0; trial < 20; ++trial) {
    xt::xtensor<double, 2> pi = xt::zeros<double>({S, S});
    for (int r = 0; r < S; ++r) rng.dirichlet_symmetric(0.5, &pi(r, 0), S);
    const auto mu = cpg::stationary_distribution(pi);
    double sum = 0;
    for (int s = 0; s < S; ++s) {
      EXPECT_GE(mu(s), 0.0);
      sum += mu(s);
    }
    EXPECT_NEAR(sum, 1.0, 1e-12);
    for (int c = 0; c < S; ++c) {
      double mu_pi = 0;
      for (int r = 0; r < S; ++r) mu_pi += mu(r) * pi(r, c);
      EXPECT_NEAR(mu_pi, mu(c), 1e-10) << "trial " << trial << " column " << c;
    }
  }
}

// The GTH elimination against the plain LU solve it replaces. At small alpha (0.1 and below)
// pi is often nearly reducible, and there the LU solve loses the small probabilities that GTH
// keeps (see the next test), so the comparison runs where the LU is accurate; the stationary
// equation is checked everywhere.
TEST(Sampler, StationaryDistributionMatchesTheLuSolve) {
  for (double alpha : {0.05, 0.1, 0.5, 1.0, 5.0}) {
    for (int S : {2, 3, 5, 10, 20}) {
      Rng rng(22, static_cast<uint64_t>(S));
      for (int trial = 0; trial < 20; ++trial) {
        xt::xtensor<double, 2> pi = xt::zeros<double>({static_cast<size_t>(S), static_cast<size_t>(S)});
        for (int r = 0; r < S; ++r) rng.dirichlet_symmetric(alpha, &pi(r, 0), S);
        const auto fast = cpg::stationary_distribution(pi);
        const auto plain = cpg::stationary_distribution_lu(pi);
        std::vector<double> mu(S), scratch(static_cast<size_t>(S) * S);
        ASSERT_TRUE(cpg::stationary_law_gth(pi.data(), S, mu.data(), scratch.data()));
        for (int s = 0; s < S; ++s) {
          EXPECT_EQ(fast(s), mu[s]);
          if (alpha >= 0.5) {
            EXPECT_NEAR(fast(s), plain(s), 1e-9) << "alpha " << alpha << " S " << S << " trial " << trial;
          }
        }
        // And it is stationary: mu pi = mu.
        for (int c = 0; c < S; ++c) {
          double mu_pi = 0;
          for (int r = 0; r < S; ++r) mu_pi += fast(r) * pi(r, c);
          EXPECT_NEAR(mu_pi, fast(c), 1e-12) << "alpha " << alpha << " S " << S << " trial " << trial;
        }
      }
    }
  }
}

TEST(Sampler, StationaryDistributionOfANearlyReducibleChainKeepsItsSmallProbabilities) {
  // pi = [[1-a, a], [b, 1-b]] has mu = (b, a) / (a + b) however small a and b are; 1 - a rounds
  // to 1 here, which leaves the LU solve nothing to work with.
  for (const auto& [a, b] : std::vector<std::pair<double, double>>{{1e-20, 3e-20}, {2e-17, 1e-30}, {0.3, 1e-18}}) {
    const xt::xtensor<double, 2> pi = {{1 - a, a}, {b, 1 - b}};
    const auto mu = cpg::stationary_distribution(pi);
    EXPECT_NEAR(mu(0), b / (a + b), 1e-12 * (b / (a + b))) << "a " << a << " b " << b;
    EXPECT_NEAR(mu(1), a / (a + b), 1e-12 * (a / (a + b))) << "a " << a << " b " << b;
  }
}

TEST(Sampler, StationaryDistributionOfAReducibleChainIsStationaryAndMatchesTheLuSolve) {
  // State 2 never leaves itself: GTH stops there, and the fallback mixes in a tiny uniform jump.
  // Here the stationary law is unique, (0, 0, 1), so the LU solve gives it too.
  const xt::xtensor<double, 2> pi = {{0.5, 0.5, 0.0}, {0.2, 0.3, 0.5}, {0.0, 0.0, 1.0}};
  std::vector<double> mu(3), scratch(9);
  EXPECT_FALSE(cpg::stationary_law_gth(pi.data(), 3, mu.data(), scratch.data()));
  const auto fast = cpg::stationary_distribution(pi);
  const auto plain = cpg::stationary_distribution_lu(pi);
  for (int s = 0; s < 3; ++s) EXPECT_NEAR(fast(s), plain(s), 1e-14);
}

TEST(Sampler, StationaryDistributionOfChainsWithSeveralClosedClassesIsStationary) {
  // Reducible chains with more than one stationary law (two closed classes, a transient state,
  // exact zeros as tiny alphas draw them): the answer is a probability vector with mu pi = mu.
  const std::vector<xt::xtensor<double, 2>> chains = {
      {{1.0, 0.0, 0.0}, {0.0, 1.0, 0.0}, {0.3, 0.3, 0.4}},
      {{0.0, 1.0, 0.0, 0.0}, {1.0, 0.0, 0.0, 0.0}, {0.0, 0.0, 0.2, 0.8}, {0.0, 0.0, 0.6, 0.4}},
      {{0.0, 0.0, 1.0}, {0.0, 0.0, 1.0}, {0.0, 0.0, 1.0}},
  };
  for (size_t c = 0; c < chains.size(); ++c) {
    const auto& pi = chains[c];
    const int S = static_cast<int>(pi.shape(0));
    const auto mu = cpg::stationary_distribution(pi);
    double sum = 0;
    for (int s = 0; s < S; ++s) {
      EXPECT_GE(mu(s), 0.0);
      sum += mu(s);
    }
    EXPECT_NEAR(sum, 1.0, 1e-12) << "chain " << c;
    for (int j = 0; j < S; ++j) {
      double mu_pi = 0;
      for (int i = 0; i < S; ++i) mu_pi += mu(i) * pi(i, j);
      EXPECT_NEAR(mu_pi, mu(j), 1e-12) << "chain " << c << " column " << j;
    }
  }
}

TEST(Sampler, StationaryDistributionOfAbsorbingChainSitsOnTheAbsorbingState) {
  const xt::xtensor<double, 2> pi = {{0.5, 0.5, 0.0}, {0.2, 0.3, 0.5}, {0.0, 0.0, 1.0}};
  const auto mu = cpg::stationary_distribution(pi);
  EXPECT_NEAR(mu(0), 0.0, 1e-12);
  EXPECT_NEAR(mu(1), 0.0, 1e-12);
  EXPECT_NEAR(mu(2), 1.0, 1e-12);
}

// ============================================================================================
// Single-parent tasks
// ============================================================================================

TEST(Sampler, ChainTransitionsFollowPi) {
  const int S = 3, T = 12, N = 4000;
  const Sampler sampler(cpg::make_chain(T), S, 1.0);
  Rng rng(1, 1);
  std::vector<int32_t> tokens(T);
  std::vector<double> target(S);
  Tally by_symbol(S * S);  // cell (a, b): parent token a, child token b
  Tally by_rank(S * S);    // cell (a, r): parent token a, child ranked r-th in pi[a]
  for (int n = 0; n < N; ++n) {
    TransitionLaw law;
    sampler.sample_sequence(rng, tokens.data(), target.data(), &law);
    for (int i = 1; i < T - 1; ++i) {
      const double* row = &law.pi(tokens[i - 1], 0);
      by_symbol.add(S * tokens[i - 1], row, S, tokens[i]);
      by_rank.add_ranked(S * tokens[i - 1], row, S, tokens[i]);
    }
  }
  // 9 cells each: a statistic above 50 would be a ~1e-8 event.
  EXPECT_LT(by_symbol.statistic(), 50.0);
  EXPECT_LT(by_rank.statistic(), 50.0);
  by_symbol.expect_each_cell_within(5.0);
  by_rank.expect_each_cell_within(5.0);
}

TEST(Sampler, RootsFollowTheStationaryLaw) {
  // icl: every even position below the query is a root, every odd one a child.
  const int S = 4, T = 13, N = 3000;
  const Sampler sampler(cpg::make_icl(T), S, 0.5);
  Rng rng(2, 1);
  std::vector<int32_t> tokens(T);
  std::vector<double> target(S);
  Tally roots_by_symbol(S), roots_by_rank(S), children_by_rank(S * S);
  for (int n = 0; n < N; ++n) {
    TransitionLaw law;
    sampler.sample_sequence(rng, tokens.data(), target.data(), &law);
    ASSERT_EQ(law.mu.size(), static_cast<size_t>(S));
    EXPECT_NEAR(row_sum(law.mu.data(), S), 1.0, 1e-12);
    for (int i = 0; i < T - 1; i += 2) {
      roots_by_symbol.add(0, law.mu.data(), S, tokens[i]);
      roots_by_rank.add_ranked(0, law.mu.data(), S, tokens[i]);
    }
    for (int i = 1; i < T - 1; i += 2) children_by_rank.add_ranked(S * tokens[i - 1], &law.pi(tokens[i - 1], 0), S, tokens[i]);
  }
  EXPECT_LT(roots_by_symbol.statistic(), 40.0);
  EXPECT_LT(roots_by_rank.statistic(), 40.0);
  roots_by_rank.expect_each_cell_within(5.0);
  EXPECT_LT(children_by_rank.statistic(), 70.0);
}

TEST(Sampler, RankCheckRejectsDrawsFromTheWrongLaw) {
  // The checks above must be able to fail: draw stand-in tokens from plausible wrong laws (roots
  // from the first row of pi, children from mu or from the normalized column of pi) and score
  // them against the right law as the checks above do.
  const int S = 4, T = 13, N = 3000;
  const Sampler sampler(cpg::make_icl(T), S, 0.5);
  Rng rng(2, 1), wrong(99, 0);
  std::vector<int32_t> tokens(T);
  std::vector<double> target(S), column(S);
  Tally roots_from_row(S), children_from_mu(S * S), children_from_column(S * S);
  for (int n = 0; n < N; ++n) {
    TransitionLaw law;
    sampler.sample_sequence(rng, tokens.data(), target.data(), &law);
    for (int i = 0; i < T - 1; i += 2)
      roots_from_row.add_ranked(0, law.mu.data(), S, wrong.categorical(&law.pi(0, 0), S));
    for (int i = 1; i < T - 1; i += 2) {
      const int parent = tokens[i - 1];
      const double* row = &law.pi(parent, 0);
      children_from_mu.add_ranked(S * parent, row, S, wrong.categorical(law.mu.data(), S));
      double sum = 0;
      for (int s = 0; s < S; ++s) sum += column[s] = law.pi(s, parent);
      for (double& p : column) p /= sum;
      children_from_column.add_ranked(S * parent, row, S, wrong.categorical(column.data(), S));
    }
  }
  EXPECT_GT(roots_from_row.statistic(), 200.0);
  EXPECT_GT(children_from_mu.statistic(), 200.0);
  EXPECT_GT(children_from_column.statistic(), 200.0);
}

TEST(Sampler, QueryTokenIsUniform) {
  const int S = 5, T = 6, N = 20000;
  const Sampler sampler(cpg::make_chain(T), S, 0.1);
  Rng rng(3, 1);
  std::vector<int32_t> tokens(T);
  std::vector<double> target(S);
  const std::vector<double> uniform(S, 1.0 / S);
  // By symbol, and by the query's rank within mu: a query drawn from mu (or any law tied to
  // pi) would favour the top ranks, while a uniform query takes every rank with probability 1/S.
  Tally by_symbol(S), by_rank_in_mu(S);
  for (int n = 0; n < N; ++n) {
    TransitionLaw law;
    sampler.sample_sequence(rng, tokens.data(), target.data(), &law);
    by_symbol.add(0, uniform.data(), S, tokens[T - 1]);
    int rank = 0;
    for (int s = 0; s < S; ++s) rank += law.mu(s) > law.mu(tokens[T - 1]) ? 1 : 0;
    by_rank_in_mu.add(0, uniform.data(), S, rank);
  }
  EXPECT_LT(by_symbol.statistic(), 35.0);
  by_symbol.expect_each_cell_within(5.0);
  EXPECT_LT(by_rank_in_mu.statistic(), 35.0);
  by_rank_in_mu.expect_each_cell_within(5.0);
}

TEST(Sampler, SingleParentTargetIsThePiRowOfTheQuery) {
  Rng graph_rng(4);
  const Sampler sampler(cpg::make_random_tree(10, graph_rng), 4, 0.3);
  Rng rng(4, 1);
  std::vector<int32_t> tokens(10);
  std::vector<double> target(4);
  for (int n = 0; n < 200; ++n) {
    TransitionLaw law;
    sampler.sample_sequence(rng, tokens.data(), target.data(), &law);
    ASSERT_EQ(law.pi.shape(0), 4u);
    ASSERT_EQ(law.pi.shape(1), 4u);
    for (int s = 0; s < 4; ++s) EXPECT_EQ(target[s], law.pi(tokens[9], s));
    EXPECT_NEAR(row_sum(target.data(), 4), 1.0, 1e-12);
  }
}

// ============================================================================================
// Multi-parent tasks
// ============================================================================================

TEST(Sampler, TrigramTargetIsTheTableRowOfTheTargetContext) {
  const int S = 3, T = 8;
  const Sampler sampler(cpg::make_ngram(T, 2), S, 0.2);
  Rng rng(5, 1);
  std::vector<int32_t> tokens(T);
  std::vector<double> target(S);
  for (int n = 0; n < 200; ++n) {
    TransitionLaw law;
    sampler.sample_sequence(rng, tokens.data(), target.data(), &law);
    ASSERT_EQ(law.tables.size(), 3u);
    ASSERT_EQ(law.tables[2].shape(0), static_cast<size_t>(S * S));
    const int context = tokens[T - 2] * S + tokens[T - 1];  // parents (T-2, T-1), first is major
    ASSERT_TRUE(law.drawn[2][context]);
    for (int s = 0; s < S; ++s) EXPECT_EQ(target[s], law.tables[2](context, s));
    EXPECT_NEAR(row_sum(target.data(), S), 1.0, 1e-12);
  }
}

TEST(Sampler, Paper2TargetUsesHalfwayAndLastParent) {
  const int S = 3, T = 7;  // predicted node 7 has parents (3, 6)
  const Sampler sampler(cpg::make_paper2(T), S, 0.2);
  Rng rng(6, 1);
  std::vector<int32_t> tokens(T);
  std::vector<double> target(S);
  for (int n = 0; n < 100; ++n) {
    TransitionLaw law;
    sampler.sample_sequence(rng, tokens.data(), target.data(), &law);
    const int context = tokens[3] * S + tokens[6];
    for (int s = 0; s < S; ++s) EXPECT_EQ(target[s], law.tables[2](context, s));
  }
}

TEST(Sampler, TrigramChildrenFollowTheirContextRowAndRootsAreUniform) {
  const int S = 3, T = 10, N = 3000;
  const Sampler sampler(cpg::make_ngram(T, 2), S, 1.0);
  Rng rng(7, 1);
  std::vector<int32_t> tokens(T);
  std::vector<double> target(S);
  const std::vector<double> uniform(S, 1.0 / S);
  Tally roots(S), children(S * S * S), children_by_rank(S * S * S);  // cell (context, child)
  for (int n = 0; n < N; ++n) {
    TransitionLaw law;
    sampler.sample_sequence(rng, tokens.data(), target.data(), &law);
    roots.add(0, uniform.data(), S, tokens[0]);
    roots.add(0, uniform.data(), S, tokens[1]);
    for (int i = 2; i < T; ++i) {
      const int context = tokens[i - 2] * S + tokens[i - 1];
      ASSERT_TRUE(law.drawn[2][context]);
      children.add(S * context, &law.tables[2](context, 0), S, tokens[i]);
      children_by_rank.add_ranked(S * context, &law.tables[2](context, 0), S, tokens[i]);
    }
    // Rows no position used are left undrawn (all zero), as the header promises.
    for (int c = 0; c < S * S; ++c) {
      if (!law.drawn[2][c]) {
        EXPECT_EQ(row_sum(&law.tables[2](c, 0), S), 0.0);
      }
    }
  }
  EXPECT_LT(roots.statistic(), 35.0);
  // 27 cells: 100 is far in the tail.
  EXPECT_LT(children.statistic(), 100.0);
  children.expect_each_cell_within(5.0);
  EXPECT_LT(children_by_rank.statistic(), 100.0);
  children_by_rank.expect_each_cell_within(5.0);
}

TEST(Sampler, MixedInDegreesUseSeparateTables) {
  // Position 1 has one parent, positions 2 and the predicted node 4 have two.
  const Sampler sampler(cpg::parse_custom_graph("-;0;0,1;-;1,2", 4), 3, 0.5);
  Rng rng(8, 1);
  std::vector<int32_t> tokens(4);
  std::vector<double> target(3);
  TransitionLaw law;
  sampler.sample_sequence(rng, tokens.data(), target.data(), &law);
  ASSERT_EQ(law.tables.size(), 3u);
  EXPECT_EQ(law.tables[1].shape(0), 3u);
  EXPECT_EQ(law.tables[2].shape(0), 9u);
  EXPECT_TRUE(law.drawn[1][tokens[0]]);
  EXPECT_TRUE(law.drawn[2][tokens[0] * 3 + tokens[1]]);
  const int context = tokens[1] * 3 + tokens[2];
  for (int s = 0; s < 3; ++s) EXPECT_EQ(target[s], law.tables[2](context, s));
}

// ============================================================================================
// Reproducibility, batches and limits
// ============================================================================================

TEST(Sampler, SameSeedGivesIdenticalBatchesAndDifferentSeedsDiffer) {
  for (const Graph& graph : {cpg::make_chain(10), cpg::make_ngram(10, 2)}) {
    const Sampler sampler(graph, 4, 0.3);
    Rng a(9, 1), b(9, 1), c(10, 1);
    const Batch ba = sampler.sample_batch(32, a);
    const Batch bb = sampler.sample_batch(32, b);
    const Batch bc = sampler.sample_batch(32, c);
    EXPECT_EQ(ba.tokens, bb.tokens) << graph.name;
    EXPECT_EQ(ba.targets, bb.targets) << graph.name;
    EXPECT_NE(ba.tokens, bc.tokens) << graph.name;
    EXPECT_NE(ba.targets, bc.targets) << graph.name;
  }
}

TEST(Sampler, BatchHasShapesAndMatchesSequentialSequences) {
  const int B = 7, T = 9, S = 5;
  const Sampler sampler(cpg::make_chain(T), S, 0.4);
  EXPECT_EQ(sampler.T(), T);
  EXPECT_EQ(sampler.S(), S);
  EXPECT_EQ(sampler.alpha(), 0.4);
  Rng rng(11, 1);
  const Batch batch = sampler.sample_batch(B, rng);
  EXPECT_EQ(batch.B, B);
  EXPECT_EQ(batch.T, T);
  EXPECT_EQ(batch.S, S);
  ASSERT_EQ(batch.tokens.size(), static_cast<size_t>(B * T));
  ASSERT_EQ(batch.targets.size(), static_cast<size_t>(B * S));
  for (int32_t token : batch.tokens) {
    EXPECT_GE(token, 0);
    EXPECT_LT(token, S);
  }
  Rng again(11, 1);
  std::vector<int32_t> tokens(T);
  std::vector<double> target(S);
  for (int b = 0; b < B; ++b) {
    EXPECT_NEAR(row_sum(batch.target_of(b), S), 1.0, 1e-12);
    sampler.sample_sequence(again, tokens.data(), target.data());
    EXPECT_EQ(std::vector<int32_t>(batch.tokens_of(b), batch.tokens_of(b) + T), tokens) << "sequence " << b;
    EXPECT_EQ(std::vector<double>(batch.target_of(b), batch.target_of(b) + S), target) << "sequence " << b;
  }
}

TEST(Sampler, OrderKTableOverTheLimitThrowsWithClearMessage) {
  // 64^5 = 2^30 entries for a 4-gram table, above the 2^22 limit.
  try {
    Sampler sampler(cpg::make_ngram(10, 4), 64, 0.1);
    FAIL() << "no exception for 64^5 table entries";
  } catch (const std::invalid_argument& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("64^5"), std::string::npos) << message;
    EXPECT_NE(message.find(std::to_string(Sampler::kMaxTableEntries)), std::string::npos) << message;
    EXPECT_NE(message.find("smaller S"), std::string::npos) << message;
  }
  // Exactly at the limit is allowed: 2048^2 = 2^22 for a bigram table.
  EXPECT_NO_THROW(Sampler(cpg::make_ngram(5, 1), 2048, 0.1));
  EXPECT_THROW(Sampler(cpg::make_ngram(5, 1), 2049, 0.1), std::invalid_argument);
  // Single-parent tasks have no order-k tables: a large S is fine.
  EXPECT_NO_THROW(Sampler(cpg::make_chain(5), 4096, 0.1));
}

TEST(Sampler, RejectsTinyVocabularyAndNonPositiveAlpha) {
  EXPECT_THROW(Sampler(cpg::make_chain(5), 1, 0.1), std::invalid_argument);
  EXPECT_THROW(Sampler(cpg::make_chain(5), 3, 0.0), std::invalid_argument);
  EXPECT_THROW(Sampler(cpg::make_chain(5), 3, NAN), std::invalid_argument);
}


// Hard-coded digests of whole sampled batches (tokens and the bits of every target): any change
// of the sampler, the Dirichlet draws or the stationary law that alters a sampled task is caught
// here, as the golden values of test_rng.cpp catch a changed bit stream. Covers alpha < 1 (the
// boosted Gamma draws), alpha >= 1, single-parent and multi-parent graphs.
uint64_t batch_digest(const Batch& batch) {
  uint64_t hash = 0xcbf29ce484222325ULL;  // FNV-1a, 64 bits
  auto add = [&hash](const void* data, size_t bytes) {
    const auto* p = static_cast<const unsigned char*>(data);
    for (size_t i = 0; i < bytes; ++i) hash = (hash ^ p[i]) * 0x100000001b3ULL;
  };
  add(batch.tokens.data(), batch.tokens.size() * sizeof(int32_t));
  add(batch.targets.data(), batch.targets.size() * sizeof(double));
  return hash;
}

TEST(Sampler, SampledBatchesMatchTheirGoldenDigests) {
  struct Case {
    Graph graph;
    int S;
    double alpha;
    uint64_t digest;
  };
  const Case cases[] = {
      {cpg::make_chain(20), 10, 0.1, 0xb4db28520cda57c2ULL},
      {cpg::make_chain(12), 5, 0.01, 0xf0b86e0a8427791aULL},
      {cpg::make_chain(12), 7, 1.0, 0x97a0472d512d87eaULL},
      {cpg::make_chain(12), 3, 3.5, 0xddb20106a1904c54ULL},
      {cpg::make_ngram(20, 2), 5, 0.1, 0xf960ee3eac95a888ULL},
      {cpg::make_paper2(16), 4, 0.5, 0xbd9572d835677481ULL},
  };
  for (const Case& c : cases) {
    const Sampler sampler(c.graph, c.S, c.alpha);
    Rng rng(2024, 1);
    const Batch first = sampler.sample_batch(64, rng);
    const Batch second = sampler.sample_batch(64, rng);  // the state after a batch counts too
    const uint64_t digest = batch_digest(first) ^ (batch_digest(second) * 3);
    EXPECT_EQ(digest, c.digest) << c.graph.name << " S " << c.S << " alpha " << c.alpha << ": 0x" << std::hex
                                << digest;
  }
}

}  // namespace
