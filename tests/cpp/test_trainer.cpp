// Outcomes a user cares about: the transformer learns the causal graph, within CI budgets.
// Each run has a fixed seed; the recipes are the page's presets.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <cmath>

#include "theory.hpp"
#include "trainer.hpp"

using namespace cpg;

namespace {

TrainConfig preset(const std::string& graph, int64_t steps) {
  TrainConfig config;
  config.graph = graph;
  config.S = 10;
  config.T = 20;
  config.alpha = 0.1;
  config.heads = {1, 1};
  config.optimizer = "adam";
  config.lr = 0.05;
  config.batch = 256;
  config.steps = steps;
  config.seed = 1;
  config.graph_seed = 2;
  return config;
}

Metrics train(const TrainConfig& config) {
  Trainer trainer(config);
  trainer.run(config.steps);
  EXPECT_FALSE(trainer.diverged()) << trainer.divergence_message();
  return trainer.evaluate();
}

}  // namespace

TEST(Trainer, ChainLearnsTheInductionHead) {
  const Metrics m = train(preset("chain", 1000));
  ASSERT_EQ(m.parent_recovery.size(), 1u);
  EXPECT_GE(m.parent_recovery[0][0], 0.9) << "first-layer attention on the previous token";
  EXPECT_LE(m.test_loss - m.baselines.bayes, 0.15) << "test loss " << m.test_loss << ", Bayes " << m.baselines.bayes;
  EXPECT_LT(m.test_loss, m.baselines.uniform);
}

TEST(Trainer, RandomTreeRecoversParents) {
  TrainConfig config = preset("tree", 1000);
  for (uint32_t graph_seed : {2u, 5u}) {
    config.graph_seed = graph_seed;
    const Metrics m = train(config);
    EXPECT_GE(m.parent_recovery[0][0], 0.8) << "graph seed " << graph_seed;
  }
}

TEST(Trainer, InContextPairsRecoverParents) {
  const Metrics m = train(preset("icl", 1000));
  EXPECT_GE(m.parent_recovery[0][0], 0.8);
}

TEST(Trainer, TwoHeadsSplitTheTrigramParents) {
  // The recipe recorded in the README: Adam, lr 0.05, init std 0.01 (breaks the symmetry
  // between the heads), batch 256, 1000 steps, S = 5, T = 20, alpha = 0.1.
  TrainConfig config = preset("trigram", 1000);
  config.S = 5;
  config.heads = {2, 1};
  config.init_std = 0.01;
  const Metrics m = train(config);
  ASSERT_EQ(m.parent_recovery.size(), 2u);
  ASSERT_EQ(m.parent_recovery[0].size(), 2u);
  // Each head's favourite parent slot, and its mass there.
  auto best = [](const std::vector<double>& slots) {
    return static_cast<int>(std::max_element(slots.begin(), slots.end()) - slots.begin());
  };
  const int slot0 = best(m.parent_recovery[0]), slot1 = best(m.parent_recovery[1]);
  EXPECT_NE(slot0, slot1) << "the two heads attend to the same parent";
  EXPECT_GE(m.parent_recovery[0][slot0], 0.6);
  EXPECT_GE(m.parent_recovery[1][slot1], 0.6);
  EXPECT_LT(m.test_loss, m.baselines.one_parent) << "two parents must beat one";
}

TEST(Trainer, SameSeedSameRun) {
  TrainConfig config = preset("tree", 30);
  config.batch = 32;
  Trainer a(config), b(config);
  a.run(30);
  b.run(30);
  EXPECT_EQ(a.params().data, b.params().data);
  config.seed = 2;
  Trainer c(config);
  c.run(30);
  EXPECT_NE(a.params().data, c.params().data);
}

TEST(Trainer, ResetWithSeedEqualsFreshTrainer) {
  TrainConfig config = preset("chain", 20);
  config.batch = 16;
  Trainer trainer(config);
  trainer.run(20);
  trainer.reset(7);
  EXPECT_EQ(trainer.step(), 0);
  trainer.run(20);
  config.seed = 7;
  Trainer fresh(config);
  fresh.run(20);
  EXPECT_EQ(trainer.params().data, fresh.params().data);
  EXPECT_EQ(trainer.evaluate().test_loss, fresh.evaluate().test_loss);
}

