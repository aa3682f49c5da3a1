// Tests for interventions.hpp and the Trainer's interventions: an ablated head is exactly cut
// out (nothing downstream reads it), a uniform head attends uniformly, restoring while paused
// gives back the very same model, frozen blocks stay fixed, and the schedule grammar.
#include "interventions.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "trainer.hpp"

namespace {

cpg::TrainConfig chain_config() {
  cpg::TrainConfig config;
  config.graph = "chain";
  config.S = 5;
  config.T = 12;
  config.heads = {2, 1};
  config.init_std = 0.05;
  config.batch = 32;
  config.lr = 0.05;
  config.test_size = 256;
  return config;
}

double test_loss(cpg::Trainer& trainer) { return trainer.evaluate().test_loss; }

TEST(Interventions, AZeroAblatedHeadIsReadByNothingDownstream) {
  cpg::Trainer trainer(chain_config());
  trainer.run(30);
  trainer.ablate(1, 2, cpg::AblationMode::zero);
  const double ablated = test_loss(trainer);
  // Whatever the ablated head computes, the loss cannot see it.
  cpg::Params<float>& params = trainer.mutable_params();
  const int d = params.shape.d(0);
  for (int k = 0; k < d * d; ++k) params.A(0, 1)[k] = static_cast<float>(std::sin(3.0 * k));
  EXPECT_NEAR(test_loss(trainer), ablated, 1e-6);
  // The vacuity guard: the other head's A does change the loss.
  for (int k = 0; k < d * d; ++k) params.A(0, 0)[k] += 0.5f * static_cast<float>(std::cos(2.0 * k));
  EXPECT_GT(std::fabs(test_loss(trainer) - ablated), 1e-3);
}

TEST(Interventions, AUniformHeadAttendsUniformlyAndStaysSoWhileTraining) {
  cpg::Trainer trainer(chain_config());
  trainer.run(20);
  trainer.ablate(1, 1, cpg::AblationMode::uniform);
  trainer.run(20);
  const std::vector<double> attention = cpg::position_attention(trainer.params(), 0);
  const int T = 12;
  for (int i = 0; i < T; ++i)
    for (int j = 0; j <= i; ++j) EXPECT_NEAR(attention[i * T + j], 1.0 / (i + 1), 1e-12) << i << "," << j;
}

TEST(Interventions, RestoringWhilePausedGivesBackTheSameModel) {
  cpg::TrainConfig config = chain_config();
  config.heads = {1, 1};
  config.init_std = 0;
  cpg::Trainer trainer(config);
  trainer.run(400);
  const cpg::Metrics trained = trainer.evaluate();
  ASSERT_GT(trained.parent_recovery[0][0], 0.8) << "the induction run did not train";
  const std::vector<float> before = trainer.params().data;
  trainer.ablate(1, 1, cpg::AblationMode::zero);
  const double ablated = test_loss(trainer);
  // Without its first-layer head the model cannot do induction: the loss goes up toward the
  // baselines that do not look at the context.
  EXPECT_GT(ablated, trained.test_loss + 0.2);
  trainer.restore(1, 1);
  EXPECT_EQ(trainer.params().data, before);
  EXPECT_DOUBLE_EQ(test_loss(trainer), trained.test_loss);
  ASSERT_EQ(trainer.interventions().size(), 2u);
  EXPECT_EQ(trainer.interventions()[0].action, "ablate 1:1 zero");
  EXPECT_EQ(trainer.interventions()[1].action, "restore 1:1");
  EXPECT_EQ(trainer.interventions()[0].step, 400);
}

TEST(Interventions, OverlappingAblationsRestoreTheOriginalValues) {
  cpg::TrainConfig config = chain_config();
  config.heads = {1, 2, 1};
  cpg::Trainer trainer(config);
  trainer.run(10);
  const std::vector<float> before = trainer.params().data;
  trainer.ablate(1, 1, cpg::AblationMode::zero);     // holds rows/columns of A2, A3 and W
  trainer.ablate(2, 1, cpg::AblationMode::uniform);  // holds all of A2,1, some already held
  trainer.restore(1, 1);
  trainer.restore(2, 1);
  EXPECT_EQ(trainer.params().data, before);
}

TEST(Interventions, FrozenBlocksDoNotChangeMidRun) {
  cpg::Trainer trainer(chain_config());
  trainer.run(5);
  trainer.set_frozen({"A1"});
  const cpg::Params<float> before = trainer.params();
  trainer.run(10);
  const size_t a1_end = before.shape.A_offset[0] + before.shape.A_size(0);
  for (size_t k = 0; k < a1_end; ++k) ASSERT_EQ(trainer.params().data[k], before.data[k]) << k;
  EXPECT_NE(trainer.params().data[before.shape.W_offset + 3], before.data[before.shape.W_offset + 3]);
  trainer.set_frozen({});
  trainer.run(2);
  EXPECT_NE(trainer.params().data[before.shape.A_offset[0] + 7], before.data[before.shape.A_offset[0] + 7]);
  EXPECT_THROW(trainer.set_frozen({"A9"}), std::invalid_argument);
}

TEST(Interventions, KnockingOutThePositionBlockZeroesItOnce) {
  cpg::Trainer trainer(chain_config());
  trainer.run(50);
  trainer.knock_out("position");
  const std::vector<double> attention = cpg::position_attention(trainer.params(), 0);
  EXPECT_NEAR(attention[5 * 12 + 4], 1.0 / 6, 1e-12);  // uniform right after the knockout
  trainer.run(30);                                       // and training moves it again
  EXPECT_GT(std::fabs(cpg::position_attention(trainer.params(), 0)[5 * 12 + 4] - 1.0 / 6), 1e-4);
  EXPECT_THROW(trainer.knock_out("everything"), std::invalid_argument);
}

TEST(Interventions, TheStandardModelRefusesThemByName) {
  cpg::TrainConfig config = chain_config();
  config.model = "standard";
  config.heads = {1, 1};
  cpg::Trainer trainer(config);
  try {
    trainer.ablate(1, 1, cpg::AblationMode::zero);
    FAIL() << "the standard model accepted an ablation";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("model=catformer"), std::string::npos) << e.what();
  }
  EXPECT_THROW(trainer.knock_out("parents"), std::invalid_argument);
  EXPECT_TRUE(trainer.interventions().empty());
  // Freezing and the probe's predictions work for both models.
  trainer.set_frozen({"W"});
  std::vector<int32_t> tokens(config.T, 0);
  std::vector<double> probs(config.S);
  trainer.predict(tokens.data(), probs.data());
  double sum = 0;
  for (double p : probs) sum += p;
  EXPECT_NEAR(sum, 1.0, 1e-5);
}

