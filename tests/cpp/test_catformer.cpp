// Gradients of the CatFormer: central finite differences in double precision on every block,
// and the fast path against the dense reference formula.
#include <gtest/gtest.h>

#include <cmath>
#include <iostream>
#include <vector>

#include "catformer.hpp"
#include "gradient_check.hpp"
#include "graph.hpp"
#include "rng.hpp"
#include "sampler.hpp"

using namespace cpg;

namespace {

struct Case {
  ModelShape shape;
  Batch batch;
};

// Random parameters of size `scale` and a batch from a real sampler (soft targets).
template <typename Real>
Params<Real> random_params(const ModelShape& shape, double scale, uint64_t seed) {
  Params<Real> params(shape);
  Rng rng(seed, 7);
  for (auto& value : params.data) value = static_cast<Real>(scale * rng.normal());
  return params;
}

Case make_case(int S, int T, std::vector<int> heads, int B, uint64_t seed, bool multi_parent = false) {
  Case c{ModelShape::make(S, T, heads), {}};
  const Graph graph = multi_parent ? make_ngram(T, 2) : make_chain(T);
  Sampler sampler(graph, S, 0.5);
  Rng rng(seed, 1);
  c.batch = sampler.sample_batch(B, rng);
  return c;
}

double loss_of(CatFormer<double>& model, const Params<double>& params, const Batch& batch, Path path) {
  return model.loss_and_grad(params, batch, nullptr, path);
}

// Checks sampled entries of every block of the analytic gradient against central differences.
void check_finite_differences(const Case& c, Path path, double scale) {
  CatFormer<double> model(c.shape);
  Params<double> params = random_params<double>(c.shape, scale, 11);
  Params<double> grad(c.shape);
  model.loss_and_grad(params, c.batch, &grad, path);

  const double h = 1e-5;
  Rng pick(3, 0);
  std::vector<std::pair<size_t, size_t>> blocks;  // [begin, end) of every A_{l,h} and W
  for (int l = 0; l < c.shape.layers(); ++l)
    for (int head = 0; head < c.shape.heads[l]; ++head) {
      const size_t begin = c.shape.A_offset[l] + static_cast<size_t>(head) * c.shape.d(l) * c.shape.d(l);
      blocks.push_back({begin, begin + static_cast<size_t>(c.shape.d(l)) * c.shape.d(l)});
    }
  blocks.push_back({c.shape.W_offset, c.shape.size});

  int checked = 0, nonzero = 0;
  for (const auto& [begin, end] : blocks) {
    for (int trial = 0; trial < 40; ++trial) {
      const size_t k = begin + pick.below(end - begin);
      const double saved = params.data[k];
      params.data[k] = saved + h;
      const double plus = loss_of(model, params, c.batch, path);
      params.data[k] = saved - h;
      const double minus = loss_of(model, params, c.batch, path);
      params.data[k] = saved;
      const double numeric = (plus - minus) / (2 * h);
      EXPECT_NEAR(grad.data[k], numeric, 1e-7 + 1e-5 * std::abs(numeric)) << "parameter " << k;
      ++checked;
      nonzero += std::abs(numeric) > 1e-9;
    }
  }
  EXPECT_GT(nonzero, checked / 4) << "too few informative entries: the check would be vacuous";
}

// Max |a - b| over a block, relative to the largest |b|.
double relative_difference(const std::vector<double>& a, const std::vector<double>& b) {
  double diff = 0, size = 0;
  for (size_t k = 0; k < a.size(); ++k) {
    diff = std::max(diff, std::abs(a[k] - b[k]));
    size = std::max(size, std::abs(b[k]));
  }
  return diff / std::max(size, 1e-30);
}

}  // namespace

TEST(CatFormer, ShapeWidthsConcatenate) {
  const ModelShape shape = ModelShape::make(10, 20, {2, 1});
  EXPECT_EQ(shape.d(0), 30);
  EXPECT_EQ(shape.d(1), 90);
  EXPECT_EQ(shape.d(2), 180);
  EXPECT_EQ(shape.size, 2u * 30 * 30 + 90u * 90 + 180u * 10);
  EXPECT_THROW(ModelShape::make(10, 20, {}), std::invalid_argument);
  EXPECT_THROW(ModelShape::make(10, 20, {1, 5}), std::invalid_argument);
  EXPECT_THROW(ModelShape::make(64, 64, {4, 4, 4}), std::invalid_argument);  // too many parameters
}

