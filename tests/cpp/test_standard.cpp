// Gradients of the standard transformer: central finite differences in double precision on
// every block (wte, wpe, A, V, W1, b1, W2, b2, W) for 1-3 layers and 1-2 heads, the fast path
// against the dense reference, and a guard that the check itself can fail.
#include <gtest/gtest.h>

#include <cmath>
#include <iostream>
#include <vector>

#include "gradient_check.hpp"
#include "graph.hpp"
#include "rng.hpp"
#include "sampler.hpp"
#include "standard.hpp"

using namespace cpg;
using cpg::testing::blocks_of;
using cpg::testing::CheckResult;
using cpg::testing::finite_difference_check;
using cpg::testing::random_params;
using cpg::testing::relative_difference;

namespace {

struct Case {
  ModelShape shape;
  Batch batch;
};

Case make_case(int S, int T, std::vector<int> heads, int B, uint64_t seed, int mlp_width = 0) {
  Case c{ModelShape::make(S, T, heads, ModelKind::standard, true, mlp_width), {}};
  Sampler sampler(make_chain(T), S, 0.5);
  Rng rng(seed, 1);
  c.batch = sampler.sample_batch(B, rng);
  return c;
}

CheckResult check(const Case& c, Path path, double scale, uint64_t seed = 11) {
  StandardTransformer<double> model(c.shape);
  Params<double> params = random_params<double>(c.shape, scale, seed);
  Params<double> grad(c.shape);
  model.loss_and_grad(params, c.batch, &grad, path);
  return finite_difference_check(c.shape, params, grad,
                                 [&](const Params<double>& p) { return model.loss_and_grad(p, c.batch, nullptr, path); });
}

void expect_passes(const CheckResult& r, const std::string& label) {
  for (const auto& failure : r.failures) ADD_FAILURE() << label << ": " << failure;
  EXPECT_TRUE(r.blocks_without_signal.empty()) << label << ": a block had no informative entry, the check would be vacuous";
  EXPECT_GT(r.informative, r.checked * 3 / 4) << label;
  std::cout << "[gradient check] standard " << label << ": " << r.checked << " entries, max abs error "
            << r.max_abs_error << ", max rel error " << r.max_rel_error << "\n";
}

}  // namespace

TEST(Standard, ShapeAndLayout) {
  const ModelShape s = ModelShape::make(10, 20, {2, 1}, ModelKind::standard, false, 0);
  EXPECT_TRUE(s.mlp);  // always on for the standard model
  EXPECT_EQ(s.d(0), 30);
  EXPECT_EQ(s.d(2), 30);
  EXPECT_EQ(s.hidden[0], 30);  // m = d by default
  // A (2 + 1 heads of d x d), W (d, S), wte (S, d), wpe (T, d), V (H d, d), MLP 2 d m + m + d per layer
  EXPECT_EQ(s.size, 3u * 900 + 300 + 300 + 600 + 3u * 900 + 2 * (2u * 900 + 30 + 30));
  const ModelShape wide = ModelShape::make(10, 20, {1}, ModelKind::standard, true, 64);
  EXPECT_EQ(wide.hidden[0], 64);
  EXPECT_THROW(ModelShape::make(10, 20, {1}, ModelKind::standard, true, 1025), std::invalid_argument);
  EXPECT_THROW(ModelShape::make(10, 20, {1}, ModelKind::standard, true, -1), std::invalid_argument);
  // Blocks tile the buffer exactly.
  size_t covered = 0;
  for (const auto& block : blocks_of(s)) covered += block.end - block.begin;
  EXPECT_EQ(covered, s.size);
}

TEST(Standard, InitializationFollowsThePaper) {
  const ModelShape s = ModelShape::make(10, 20, {1, 1}, ModelKind::standard, true, 0);
  Rng rng(1, 3);
  const Params<double> p = standard_initialization<double>(s, rng);
  double sum_sq = 0;
  for (size_t k = 0; k < static_cast<size_t>(s.S) * s.d(0); ++k) sum_sq += p.wte()[k] * p.wte()[k];
  EXPECT_NEAR(sum_sq / (s.S * s.d(0)), 1.0 / 30, 0.25 / 30);  // N(0, 1/d)
  for (size_t k = 0; k < s.W_size(); ++k) ASSERT_EQ(p.W()[k], 0.0);
  for (int l = 0; l < 2; ++l)
    for (size_t k = 0; k < s.A_size(l); ++k) ASSERT_EQ(p.A(l, 0)[k], 0.0);
  for (size_t k = 0; k < static_cast<size_t>(s.hidden[0]) * s.d(0); ++k) ASSERT_EQ(p.W2(0)[k], 0.0);
  double v_sq = 0;
  for (size_t k = 0; k < 900; ++k) v_sq += p.V(1)[k] * p.V(1)[k];
  EXPECT_NEAR(v_sq / 900, 1.0 / 30, 0.25 / 30);
}

