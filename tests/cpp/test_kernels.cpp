// The fast kernels of cpp/engine/kernels.hpp against the plain formulas they replace: the
// eight-sum dot product, the IEEE-only exp and log, and the softmax built on exp_float.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

#include "kernels.hpp"
#include "rng.hpp"

namespace {

using cpg::Rng;
namespace kernels = cpg::kernels;

// |a - b| in units of b's last place (its spacing toward zero).
template <typename Real>
double ulps(Real a, Real b) {
  const Real spacing = std::fabs(b - std::nextafter(b, Real(0)));
  return static_cast<double>(std::fabs(a - b)) / static_cast<double>(spacing);
}

// dot4_columns is four dots in lanes: each column must give dot's bits exactly.
TEST(Kernels, Dot4ColumnsHasTheBitsOfDotOnEachColumn) {
  Rng rng(5, 0);
  for (int n = 0; n <= 40; ++n) {
    const int lda = 7;
    std::vector<float> a(static_cast<size_t>(n) * lda + 4), b(n), column(n);
    for (float& v : a) v = static_cast<float>(rng.normal());
    for (float& v : b) v = static_cast<float>(rng.normal());
    float out[4];
    kernels::dot4_columns(a.data() + 2, lda, b.data(), n, out);
    for (int c = 0; c < 4; ++c) {
      for (int i = 0; i < n; ++i) column[i] = a[static_cast<size_t>(i) * lda + 2 + c];
      const float expected = kernels::dot(column.data(), b.data(), n);
      EXPECT_EQ(std::memcmp(&out[c], &expected, sizeof expected), 0) << "n " << n << " column " << c;
    }
  }
}

TEST(Kernels, DotMatchesTheSequentialSumAtEveryLength) {
  Rng rng(1, 0);
  for (int n = 0; n <= 70; ++n) {
    std::vector<float> a(n), b(n);
    std::vector<double> ad(n), bd(n);
    double magnitude = 0;
    for (int i = 0; i < n; ++i) {
      ad[i] = rng.normal();
      bd[i] = rng.normal();
      a[i] = static_cast<float>(ad[i]);
      b[i] = static_cast<float>(bd[i]);
      magnitude += std::fabs(ad[i] * bd[i]);
    }
    // Reordering a float sum moves it by at most about n ulps of the sum of magnitudes.
    EXPECT_NEAR(kernels::dot(a.data(), b.data(), n), kernels::dot_sequential(a.data(), b.data(), n),
                1e-6 * (magnitude + 1))
        << "n " << n;
    EXPECT_NEAR(kernels::dot(ad.data(), bd.data(), n), kernels::dot_sequential(ad.data(), bd.data(), n),
                1e-14 * (magnitude + 1))
        << "n " << n;
  }
  // Exact on integers, whatever the order.
  std::vector<float> ones(37, 1.0f), counts(37);
  for (int i = 0; i < 37; ++i) counts[i] = static_cast<float>(i);
  EXPECT_EQ(kernels::dot(ones.data(), counts.data(), 37), 666.0f);
}

TEST(Kernels, ExpFloatIsWithinTwoUlpOfStdExp) {
  Rng rng(2, 0);
  double worst = 0;
  for (int k = 0; k < 200000; ++k) {
    const float x = static_cast<float>(-87.0 + 175.0 * rng.uniform());
    worst = std::max(worst, ulps(kernels::exp_float(x), std::exp(x)));
  }
  EXPECT_LE(worst, 2.0);
  EXPECT_EQ(kernels::exp_float(0.0f), 1.0f);
  EXPECT_EQ(kernels::exp_float(-100.0f), 0.0f);  // e^x is subnormal here: flushed to 0
  EXPECT_EQ(kernels::exp_float(-std::numeric_limits<float>::infinity()), 0.0f);
  EXPECT_TRUE(std::isnan(kernels::exp_float(std::numeric_limits<float>::quiet_NaN())));
}

TEST(Kernels, LogPositiveIsWithinOneUlpOfStdLog) {
  Rng rng(3, 0);
  double worst = 0;
  for (int k = 0; k < 200000; ++k) {
    const double u = rng.uniform_open();
    worst = std::max(worst, ulps(kernels::log_positive(u), std::log(u)));
    // Far from 1 too: uniform exponents over the normal range.
    const double x = std::ldexp(1.0 + rng.uniform(), static_cast<int>(rng.below(2045)) - 1022);
    if (std::log(x) != 0.0) worst = std::max(worst, ulps(kernels::log_positive(x), std::log(x)));
  }
  EXPECT_LE(worst, 1.0);
  EXPECT_EQ(kernels::log_positive(1.0), 0.0);
  EXPECT_EQ(kernels::log_positive(0x1.0p-53), std::log(0x1.0p-53));
}

TEST(Kernels, ExpDoubleIsWithinOneUlpOfStdExpDownToSubnormals) {
  Rng rng(4, 0);
  double worst = 0;
  for (int k = 0; k < 200000; ++k) {
    const double x = -708.0 + 1417.0 * rng.uniform();
    worst = std::max(worst, ulps(kernels::exp_double(x), std::exp(x)));
  }
  EXPECT_LE(worst, 1.0);
  // Subnormal results: within one subnormal spacing.
  for (double x = -744.0; x < -708.0; x += 0.37)
    EXPECT_NEAR(kernels::exp_double(x), std::exp(x), 5e-324) << "x " << x;
  EXPECT_EQ(kernels::exp_double(0.0), 1.0);
  EXPECT_EQ(kernels::exp_double(-800.0), 0.0);
  EXPECT_EQ(kernels::exp_double(-std::numeric_limits<double>::infinity()), 0.0);
  EXPECT_TRUE(std::isnan(kernels::exp_double(std::numeric_limits<double>::quiet_NaN())));
}

TEST(Kernels, SoftmaxMatchesTheStdExpFormula) {
  Rng rng(5, 0);
  for (int n = 1; n <= 40; ++n) {
    std::vector<float> fast(n), plain(n);
    for (int i = 0; i < n; ++i) fast[i] = plain[i] = static_cast<float>(5.0 * rng.normal());
    kernels::softmax_inplace(fast.data(), n);
    kernels::softmax_reference(plain.data(), n);
    for (int i = 0; i < n; ++i) EXPECT_NEAR(fast[i], plain[i], 1e-6f * plain[i] + 1e-30f) << "n " << n;
  }
  std::vector<double> fast = {0.5, -3.0, 2.0}, plain = fast;
  kernels::softmax_inplace(fast.data(), 3);
  kernels::softmax_reference(plain.data(), 3);
  EXPECT_EQ(fast, plain);  // double rows keep std::exp
}

// The causal softmax by columns against softmax_inplace row by row: the same bits in every row
// (it only reorders which row is worked on), for every size up to 40 and every first row, with
// scores spread over a wide range; and the entries it must not touch stay as they were.
TEST(Kernels, CausalSoftmaxByColumnsMatchesSoftmaxRowByRowBitForBit) {
  Rng rng(3, 0);
  for (int n = 1; n <= 40; ++n) {
    for (int first : {0, n / 2, n - 1}) {
      std::vector<float> by_columns(static_cast<size_t>(n) * n, -7.0f), row_max(n), row_sum(n);
      std::vector<std::vector<float>> rows(n);
      for (int i = first; i < n; ++i) {
        rows[i].resize(i + 1);
        for (int j = 0; j <= i; ++j) {
          const float score = static_cast<float>(8.0 * rng.normal());
          rows[i][j] = score;
          by_columns[static_cast<size_t>(j) * n + i] = score;
        }
      }
      kernels::causal_softmax_by_columns(by_columns.data(), n, first, row_max.data(), row_sum.data());
      for (int i = 0; i < n; ++i) {
        if (i >= first) kernels::softmax_inplace(rows[i].data(), i + 1);
        for (int j = 0; j < n; ++j) {
          const float value = by_columns[static_cast<size_t>(j) * n + i];
          if (i >= first && j <= i) {
            ASSERT_EQ(value, rows[i][j]) << "n " << n << " first " << first << " row " << i << " column " << j;
          } else {
            ASSERT_EQ(value, -7.0f) << "n " << n << " first " << first << " row " << i << " column " << j;
          }
        }
      }
    }
  }
}

}  // namespace