TEST(Trainer, DivergenceStopsWithAClearStatusAndNoNaN) {
  for (const std::string optimizer : {"sgd", "adam"}) {
    TrainConfig config = preset("chain", 200);
    config.optimizer = optimizer;
    config.lr = 1000;
    config.batch = 32;
    Trainer trainer(config);
    trainer.run(200);
    ASSERT_TRUE(trainer.diverged()) << optimizer;
    EXPECT_LT(trainer.step(), 200);
    const Metrics m = trainer.evaluate();
    EXPECT_TRUE(m.diverged);
    EXPECT_NE(m.status.find("learning rate"), std::string::npos) << m.status;
    EXPECT_TRUE(std::isfinite(m.test_loss));
    for (const auto& head : m.parent_recovery)
      for (double v : head) EXPECT_TRUE(std::isfinite(v));
    for (float v : trainer.params().data) ASSERT_TRUE(std::isfinite(v));
    EXPECT_EQ(trainer.run(10), 0) << "a diverged run does not continue";
  }
}

TEST(Trainer, FrozenBlocksDoNotMove) {
  TrainConfig config = preset("chain", 20);
  config.batch = 16;
  config.init_std = 0.1;
  config.freeze = {"A2"};  // (freezing W at its zero init would also stop every A: dx_final = W dlogits)
  Trainer trainer(config);
  const Params<float> before = trainer.params();
  trainer.run(20);
  const ModelShape& shape = trainer.shape();
  const auto& after = trainer.params().data;
  bool first_layer_moved = false, readout_moved = false;
  for (size_t k = 0; k < shape.size; ++k) {
    const bool in_second_layer = k >= shape.A_offset[1] && k < shape.W_offset;
    if (in_second_layer) ASSERT_EQ(after[k], before.data[k]) << "parameter " << k;
    else if (k < shape.A_offset[1]) first_layer_moved = first_layer_moved || after[k] != before.data[k];
    else readout_moved = readout_moved || after[k] != before.data[k];
  }
  EXPECT_TRUE(first_layer_moved);
  EXPECT_TRUE(readout_moved);
}

TEST(Trainer, InvalidConfigsAreRefusedWithTheFieldAndRange) {
  struct Case {
    std::function<void(TrainConfig&)> change;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {[](TrainConfig& c) { c.S = 1; }, "S must be in [2, 64]"},
      {[](TrainConfig& c) { c.T = 100; }, "T must be in [3, 64]"},
      {[](TrainConfig& c) { c.alpha = 0; }, "alpha"},
      {[](TrainConfig& c) { c.lr = std::nan(""); }, "lr"},
      {[](TrainConfig& c) { c.batch = 0; }, "batch must be in [1, 8192]"},
      {[](TrainConfig& c) { c.optimizer = "rmsprop"; }, "optimizer"},
      {[](TrainConfig& c) { c.graph = "ring"; }, "graph must be one of"},
      {[](TrainConfig& c) { c.heads = {1, 7}; }, "heads"},
      {[](TrainConfig& c) { c.graph = "custom"; c.spec = "-;0;5"; }, "spec"},
      {[](TrainConfig& c) { c.freeze = {"A9"}; }, "freeze"},
      {[](TrainConfig& c) { c.graph = "ngram"; c.k = 4; c.S = 64; }, "S^(k+1)"},
  };
  for (const auto& c : cases) {
    TrainConfig config = preset("chain", 10);
    c.change(config);
    const std::string error = validation_error(config);
    EXPECT_NE(error.find(c.expected), std::string::npos) << "got: " << error;
    EXPECT_THROW(Trainer{config}, std::invalid_argument);
  }
  EXPECT_EQ(validation_error(preset("chain", 10)), "");
}

TEST(Trainer, ParentRecoveryCountsEachParentSlot) {
  const Graph graph = make_ngram(4, 2);  // positions 2, 3 have parents (0, 1) and (1, 2)
  std::vector<double> attention(16, 0.0);
  attention[2 * 4 + 0] = 0.7;
  attention[2 * 4 + 1] = 0.1;
  attention[3 * 4 + 1] = 0.5;
  attention[3 * 4 + 2] = 0.3;
  const std::vector<double> slots = parent_recovery(graph, attention);
  ASSERT_EQ(slots.size(), 2u);
  EXPECT_DOUBLE_EQ(slots[0], 0.6);  // mean of 0.7 and 0.5
  EXPECT_DOUBLE_EQ(slots[1], 0.2);  // mean of 0.1 and 0.3
  const std::vector<double> single = parent_recovery(make_chain(4), std::vector<double>{1, 0, 0, 0, 0.8, 0.2, 0, 0, 0.1, 0.6, 0.3, 0, 0, 0, 0, 1});
  ASSERT_EQ(single.size(), 1u);
  EXPECT_DOUBLE_EQ(single[0], 0.7);  // positions 1 and 2: 0.8 and 0.6
}