TEST(Standard, ZeroReadoutPredictsUniform) {
  const Case c = make_case(5, 8, {1, 1}, 16, 1);
  StandardTransformer<double> model(c.shape);
  const Params<double> params = random_params<double>(c.shape, 0.5, 3);
  Params<double> zero_readout = params;
  std::fill(zero_readout.W(), zero_readout.W() + c.shape.W_size(), 0.0);
  EXPECT_NEAR(model.loss_and_grad(zero_readout, c.batch, nullptr, Path::fast), std::log(5.0), 1e-12);
  EXPECT_NEAR(model.loss_and_grad(zero_readout, c.batch, nullptr, Path::dense), std::log(5.0), 1e-12);
}

TEST(Standard, FiniteDifferencesEveryBlock) {
  // 1-3 layers, 1-2 heads, both paths.
  const std::vector<std::vector<int>> all_heads = {{1}, {2}, {1, 1}, {2, 1}, {1, 2, 1}, {2, 2, 2}};
  for (size_t k = 0; k < all_heads.size(); ++k)
    for (Path path : {Path::fast, Path::dense}) {
      const Case c = make_case(4, 6, all_heads[k], 4, 20 + k);
      expect_passes(check(c, path, 0.5), std::to_string(all_heads[k].size()) + " layers, " +
                                             std::to_string(all_heads[k][0]) + " heads first, " +
                                             (path == Path::fast ? "fast" : "dense"));
    }
}

TEST(Standard, FiniteDifferencesOtherMlpWidth) {
  expect_passes(check(make_case(3, 5, {1, 1}, 4, 31, /*mlp_width=*/7), Path::fast, 0.5), "mlp_width 7");
}

TEST(Standard, CheckCanFail) {
  // A gradient off by 0.1 % in any one block must be caught: the tolerance and the sampling are
  // tight enough to see it in every block.
  const Case c = make_case(4, 6, {2, 1}, 4, 40);
  StandardTransformer<double> model(c.shape);
  Params<double> params = random_params<double>(c.shape, 0.5, 11);
  Params<double> grad(c.shape);
  model.loss_and_grad(params, c.batch, &grad, Path::fast);
  for (const auto& block : blocks_of(c.shape)) {
    Params<double> wrong = grad;
    for (size_t k = block.begin; k < block.end; ++k) wrong.data[k] *= 1.001;
    const CheckResult r = finite_difference_check(
        c.shape, params, wrong, [&](const Params<double>& p) { return model.loss_and_grad(p, c.batch, nullptr, Path::fast); });
    EXPECT_FALSE(r.failures.empty()) << "a 0.1% error in " << block.name << " went unnoticed";
  }
}

TEST(Standard, FastPathEqualsDenseReference) {
  for (const auto& heads : std::vector<std::vector<int>>{{1}, {1, 1}, {2, 1}, {1, 2, 1}, {2, 2, 2}}) {
    const Case c = make_case(5, 9, heads, 12, 8);
    StandardTransformer<double> model(c.shape);
    const Params<double> params = random_params<double>(c.shape, 0.5, 21);
    Params<double> fast_grad(c.shape), dense_grad(c.shape);
    AttentionMaps fast_attention = model.make_attention_maps(), dense_attention = model.make_attention_maps();
    const double fast_loss = model.loss_and_grad(params, c.batch, &fast_grad, Path::fast, &fast_attention);
    const double dense_loss = model.loss_and_grad(params, c.batch, &dense_grad, Path::dense, &dense_attention);
    EXPECT_NEAR(fast_loss, dense_loss, 1e-12) << "layers " << heads.size();
    EXPECT_LT(relative_difference(fast_grad.data, dense_grad.data), 1e-10) << "layers " << heads.size();
    const int L = static_cast<int>(heads.size()), T = c.shape.T;
    for (int l = 0; l < L; ++l)
      for (int h = 0; h < heads[l]; ++h) {
        const int first_row = l == L - 1 ? T - 1 : 0;
        for (int k = first_row * T; k < T * T; ++k) ASSERT_NEAR(fast_attention[l][h][k], dense_attention[l][h][k], 1e-12);
      }
  }
}

TEST(Standard, FloatMatchesDouble) {
  const Case c = make_case(10, 20, {1, 1}, 32, 9);
  StandardTransformer<double> model_double(c.shape);
  StandardTransformer<float> model_float(c.shape);
  const Params<double> params_double = random_params<double>(c.shape, 0.2, 31);
  Params<float> params_float(c.shape);
  for (size_t k = 0; k < params_double.data.size(); ++k) params_float.data[k] = static_cast<float>(params_double.data[k]);
  Params<double> grad_double(c.shape);
  Params<float> grad_float(c.shape);
  const double loss_double = model_double.loss_and_grad(params_double, c.batch, &grad_double, Path::fast);
  const double loss_float = model_float.loss_and_grad(params_float, c.batch, &grad_float, Path::fast);
  EXPECT_NEAR(loss_float, loss_double, 1e-5);
  std::vector<double> widened(grad_float.data.begin(), grad_float.data.end());
  EXPECT_LT(relative_difference(widened, grad_double.data), 1e-4);
}
