// Tests for bayes.hpp: the reference predictors on hand-computed sequences, cross-entropy on
// known values, and the ordering of the baselines on sampled batches.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "bayes.hpp"
#include "graph.hpp"
#include "rng.hpp"
#include "sampler.hpp"

namespace {

using cpg::Graph;

using Predictor = void (*)(const Graph&, int, double, const int32_t*, double*);

std::vector<double> predict(Predictor predictor, const Graph& graph, int S, double alpha,
                            const std::vector<int32_t>& tokens) {
  std::vector<double> out(S, -1.0);
  predictor(graph, S, alpha, tokens.data(), out.data());
  return out;
}

void expect_distribution_near(const std::vector<double>& actual, const std::vector<double>& expected) {
  ASSERT_EQ(actual.size(), expected.size());
  for (size_t s = 0; s < expected.size(); ++s) EXPECT_NEAR(actual[s], expected[s], 1e-12) << "symbol " << s;
}

// ============================================================================================
// Single-parent tasks, by hand
// ============================================================================================

TEST(Bayes, ChainCountsTransitionsOutOfTheQueryToken) {
  // S = 3, alpha = 0.5. Transitions among positions 0..4: 0->1, 1->0, 0->2, 2->1; the query
  // (position 5) is 0, so the evidence is {1, 2}: (counts + 0.5) / (2 + 1.5).
  const Graph chain = cpg::make_chain(6);
  const std::vector<int32_t> tokens = {0, 1, 0, 2, 1, 0};
  expect_distribution_near(predict(cpg::bayes_prediction, chain, 3, 0.5, tokens), {0.5 / 3.5, 1.5 / 3.5, 1.5 / 3.5});
  // One parent per position: the one-parent estimator is the same.
  expect_distribution_near(predict(cpg::one_parent_prediction, chain, 3, 0.5, tokens),
                           {0.5 / 3.5, 1.5 / 3.5, 1.5 / 3.5});
  // Unigram: tokens of positions 0..4 (not the query) are 0, 1, 0, 2, 1.
  expect_distribution_near(predict(cpg::unigram_prediction, chain, 3, 0.5, tokens), {2.5 / 6.5, 2.5 / 6.5, 1.5 / 6.5});
}

TEST(Bayes, ChainWithUnseenQueryFallsBackToThePrior) {
  // The query token 2 never appears as a parent: the prediction is uniform.
  const std::vector<int32_t> tokens = {0, 1, 0, 1, 2};
  expect_distribution_near(predict(cpg::bayes_prediction, cpg::make_chain(5), 3, 0.1, tokens), {1.0 / 3, 1.0 / 3, 1.0 / 3});
}

TEST(Bayes, IclIgnoresRootsAsEvidence) {
  // icl, T = 7: pairs (0 -> 1), (2 -> 3), (4 -> 5) give transitions 1->0, 1->1, 0->2; positions
  // 2 -> 1 (token 1 after token 0) is not a transition because position 2 is a root.
  const Graph icl = cpg::make_icl(7);
  const std::vector<int32_t> tokens = {1, 0, 1, 1, 0, 2, 1};
  // Query 1: evidence {0, 1}, alpha = 1: (c + 1) / (2 + 3).
  expect_distribution_near(predict(cpg::bayes_prediction, icl, 3, 1.0, tokens), {0.4, 0.4, 0.2});
  // The chain graph on the same tokens also counts position 4 (1 -> 0): evidence {0, 1, 0}.
  expect_distribution_near(predict(cpg::bayes_prediction, cpg::make_chain(7), 3, 1.0, tokens), {3.0 / 6, 2.0 / 6, 1.0 / 6});
}

// ============================================================================================
// Multi-parent tasks, by hand
// ============================================================================================

TEST(Bayes, TrigramMatchesTheOrderedParentContext) {
  // S = 2, T = 6, alpha = 1. Contexts (s_{i-2}, s_{i-1}) -> s_i for i = 2..5:
  //   (0,1)->1, (1,1)->0, (1,0)->0, (0,0)->1; the predicted node's context is (s_4, s_5) = (0,1).
  // Only position 2 matches; (1,0) at position 4 must not, parent order matters.
  const Graph trigram = cpg::make_ngram(6, 2);
  const std::vector<int32_t> tokens = {0, 1, 1, 0, 0, 1};
  expect_distribution_near(predict(cpg::bayes_prediction, trigram, 2, 1.0, tokens), {1.0 / 3, 2.0 / 3});
  // One parent (the latest, s_{i-1} == s_5 = 1): positions 2 (->1) and 3 (->0).
  expect_distribution_near(predict(cpg::one_parent_prediction, trigram, 2, 1.0, tokens), {0.5, 0.5});
  // Unigram over all T input tokens 0,1,1,0,0,1 (multi-parent tasks have no query position).
  expect_distribution_near(predict(cpg::unigram_prediction, trigram, 2, 1.0, tokens), {0.5, 0.5});
}

TEST(Bayes, TrigramCountsEveryMatchingContext) {
  // T = 8. Contexts: (0,1)->1, (1,1)->0, (1,0)->1, (0,1)->1, (1,1)->0, (1,0)->1; the target
  // context (s_6, s_7) = (0,1) matches positions 2 and 5, both followed by 1.
  const Graph trigram = cpg::make_ngram(8, 2);
  const std::vector<int32_t> tokens = {0, 1, 1, 0, 1, 1, 0, 1};
  expect_distribution_near(predict(cpg::bayes_prediction, trigram, 2, 1.0, tokens), {0.25, 0.75});
  // Latest parent equal to s_7 = 1: positions 2 (->1), 3 (->0), 5 (->1), 6 (->0).
  expect_distribution_near(predict(cpg::one_parent_prediction, trigram, 2, 1.0, tokens), {0.5, 0.5});
  // Unigram: 0,1,1,0,1,1,0,1 -> (3 + 1, 5 + 1) / 10.
  expect_distribution_near(predict(cpg::unigram_prediction, trigram, 2, 1.0, tokens), {0.4, 0.6});
}

TEST(Bayes, MultiParentEvidenceNeedsTheSameInDegree) {
  // Spec "-;0;0,1;2;1,3": position 1 has one parent, 2 has two, 3 has one, the predicted node
  // has (1, 3). Only position 2 is evidence, and only when (s_0, s_1) == (s_1, s_3).
  const Graph g = cpg::parse_custom_graph("-;0;0,1;2;1,3", 4);
  expect_distribution_near(predict(cpg::bayes_prediction, g, 2, 1.0, {0, 0, 1, 0}), {1.0 / 3, 2.0 / 3});
  expect_distribution_near(predict(cpg::bayes_prediction, g, 2, 1.0, {1, 0, 1, 0}), {0.5, 0.5});
  // One parent: latest parent token equal to s_3 = 0: positions 1 (parent 0 -> 0) and
  // 2 (parent 1 -> 1); position 3's parent (2) holds 1.
  expect_distribution_near(predict(cpg::one_parent_prediction, g, 2, 1.0, {0, 0, 1, 0}), {0.5, 0.5});
}

// ============================================================================================
// Cross-entropy
// ============================================================================================

TEST(Bayes, CrossEntropyOnKnownValues) {
  const double half[] = {0.5, 0.5};
  const double target[] = {0.25, 0.75};
  EXPECT_NEAR(cpg::cross_entropy(target, half, 2), std::log(2.0), 1e-15);

  const double one_hot[] = {1.0, 0.0, 0.0};
  const double prediction[] = {0.2, 0.3, 0.5};
  EXPECT_NEAR(cpg::cross_entropy(one_hot, prediction, 3), -std::log(0.2), 1e-15);

  const double soft[] = {0.1, 0.6, 0.3};
  EXPECT_NEAR(cpg::cross_entropy(soft, prediction, 3),
              -(0.1 * std::log(0.2) + 0.6 * std::log(0.3) + 0.3 * std::log(0.5)), 1e-15);
  // Against itself it is the entropy.
  EXPECT_NEAR(cpg::cross_entropy(soft, soft, 3), -(0.1 * std::log(0.1) + 0.6 * std::log(0.6) + 0.3 * std::log(0.3)),
              1e-15);
}

TEST(Bayes, CrossEntropySkipsZeroTargetsEvenAgainstZeroPredictions) {
  const double target[] = {0.0, 1.0};
  const double prediction[] = {0.0, 1.0};
  EXPECT_EQ(cpg::cross_entropy(target, prediction, 2), 0.0);  // 0 log 0 is 0, not NaN
}

// ============================================================================================
// Baselines on sampled batches
// ============================================================================================

TEST(Bayes, BaselineLossesOnChainBatchAreOrdered) {
  const int S = 5, T = 40;
  const double alpha = 0.1;
  const Graph chain = cpg::make_chain(T);
  const cpg::Sampler sampler(chain, S, alpha);
  cpg::Rng rng(17, 2);
  const cpg::Batch batch = sampler.sample_batch(2000, rng);
  const cpg::BaselineLosses losses = cpg::baseline_losses(chain, S, alpha, batch);

  EXPECT_DOUBLE_EQ(losses.uniform, std::log(5.0));
  EXPECT_DOUBLE_EQ(losses.one_parent, losses.bayes);  // single parent: the same estimator
  EXPECT_LT(losses.bayes, losses.uniform - 0.3);
  EXPECT_LT(losses.bayes, losses.unigram - 0.1);
  EXPECT_GT(losses.bayes, 0.0);

  // The mean is over the batch: recompute it sequence by sequence.
  double bayes = 0, unigram = 0;
  std::vector<double> prediction(S);
  for (int b = 0; b < batch.B; ++b) {
    cpg::bayes_prediction(chain, S, alpha, batch.tokens_of(b), prediction.data());
    bayes += cpg::cross_entropy(batch.target_of(b), prediction.data(), S);
    cpg::unigram_prediction(chain, S, alpha, batch.tokens_of(b), prediction.data());
    unigram += cpg::cross_entropy(batch.target_of(b), prediction.data(), S);
  }
  EXPECT_NEAR(losses.bayes, bayes / batch.B, 1e-12);
  EXPECT_NEAR(losses.unigram, unigram / batch.B, 1e-12);
}

TEST(Bayes, BayesBeatsOneParentOnTrigram) {
  const int S = 3, T = 30;
  const double alpha = 0.1;
  const Graph trigram = cpg::make_ngram(T, 2);
  const cpg::Sampler sampler(trigram, S, alpha);
  cpg::Rng rng(18, 2);
  const cpg::Batch batch = sampler.sample_batch(2000, rng);
  const cpg::BaselineLosses losses = cpg::baseline_losses(trigram, S, alpha, batch);
  EXPECT_DOUBLE_EQ(losses.uniform, std::log(3.0));
  EXPECT_LT(losses.bayes, losses.one_parent - 0.05);
  EXPECT_LT(losses.bayes, losses.unigram - 0.05);
  EXPECT_LT(losses.one_parent, losses.uniform);
}

TEST(Bayes, PosteriorMeanBeatsOtherSmoothingOnAverage) {
  // Bayes is optimal in expectation: the same counts with a wrong pseudo-count lose on a
  // large batch (the prior's alpha is 0.1; alpha' = 1 over-smooths, 0.01 under-smooths).
  const int S = 4, T = 20;
  const Graph chain = cpg::make_chain(T);
  const cpg::Sampler sampler(chain, S, 0.1);
  cpg::Rng rng(19, 2);
  const cpg::Batch batch = sampler.sample_batch(3000, rng);
  const double right = cpg::baseline_losses(chain, S, 0.1, batch).bayes;
  EXPECT_LT(right, cpg::baseline_losses(chain, S, 1.0, batch).bayes);
  EXPECT_LT(right, cpg::baseline_losses(chain, S, 0.01, batch).bayes);
}

TEST(Bayes, EmptyBatchGivesZeroLossesButUniformStaysLogS) {
  cpg::Batch batch;
  batch.S = 3;
  batch.T = 5;
  const cpg::BaselineLosses losses = cpg::baseline_losses(cpg::make_chain(5), 3, 0.1, batch);
  EXPECT_EQ(losses.bayes, 0.0);
  EXPECT_DOUBLE_EQ(losses.uniform, std::log(3.0));
}

}  // namespace