TEST(Trainer, WarnsWhenEqualHeadsCannotSplit) {
  TrainConfig config = preset("trigram", 10);
  config.heads = {2, 1};
  const auto warnings = config_warnings(config);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("init_std"), std::string::npos);
  config.init_std = 0.01;
  EXPECT_TRUE(config_warnings(config).empty());
  EXPECT_TRUE(config_warnings(preset("chain", 10)).empty());
}

TEST(Trainer, LemmaInitIsANamedInit) {
  TrainConfig config = preset("tree", 10);
  config.S = 5;
  config.T = 12;
  config.init = "lemma";
  config.beta = 2.0;
  config.w = 0.5;
  Trainer trainer(config);
  const Params<float> expected = lemma_initialization<float>(trainer.shape(), 2.0, 0.5);
  EXPECT_EQ(trainer.params().data, expected.data);
  config.heads = {2, 1};
  EXPECT_NE(validation_error(config).find("heads 1,1"), std::string::npos);
  config.heads = {1, 1};
  config.init = "uniform";
  EXPECT_NE(validation_error(config).find("init must be one of normal|lemma"), std::string::npos);
  config.init = "lemma";
  config.beta = 0;
  EXPECT_NE(validation_error(config).find("beta must be in (0, 100]"), std::string::npos);
}

// --- The standard transformer and MLP sublayers ------------------------------------------------

TEST(Trainer, StandardTransformerFormsTheInductionHeadToo) {
  // The authors' Figure 8 optimizer (AdamW lr 0.01, wd 2e-4, cosine) at batch 256 and 500
  // steps instead of 1024 and 4096. Measured (seeds 1-3): data-view parent recovery 0.76-0.95
  // at step 250 and 0.93-0.96 at step 500, loss above Bayes 0.52-0.60 at step 0, 0.06-0.11
  // at step 500. About 8 s here.
  TrainConfig config = preset("chain", 500);
  config.model = "standard";
  config.optimizer = "adamw";
  config.lr = 0.01;
  config.wd = 2e-4;
  config.schedule = "cosine";
  config.test_size = 256;
  Trainer trainer(config);
  const Metrics before = trainer.evaluate();
  EXPECT_NEAR(before.test_loss, before.baselines.uniform, 1e-6) << "W = 0: the first prediction is uniform";
  EXPECT_LT(before.parent_recovery[0][0], 0.3);
  trainer.run(config.steps);
  ASSERT_FALSE(trainer.diverged()) << trainer.divergence_message();
  const Metrics m = trainer.evaluate();
  EXPECT_EQ(m.parent_recovery_view, "data") << "the standard model has no position block";
  ASSERT_EQ(m.parent_recovery.size(), 1u);
  EXPECT_EQ(m.parent_recovery[0], m.parent_recovery_batch[0]);
  EXPECT_GE(m.parent_recovery[0][0], 0.8) << "first-layer attention on the previous token, on data";
  EXPECT_LE(m.test_loss - m.baselines.bayes, 0.2) << "test loss " << m.test_loss << ", Bayes " << m.baselines.bayes;
}

TEST(Trainer, CatFormerRecoveryIsLabelledTheParameterView) {
  Trainer trainer(preset("chain", 1));
  EXPECT_EQ(trainer.evaluate().parent_recovery_view, "parameter");
}

TEST(Trainer, EveryOptimizerAndTaskRunsBothModels) {
  for (const char* model : {"catformer", "standard"})
    for (const char* optimizer : {"sgd", "adam", "adamw"})
      for (const char* graph : {"chain", "icl", "tree", "dag", "trigram", "ngram", "paper2"}) {
        TrainConfig config = preset(graph, 3);
        config.model = model;
        config.optimizer = optimizer;
        config.lr = 0.01;
        config.batch = 8;
        config.test_size = 8;
        config.S = 5;
        config.T = 8;
        if (std::string(graph) == "trigram" || std::string(graph) == "ngram") config.heads = {2, 1};
        Trainer trainer(config);
        EXPECT_EQ(trainer.run(3), 3) << model << " " << optimizer << " " << graph;
        const Metrics m = trainer.evaluate();
        EXPECT_TRUE(std::isfinite(m.test_loss)) << model << " " << optimizer << " " << graph;
        EXPECT_FALSE(m.parent_recovery.empty()) << model << " " << graph;
      }
}

