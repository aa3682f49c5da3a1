// Tests for loss_history.hpp: the curve stays bounded on any run length and keeps its level.
#include "loss_history.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "trainer.hpp"

namespace {

TEST(LossHistory, KeepsEverySampleWhileThereIsRoom) {
  cpg::LossHistory history(8);
  for (int step = 0; step < 7; ++step) history.add(step, step * 0.5);
  ASSERT_EQ(history.points().size(), 7u);
  EXPECT_EQ(history.bucket(), 1);
  for (int step = 0; step < 7; ++step) {
    EXPECT_EQ(history.points()[step].step, step);
    EXPECT_DOUBLE_EQ(history.points()[step].loss, step * 0.5);
  }
}

TEST(LossHistory, StaysBoundedAndAveragesOnAMillionSteps) {
  cpg::LossHistory history(64);
  double total = 0;
  const int64_t n = 1 << 20;
  for (int64_t step = 0; step < n; ++step) {
    const double loss = 1.0 + std::sin(static_cast<double>(step));
    history.add(step, loss);
    total += loss;
    ASSERT_LE(history.points().size(), 64u);
  }
  // 2^20 samples in buckets of a power of two: every sample sits in a closed point.
  const auto& points = history.points();
  EXPECT_EQ(history.bucket() * static_cast<int64_t>(points.size()), n);
  double mean_of_points = 0;
  for (const auto& point : points) mean_of_points += point.loss;
  mean_of_points /= static_cast<double>(points.size());
  EXPECT_NEAR(mean_of_points, total / n, 1e-9);
  // Steps increase, and the last point ends at the last step.
  for (size_t k = 1; k < points.size(); ++k) EXPECT_GT(points[k].step, points[k - 1].step);
  EXPECT_EQ(points.back().step, n - 1);
}

TEST(LossHistory, AllPointsIncludesTheBucketStillFilling) {
  cpg::LossHistory history(4);
  for (int step = 0; step < 5; ++step) history.add(step, 1.0);  // 4 fill, merge to 2 of bucket 2; 1 open
  EXPECT_EQ(history.bucket(), 2);
  EXPECT_EQ(history.points().size(), 2u);
  const auto all = history.all_points();
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all.back().step, 4);
  history.clear();
  EXPECT_TRUE(history.points().empty());
  EXPECT_EQ(history.bucket(), 1);
}

TEST(LossHistory, RejectsAnOddCapacity) { EXPECT_THROW(cpg::LossHistory(3), std::invalid_argument); }

TEST(LossHistory, ATrainerKeepsABoundedHistoryOnALongRun) {
  cpg::TrainConfig config;
  config.graph = "chain";
  config.S = 2;
  config.T = 3;
  config.heads = {1};
  config.batch = 1;
  config.test_size = 4;
  cpg::Trainer trainer(config);
  const int64_t steps = 3 * static_cast<int64_t>(cpg::LossHistory::kDefaultCapacity) + 5;
  trainer.run(steps);
  EXPECT_LE(trainer.train_history().points().size(), cpg::LossHistory::kDefaultCapacity);
  EXPECT_GE(trainer.train_history().bucket(), 2);
  EXPECT_EQ(trainer.train_history().all_points().back().step, steps - 1);
}

}  // namespace
