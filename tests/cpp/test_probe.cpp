// Tests for probe.hpp: the fixed laws, the probe's sampling and its three predictors, and a
// trained chain model beating the uniform guess on a law it never saw.
#include "probe.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numeric>

#include "trainer.hpp"

namespace {

double row_sum(const cpg::ProbeLaw& law, int r) {
  return std::accumulate(law.pi.begin() + r * law.S, law.pi.begin() + (r + 1) * law.S, 0.0);
}

TEST(Probe, BuiltInLawsAreRowStochastic) {
  for (const char* name : {"cycle", "sticky", "random"}) {
    const cpg::ProbeLaw law = cpg::make_probe_law(name, 6, 0.3, 4);
    ASSERT_EQ(law.pi.size(), 36u) << name;
    for (int r = 0; r < 6; ++r) EXPECT_NEAR(row_sum(law, r), 1.0, 1e-12) << name << " row " << r;
  }
  const cpg::ProbeLaw cycle = cpg::make_probe_law("cycle", 4, 0.1, 0);
  EXPECT_EQ(cycle.pi[0 * 4 + 1], 1.0);
  EXPECT_EQ(cycle.pi[3 * 4 + 0], 1.0);
  EXPECT_DOUBLE_EQ(cpg::make_probe_law("sticky", 5, 0.1, 0).pi[2 * 5 + 2], 0.9);
}

TEST(Probe, BadLawsAreRefusedByName) {
  EXPECT_THROW(cpg::make_probe_law("spiral", 4, 0.1, 0), std::invalid_argument);
  EXPECT_THROW(cpg::make_probe_law("random", 4, -1, 0), std::invalid_argument);
  try {
    cpg::probe_law_from_rows({{0.5, 0.5}, {0.7, 0.7}}, 2);
    FAIL() << "a row summing to 1.4 was accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("row 1"), std::string::npos) << e.what();
  }
  EXPECT_THROW(cpg::probe_law_from_rows({{1.0, 0.0}}, 2), std::invalid_argument);
  EXPECT_THROW(cpg::probe_law_from_rows({{1.5, -0.5}, {0, 1}}, 2), std::invalid_argument);
  EXPECT_THROW(cpg::probe_law_from_rows({{NAN, 1}, {0, 1}}, 2), std::invalid_argument);
}

TEST(Probe, AnOracleHasNoErrorAndTheUniformGuessHasTheUniformError) {
  const cpg::Graph chain = cpg::make_chain(12);
  const cpg::ProbeLaw law = cpg::make_probe_law("random", 5, 0.5, 3);
  const auto oracle = [&](const int32_t* tokens, double* probs) {
    for (int s = 0; s < 5; ++s) probs[s] = law.pi[tokens[11] * 5 + s];
  };
  const cpg::ProbeResult perfect = cpg::run_probe(chain, 0.1, law, 300, 1, oracle);
  EXPECT_EQ(perfect.sequences, 300);
  EXPECT_EQ(perfect.model_error, 0.0);
  EXPECT_GT(perfect.uniform_error, 0.1);
  const auto uniform = [](const int32_t*, double* probs) { std::fill(probs, probs + 5, 0.2); };
  const cpg::ProbeResult flat = cpg::run_probe(chain, 0.1, law, 300, 1, uniform);
  EXPECT_DOUBLE_EQ(flat.model_error, flat.uniform_error);
  EXPECT_DOUBLE_EQ(flat.uniform_error, perfect.uniform_error);  // same seed, same sequences
}

TEST(Probe, SequencesFollowTheFixedLawOnTheGraph) {
  // On the cycle every child is its parent + 1, so the example sequence must obey it.
  const cpg::Graph chain = cpg::make_chain(10);
  const cpg::ProbeLaw law = cpg::make_probe_law("cycle", 4, 0.1, 0);
  const cpg::ProbeResult result =
      cpg::run_probe(chain, 0.1, law, 50, 9, [](const int32_t*, double* probs) { std::fill(probs, probs + 4, 0.25); });
  const auto& tokens = result.example.tokens;
  for (int i = 1; i < 9; ++i) EXPECT_EQ(tokens[i], (tokens[i - 1] + 1) % 4) << "position " << i;
  EXPECT_EQ(result.example.truth[(tokens[9] + 1) % 4], 1.0);
  // Counting in context over 9 transitions of a deterministic cycle gets close to the truth.
  EXPECT_LT(result.count_error, 0.3);
}

TEST(Probe, RefusesMultiParentGraphsAndBadCounts) {
  const cpg::ProbeLaw law = cpg::make_probe_law("cycle", 3, 0.1, 0);
  const auto any = [](const int32_t*, double* probs) { std::fill(probs, probs + 3, 1.0 / 3); };
  EXPECT_THROW(cpg::run_probe(cpg::make_ngram(8, 2), 0.1, law, 10, 0, any), std::invalid_argument);
  EXPECT_THROW(cpg::run_probe(cpg::make_chain(8), 0.1, law, 0, 0, any), std::invalid_argument);
}

TEST(Probe, ATrainedChainModelBeatsTheUniformGuessOnADeterministicCycle) {
  cpg::TrainConfig config;
  config.graph = "chain";
  config.S = 5;
  config.T = 20;
  config.heads = {1, 1};
  config.batch = 64;
  config.lr = 0.05;
  config.steps = 600;
  cpg::Trainer trainer(config);
  trainer.run(config.steps);
  ASSERT_GT(trainer.evaluate().parent_recovery[0][0], 0.9) << "the model did not learn the chain";
  const cpg::ProbeResult result =
      cpg::run_probe(trainer.graph(), config.alpha, cpg::make_probe_law("cycle", 5, 0.1, 0), 1000, 0,
                     [&](const int32_t* tokens, double* probs) { trainer.predict(tokens, probs); });
  // The uniform guess is 0.8 off on every sequence; the model, never shown this law, is far closer.
  EXPECT_NEAR(result.uniform_error, 0.8, 1e-9);
  EXPECT_LT(result.model_error, 0.4) << "model " << result.model_error << " vs counts " << result.count_error;
}

}  // namespace