TEST(CatFormer, ZeroParametersPredictUniform) {
  const Case c = make_case(5, 8, {1, 1}, 16, 1);
  CatFormer<double> model(c.shape);
  Params<double> params(c.shape);
  // With W = 0 the prediction is uniform, so the loss is log S for any target distribution.
  EXPECT_NEAR(model.loss_and_grad(params, c.batch, nullptr, Path::fast), std::log(5.0), 1e-12);
  EXPECT_NEAR(model.loss_and_grad(params, c.batch, nullptr, Path::dense), std::log(5.0), 1e-12);
}

TEST(CatFormer, FiniteDifferencesTwoLayersOneHead) {
  check_finite_differences(make_case(4, 6, {1, 1}, 5, 2), Path::fast, 0.5);
}

TEST(CatFormer, FiniteDifferencesSeveralHeadsAndLayers) {
  check_finite_differences(make_case(3, 5, {2, 1, 2}, 4, 3), Path::fast, 0.3);
  check_finite_differences(make_case(3, 5, {2, 2}, 4, 4, /*multi_parent=*/true), Path::fast, 0.3);
}

TEST(CatFormer, FiniteDifferencesOneLayer) {
  check_finite_differences(make_case(4, 6, {3}, 5, 5), Path::fast, 0.5);
}

TEST(CatFormer, FiniteDifferencesDenseReference) {
  check_finite_differences(make_case(3, 5, {2, 1, 1}, 4, 6), Path::dense, 0.3);
}

TEST(CatFormer, FastPathEqualsDenseReference) {
  for (const auto& heads : std::vector<std::vector<int>>{{1}, {1, 1}, {2, 1}, {1, 2, 1}, {3, 1, 1, 1}}) {
    const Case c = make_case(5, 9, heads, 12, 8, heads[0] >= 2);
    CatFormer<double> model(c.shape);
    const Params<double> params = random_params<double>(c.shape, 0.7, 21);
    Params<double> fast_grad(c.shape), dense_grad(c.shape);
    AttentionMaps fast_attention = model.make_attention_maps(), dense_attention = model.make_attention_maps();
    const double fast_loss = model.loss_and_grad(params, c.batch, &fast_grad, Path::fast, &fast_attention);
    const double dense_loss = model.loss_and_grad(params, c.batch, &dense_grad, Path::dense, &dense_attention);
    EXPECT_NEAR(fast_loss, dense_loss, 1e-12) << "heads " << heads.size();
    EXPECT_LT(relative_difference(fast_grad.data, dense_grad.data), 1e-10) << "layers " << heads.size();
    // Layers before the last have every row in both paths; the last layer has the query row.
    const int L = static_cast<int>(heads.size()), T = c.shape.T;
    for (int l = 0; l < L; ++l)
      for (int h = 0; h < heads[l]; ++h) {
        const int first_row = l == L - 1 ? T - 1 : 0;
        for (int k = first_row * T; k < T * T; ++k)
          ASSERT_NEAR(fast_attention[l][h][k], dense_attention[l][h][k], 1e-12);
      }
  }
}

