// Update rules against their textbook formulas, schedules, and freezing.
#include <gtest/gtest.h>

#include <cmath>

#include "optimizer.hpp"

using namespace cpg;

namespace {

struct Fixture {
  ModelShape shape = ModelShape::make(2, 3, {1});
  Params<float> params{shape}, grad{shape};
  Fixture() {
    for (size_t k = 0; k < shape.size; ++k) {
      params.data[k] = 0.1f * static_cast<float>(k % 7) - 0.3f;
      grad.data[k] = 0.05f * static_cast<float>(k % 5) - 0.1f;
    }
  }
};

OptimizerSettings settings(const std::string& kind, double lr, double wd) {
  OptimizerSettings s;
  s.kind = kind;
  s.lr = lr;
  s.wd = wd;
  s.horizon = 100;
  return s;
}

}  // namespace

TEST(Optimizer, SgdWithWeightDecay) {
  Fixture f;
  const Params<float> before = f.params;
  Optimizer optimizer(settings("sgd", 0.5, 0.1), f.shape, trainable_mask(f.shape, {}));
  optimizer.update(f.params, f.grad, 0);
  for (size_t k = 0; k < f.shape.size; ++k)
    EXPECT_NEAR(f.params.data[k], before.data[k] - 0.5f * (f.grad.data[k] + 0.1f * before.data[k]), 1e-7);
}

TEST(Optimizer, AdamFirstStepsMatchTheFormula) {
  Fixture f;
  Params<float> reference = f.params;
  std::vector<double> m(f.shape.size, 0), v(f.shape.size, 0);
  Optimizer optimizer(settings("adam", 0.01, 0.0), f.shape, trainable_mask(f.shape, {}));
  for (int t = 0; t < 3; ++t) {
    optimizer.update(f.params, f.grad, t);
    for (size_t k = 0; k < f.shape.size; ++k) {
      const double g = f.grad.data[k];
      m[k] = 0.9 * m[k] + 0.1 * g;
      v[k] = 0.999 * v[k] + 0.001 * g * g;
      const double m_hat = m[k] / (1 - std::pow(0.9, t + 1)), v_hat = v[k] / (1 - std::pow(0.999, t + 1));
      reference.data[k] -= static_cast<float>(0.01 * m_hat / (std::sqrt(v_hat) + 1e-8));
    }
  }
  for (size_t k = 0; k < f.shape.size; ++k) EXPECT_NEAR(f.params.data[k], reference.data[k], 1e-6) << k;
}

TEST(Optimizer, AdamWDecaysDecoupledFromTheGradient) {
  Fixture f;
  f.grad.zero();  // no gradient: AdamW still shrinks weights, Adam with L2 moves them by lr
  const Params<float> before = f.params;
  Optimizer adamw(settings("adamw", 0.1, 0.5), f.shape, trainable_mask(f.shape, {}));
  adamw.update(f.params, f.grad, 0);
  for (size_t k = 0; k < f.shape.size; ++k)
    EXPECT_NEAR(f.params.data[k], before.data[k] * (1 - 0.1f * 0.5f), 1e-7);
}

TEST(Optimizer, CosineScheduleDecaysToZero) {
  OptimizerSettings s = settings("sgd", 2.0, 0);
  s.schedule = "cosine";
  Fixture f;
  Optimizer optimizer(s, f.shape, trainable_mask(f.shape, {}));
  EXPECT_DOUBLE_EQ(optimizer.learning_rate(0), 2.0);
  EXPECT_NEAR(optimizer.learning_rate(50), 1.0, 1e-12);
  EXPECT_NEAR(optimizer.learning_rate(100), 0.0, 1e-12);
  EXPECT_NEAR(optimizer.learning_rate(500), 0.0, 1e-12);
  Optimizer constant(settings("sgd", 2.0, 0), f.shape, trainable_mask(f.shape, {}));
  EXPECT_DOUBLE_EQ(constant.learning_rate(99), 2.0);
}

TEST(Optimizer, FrozenBlocksAreNotUpdated) {
  Fixture f;
  const Params<float> before = f.params;
  Optimizer optimizer(settings("adam", 0.1, 0.1), f.shape, trainable_mask(f.shape, {"W"}));
  optimizer.update(f.params, f.grad, 0);
  for (size_t k = 0; k < f.shape.size; ++k) {
    if (k >= f.shape.W_offset) {
      EXPECT_EQ(f.params.data[k], before.data[k]);
    } else if (f.grad.data[k] != 0) {
      EXPECT_NE(f.params.data[k], before.data[k]);
    }
  }
}