TEST(Trainer, CatFormerWithMlpTrainsItsMlp) {
  TrainConfig config = preset("chain", 30);
  config.S = 5;
  config.T = 8;
  config.batch = 32;
  config.init_std = 0.1;
  config.mlp = "on";
  config.mlp_width = 8;
  Trainer with_mlp(config);
  config.mlp = "off";
  Trainer without(config);
  // The MLP's init comes from a stream of its own: A_1 (the same size with and without MLP)
  // starts the same.
  for (size_t k = 0; k < with_mlp.shape().A_offset[1]; ++k) ASSERT_EQ(with_mlp.params().data[k], without.params().data[k]);
  EXPECT_NE(with_mlp.params().data[0], 0.0f);
  const ModelShape& s = with_mlp.shape();
  EXPECT_EQ(s.d(1), 2 * s.mlp_in[0]);
  const std::vector<float> W2_before(with_mlp.params().W2(1), with_mlp.params().W2(1) + s.hidden[1] * s.mlp_in[1]);
  with_mlp.run(30);
  ASSERT_FALSE(with_mlp.diverged());
  double moved = 0;
  for (size_t k = 0; k < W2_before.size(); ++k) moved += std::abs(with_mlp.params().W2(1)[k] - W2_before[k]);
  EXPECT_GT(moved, 1e-3) << "W2 must leave its init (W2 = 0 with W = 0 would be a saddle)";
  // Freezing W keeps the MLP blocks after it trainable.
  config.mlp = "on";
  config.freeze = {"W"};
  Trainer frozen(config);
  const std::vector<float> b2_before(frozen.params().b2(0), frozen.params().b2(0) + s.mlp_in[0]);
  const std::vector<float> W_before(frozen.params().W(), frozen.params().W() + s.W_size());
  frozen.run(5);
  for (size_t k = 0; k < W_before.size(); ++k) ASSERT_EQ(frozen.params().W()[k], W_before[k]);
}

TEST(Trainer, ModelSettingsAreValidatedWithTheirNames) {
  TrainConfig config = preset("chain", 1);
  config.model = "gpt";
  EXPECT_NE(validation_error(config).find("model must be one of catformer|standard"), std::string::npos);
  config = preset("chain", 1);
  config.model = "standard";
  config.mlp = "on";
  EXPECT_NE(validation_error(config).find("mlp=on applies to model=catformer only"), std::string::npos);
  config = preset("chain", 1);
  config.mlp_width = 1025;
  EXPECT_NE(validation_error(config).find("mlp_width must be in [0, 1024]"), std::string::npos);
  config = preset("chain", 1);
  config.init = "lemma";
  config.model = "standard";
  EXPECT_NE(validation_error(config).find("init=lemma needs model=catformer"), std::string::npos);
}

namespace {

// Hard-coded digests of trained parameters (FNV-1a over the bits of every parameter and of each
// step's training loss): the documented figures reproduce to the digit only while a training
// step gives the same bits, so a faster kernel that rounds differently is caught here. Covers
// one, two and three layers, several heads, multi-parent tasks, and SGD and Adam.
uint64_t training_digest(const cpg::TrainConfig& config, int steps) {
  cpg::Trainer trainer(config);
  uint64_t hash = 0xcbf29ce484222325ULL;
  auto add = [&hash](const void* data, size_t bytes) {
    const auto* p = static_cast<const unsigned char*>(data);
    for (size_t i = 0; i < bytes; ++i) hash = (hash ^ p[i]) * 0x100000001b3ULL;
  };
  for (int k = 0; k < steps; ++k) {
    trainer.run(1);
    const double loss = trainer.evaluate().train_loss;
    add(&loss, sizeof loss);
  }
  add(trainer.params().data.data(), trainer.params().data.size() * sizeof(float));
  return hash;
}

TEST(Trainer, TrainedParametersMatchTheirGoldenDigests) {
  struct Case {
    const char* graph;
    std::vector<int> heads;
    int S, T;
    const char* optimizer;
    double lr;
    uint64_t digest;
  };
  const Case cases[] = {
      {"chain", {1, 1}, 10, 20, "adam", 0.05, 0x7ad06cf13aa56b11ULL},
      {"chain", {1}, 6, 12, "sgd", 1.0, 0xafb31cd3f01a0bf1ULL},
      {"trigram", {2, 1}, 5, 16, "adam", 0.05, 0xc79d99b92644f77ULL},
      {"chain", {1, 2}, 4, 10, "sgd", 1.0, 0x300cc2b5eb38aab1ULL},
      {"chain", {1, 1, 1}, 4, 8, "adam", 0.02, 0x57f190bf3313da6bULL},
  };
  for (const Case& c : cases) {
    cpg::TrainConfig config;
    config.graph = c.graph;
    config.heads = c.heads;
    config.S = c.S;
    config.T = c.T;
    config.optimizer = c.optimizer;
    config.lr = c.lr;
    config.batch = 64;
    config.test_size = 16;
    config.init_std = 0.1;
    const uint64_t digest = training_digest(config, 12);
    EXPECT_EQ(digest, c.digest) << c.graph << " heads " << c.heads.size() << " layers: 0x" << std::hex << digest;
  }
}

}  // namespace