TEST(CatFormer, FloatMatchesDouble) {
  const Case c = make_case(10, 20, {1, 1}, 32, 9);
  CatFormer<double> model_double(c.shape);
  CatFormer<float> model_float(c.shape);
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

TEST(CatFormer, AttentionRowsAreCausalDistributions) {
  const Case c = make_case(4, 7, {2, 1}, 3, 10, true);
  CatFormer<double> model(c.shape);
  const Params<double> params = random_params<double>(c.shape, 1.0, 41);
  AttentionMaps attention = model.make_attention_maps();
  model.loss_and_grad(params, c.batch, nullptr, Path::dense, &attention);
  const int T = c.shape.T;
  for (const auto& layer : attention)
    for (const auto& head : layer)
      for (int i = 0; i < T; ++i) {
        double sum = 0;
        for (int j = 0; j < T; ++j) {
          if (j > i) {
            EXPECT_EQ(head[i * T + j], 0.0);
          }
          sum += head[i * T + j];
        }
        EXPECT_NEAR(sum, 3.0, 1e-12);  // summed over the batch of 3
      }
}

// --- MLP sublayers (--mlp): X_{l+1} = [Y_l, mlp(Y_l)] ---------------------------------------

namespace {

Case make_mlp_case(int S, int T, std::vector<int> heads, int B, uint64_t seed, int mlp_width = 0) {
  Case c = make_case(S, T, heads, B, seed);
  c.shape = ModelShape::make(S, T, heads, ModelKind::catformer, true, mlp_width);
  return c;
}

cpg::testing::CheckResult check_mlp(const Case& c, Path path, double scale) {
  CatFormer<double> model(c.shape);
  Params<double> params = cpg::testing::random_params<double>(c.shape, scale, 11);
  Params<double> grad(c.shape);
  model.loss_and_grad(params, c.batch, &grad, path);
  return cpg::testing::finite_difference_check(
      c.shape, params, grad, [&](const Params<double>& p) { return model.loss_and_grad(p, c.batch, nullptr, path); });
}

}  // namespace

TEST(CatFormerMlp, ShapeDoublesTheWidth) {
  const ModelShape s = ModelShape::make(10, 20, {2, 1}, ModelKind::catformer, true, 0);
  EXPECT_EQ(s.d(0), 30);
  EXPECT_EQ(s.mlp_in[0], 90);
  EXPECT_EQ(s.d(1), 180);
  EXPECT_EQ(s.mlp_in[1], 360);
  EXPECT_EQ(s.d(2), 720);
  EXPECT_EQ(s.hidden[1], 360);
  // Without MLP the layout is unchanged: A blocks, then W, nothing after.
  const ModelShape plain = ModelShape::make(10, 20, {2, 1}, ModelKind::catformer, false, 64);
  EXPECT_EQ(plain.size, 2u * 30 * 30 + 90u * 90 + 180u * 10);
  const ModelShape narrow = ModelShape::make(10, 20, {1, 1}, ModelKind::catformer, true, 16);
  EXPECT_EQ(narrow.hidden[0], 16);
  EXPECT_EQ(narrow.size, 30u * 30 + 120u * 120 + 480u * 10 + (60u * 16 * 2 + 16 + 60) + (240u * 16 * 2 + 16 + 240));
  EXPECT_THROW(ModelShape::make(64, 64, {4, 4, 4}, ModelKind::catformer, true, 0), std::invalid_argument);
}

TEST(CatFormerMlp, FiniteDifferencesEveryBlock) {
  const std::vector<std::vector<int>> all_heads = {{1}, {2}, {1, 1}, {2, 1}, {1, 2, 1}};
  for (size_t k = 0; k < all_heads.size(); ++k)
    for (Path path : {Path::fast, Path::dense}) {
      const auto r = check_mlp(make_mlp_case(3, 5, all_heads[k], 4, 50 + k, /*mlp_width=*/6), path, 0.3);
      const std::string label = std::to_string(all_heads[k].size()) + " layers, " + (path == Path::fast ? "fast" : "dense");
      for (const auto& failure : r.failures) ADD_FAILURE() << label << ": " << failure;
      EXPECT_TRUE(r.blocks_without_signal.empty()) << label;
      EXPECT_GT(r.informative, r.checked / 2) << label;
      std::cout << "[gradient check] catformer+mlp " << label << ": " << r.checked << " entries, max abs error "
                << r.max_abs_error << ", max rel error " << r.max_rel_error << "\n";
    }
}

TEST(CatFormerMlp, CheckCanFail) {
  const Case c = make_mlp_case(3, 5, {1, 1}, 4, 60, 6);
  CatFormer<double> model(c.shape);
  Params<double> params = cpg::testing::random_params<double>(c.shape, 0.3, 11);
  Params<double> grad(c.shape);
  model.loss_and_grad(params, c.batch, &grad, Path::fast);
  for (const auto& block : cpg::testing::blocks_of(c.shape)) {
    Params<double> wrong = grad;
    for (size_t k = block.begin; k < block.end; ++k) wrong.data[k] *= 1.001;
    const auto r = cpg::testing::finite_difference_check(
        c.shape, params, wrong, [&](const Params<double>& p) { return model.loss_and_grad(p, c.batch, nullptr, Path::fast); });
    EXPECT_FALSE(r.failures.empty()) << "a 0.1% error in " << block.name << " went unnoticed";
  }
}

TEST(CatFormerMlp, FastPathEqualsDenseReference) {
  for (const auto& heads : std::vector<std::vector<int>>{{1}, {1, 1}, {2, 1}, {1, 2, 1}}) {
    const Case c = make_mlp_case(5, 9, heads, 12, 8, 12);
    CatFormer<double> model(c.shape);
    const Params<double> params = cpg::testing::random_params<double>(c.shape, 0.3, 21);
    Params<double> fast_grad(c.shape), dense_grad(c.shape);
    const double fast_loss = model.loss_and_grad(params, c.batch, &fast_grad, Path::fast);
    const double dense_loss = model.loss_and_grad(params, c.batch, &dense_grad, Path::dense);
    EXPECT_NEAR(fast_loss, dense_loss, 1e-12) << "layers " << heads.size();
    EXPECT_LT(cpg::testing::relative_difference(fast_grad.data, dense_grad.data), 1e-10) << "layers " << heads.size();
  }
}