TEST(Interventions, BadHeadsAreRefusedByName) {
  const cpg::ModelShape shape = cpg::ModelShape::make(5, 12, {2, 1});
  try {
    cpg::ablation_entries(shape, 0, 2, cpg::AblationMode::zero);
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("head must be in [1, 2] for layer 1"), std::string::npos) << e.what();
  }
  EXPECT_THROW(cpg::ablation_entries(shape, 2, 0, cpg::AblationMode::zero), std::invalid_argument);
}

TEST(Interventions, TheScheduleGrammar) {
  const cpg::ScheduledIntervention a = cpg::parse_scheduled_intervention("500:ablate=1:2:uniform");
  EXPECT_EQ(a.step, 500);
  EXPECT_EQ(a.kind, "ablate");
  EXPECT_EQ(a.layer, 1);
  EXPECT_EQ(a.head, 2);
  EXPECT_EQ(a.mode, cpg::AblationMode::uniform);
  EXPECT_EQ(cpg::parse_scheduled_intervention("0:freeze=A1+W").blocks, (std::vector<std::string>{"A1", "W"}));
  EXPECT_TRUE(cpg::parse_scheduled_intervention("7:freeze=none").blocks.empty());
  EXPECT_EQ(cpg::parse_scheduled_intervention("7:knockout=parents").what, "parents");
  for (const char* bad : {"ablate=1:1", "x:ablate=1:1", "5:ablate=0:1", "5:ablate=1", "5:melt=1:1", "5:knockout=all",
                          "5:ablate=1:1:half", "-1:restore=1:1"})
    EXPECT_THROW(cpg::parse_scheduled_intervention(bad), std::invalid_argument) << bad;
}

}  // namespace
