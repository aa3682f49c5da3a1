// Tests for rng.hpp: the bit generator is reproducible and every distribution has the moments
// it promises.
//
// Statistical checks compare a sample statistic with its exact value and allow a fixed number
// of standard errors (estimated from the same sample), so a wrong formula fails while an
// honest implementation passes for any seed with overwhelming probability. Seeds are fixed,
// so the outcomes are deterministic.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <set>
#include <vector>

#include "rng.hpp"

namespace {

using cpg::Rng;

// Allowed deviation in standard errors.
constexpr double kSigmas = 6.0;

// Mean and variance of a sample with the standard errors of both estimates.
struct Moments {
  double mean = 0, variance = 0;
  double mean_error = 0, variance_error = 0;
};

Moments moments_of(const std::vector<double>& xs) {
  const double n = static_cast<double>(xs.size());
  double mean = 0;
  for (double x : xs) mean += x;
  mean /= n;
  double m2 = 0, m4 = 0;
  for (double x : xs) {
    const double d = (x - mean) * (x - mean);
    m2 += d;
    m4 += d * d;
  }
  m2 /= n;
  m4 /= n;
  Moments m;
  m.mean = mean;
  m.variance = m2 * n / (n - 1);
  m.mean_error = std::sqrt(m2 / n);
  // Var(sample variance) ~ (mu_4 - sigma^4) / n.
  m.variance_error = std::sqrt(std::max(m4 - m2 * m2, 0.0) / n);
  return m;
}

// Pearson's statistic of observed counts against expected probabilities (cells with p = 0 must
// be empty: any hit there is returned as infinity).
double chi_square(const std::vector<int64_t>& counts, const std::vector<double>& p) {
  int64_t n = 0;
  for (int64_t c : counts) n += c;
  double statistic = 0;
  for (size_t i = 0; i < counts.size(); ++i) {
    const double expected = p[i] * static_cast<double>(n);
    if (expected == 0.0) {
      if (counts[i] != 0) return INFINITY;
      continue;
    }
    const double d = static_cast<double>(counts[i]) - expected;
    statistic += d * d / expected;
  }
  return statistic;
}

// ============================================================================================
// The bit generator
// ============================================================================================

TEST(Rng, SameSeedAndStreamGiveIdenticalStreams) {
  Rng a(123, 4), b(123, 4);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(a.next_u64(), b.next_u64()) << "draw " << i;
  // Every distribution consumes the same bits, so mixed use stays in lock step too.
  for (int i = 0; i < 200; ++i) {
    ASSERT_EQ(a.normal(), b.normal());
    ASSERT_EQ(a.gamma(0.3), b.gamma(0.3));
    ASSERT_EQ(a.below(17), b.below(17));
  }
}

TEST(Rng, ReseedRestartsTheStreamAndDropsTheSpareNormal) {
  Rng fresh(9, 2);
  const double first = fresh.normal();
  Rng reused(1, 1);
  reused.normal();  // leaves a spare normal behind
  reused.reseed(9, 2);
  EXPECT_EQ(reused.normal(), first);
  for (int i = 0; i < 100; ++i) ASSERT_EQ(reused.next_u64(), fresh.next_u64());
}

TEST(Rng, DifferentStreamsOrSeedsDiffer) {
  const int n = 64;
  auto draws = [n](uint64_t seed, uint64_t stream) {
    Rng rng(seed, stream);
    std::vector<uint64_t> out(n);
    for (auto& x : out) x = rng.next_u64();
    return out;
  };
  const auto base = draws(42, 1);
  for (const auto& other : {draws(42, 0), draws(42, 2), draws(43, 1), draws(0, 1)}) {
    // Not merely different somewhere: independent streams share essentially no outputs.
    std::set<uint64_t> seen(base.begin(), base.end());
    int shared = 0;
    for (uint64_t x : other) shared += static_cast<int>(seen.count(x));
    EXPECT_EQ(shared, 0);
  }
}

// Hard-coded outputs for seed 42, stream 1: any change of platform, compiler or algorithm that
// alters the stream (and with it every sampled task) is caught here.
TEST(Rng, GoldenValuesForSeed42Stream1) {
  Rng rng(42, 1);
  EXPECT_EQ(rng.next_u64(), 0x73860334c48fa37bULL);
  EXPECT_EQ(rng.next_u64(), 0xf52309f897d58479ULL);
  EXPECT_EQ(rng.next_u64(), 0xe117c78392fd2e68ULL);
  EXPECT_EQ(rng.next_u64(), 0x6d6a03b3b3eb9b68ULL);

  Rng again(42, 1);
  EXPECT_EQ(again.uniform(), 0.45126361883427402);
  EXPECT_EQ(again.uniform(), 0.95756590193908231);
  EXPECT_EQ(again.uniform(), 0.87926909410724774);
}

// ============================================================================================
// Uniform draws
// ============================================================================================

TEST(Rng, UniformLiesInHalfOpenUnitIntervalWithUniformMoments) {
  Rng rng(1, 0);
  const int n = 400000;
  std::vector<double> xs(n);
  double low = 1, high = 0;
  for (auto& x : xs) {
    x = rng.uniform();
    low = std::min(low, x);
    high = std::max(high, x);
  }
  EXPECT_GE(low, 0.0);
  EXPECT_LT(high, 1.0);
  EXPECT_LT(low, 1e-4);       // the whole interval is covered
  EXPECT_GT(high, 1 - 1e-4);
  const Moments m = moments_of(xs);
  EXPECT_NEAR(m.mean, 0.5, kSigmas * m.mean_error);
  EXPECT_NEAR(m.variance, 1.0 / 12.0, kSigmas * m.variance_error);

  // Ten equal bins: chi-square with 9 degrees of freedom; 40 is far in the tail (p ~ 1e-5).
  std::vector<int64_t> bins(10, 0);
  for (double x : xs) ++bins[static_cast<int>(x * 10)];
  EXPECT_LT(chi_square(bins, std::vector<double>(10, 0.1)), 40.0);
}

TEST(Rng, UniformOpenIsPositive) {
  Rng rng(2, 0);
  for (int i = 0; i < 100000; ++i) {
    const double u = rng.uniform_open();
    ASSERT_GT(u, 0.0);
    ASSERT_LT(u, 1.0);
  }
}

TEST(Rng, BelowIsUnbiasedOverSmallRange) {
  Rng rng(3, 0);
  const int n = 7, draws = 140000;
  std::vector<int64_t> counts(n, 0);
  for (int i = 0; i < draws; ++i) {
    const uint64_t x = rng.below(n);
    ASSERT_LT(x, static_cast<uint64_t>(n));
    ++counts[x];
  }
  // 6 degrees of freedom: 35 has p ~ 4e-6.
  EXPECT_LT(chi_square(counts, std::vector<double>(n, 1.0 / n)), 35.0);
}

TEST(Rng, BelowHasNoModuloBiasForHugeRange) {
  // n = 3 * 2^62: plain `x % n` would put half the mass in the lowest third.
  const uint64_t n = uint64_t{3} << 62;
  Rng rng(4, 0);
  std::vector<int64_t> thirds(3, 0);
  for (int i = 0; i < 30000; ++i) {
    const uint64_t x = rng.below(n);
    ASSERT_LT(x, n);
    ++thirds[x >> 62];
  }
  EXPECT_LT(chi_square(thirds, {1.0 / 3, 1.0 / 3, 1.0 / 3}), 25.0);
}

TEST(Rng, BelowOfZeroOrOneIsZero) {
  Rng rng(5, 0);
  EXPECT_EQ(rng.below(0), 0u);
  EXPECT_EQ(rng.below(1), 0u);
}

TEST(Rng, BernoulliFrequencyMatchesP) {
  Rng rng(6, 0);
  const int n = 100000;
  int hits = 0;
  for (int i = 0; i < n; ++i) hits += rng.bernoulli(0.3) ? 1 : 0;
  const double error = std::sqrt(0.3 * 0.7 / n);
  EXPECT_NEAR(hits / static_cast<double>(n), 0.3, kSigmas * error);
  EXPECT_FALSE(rng.bernoulli(0.0));
  EXPECT_TRUE(rng.bernoulli(1.0));
}

// ============================================================================================
// Normal and gamma
// ============================================================================================

TEST(Rng, NormalHasMeanZeroAndVarianceOne) {
  Rng rng(7, 0);
  const int n = 300000;
  std::vector<double> xs(n);
  int within_one = 0;
  for (auto& x : xs) {
    x = rng.normal();
    within_one += std::fabs(x) < 1.0 ? 1 : 0;
  }
  const Moments m = moments_of(xs);
  EXPECT_NEAR(m.mean, 0.0, kSigmas * m.mean_error);
  EXPECT_NEAR(m.variance, 1.0, kSigmas * m.variance_error);
  // P(|Z| < 1) = erf(1 / sqrt 2): checks the shape, not just two moments.
  const double p = std::erf(1.0 / std::sqrt(2.0));
  EXPECT_NEAR(within_one / static_cast<double>(n), p, kSigmas * std::sqrt(p * (1 - p) / n));
}

TEST(Rng, SuccessiveNormalsAreUncorrelated) {
  // The polar method yields normals in pairs (one is kept as the spare): both halves of a pair
  // and consecutive pairs must be independent, and |x| and |y| too (a pair (u f, u f) or
  // (u f, -u f) would have the right marginals).
  Rng rng(7, 1);
  const int pairs = 200000;
  double xy = 0, abs_xy = 0, next_pair = 0, previous = 0;
  const double abs_mean = std::sqrt(2.0 / std::acos(-1.0));  // E|Z|
  for (int k = 0; k < pairs; ++k) {
    const double x = rng.normal(), y = rng.normal();
    xy += x * y;
    abs_xy += (std::fabs(x) - abs_mean) * (std::fabs(y) - abs_mean);
    next_pair += previous * x;
    previous = y;
  }
  const double error = 1.0 / std::sqrt(pairs);  // each product has variance about 1 (or less)
  EXPECT_NEAR(xy / pairs, 0.0, kSigmas * error);
  EXPECT_NEAR(abs_xy / pairs, 0.0, kSigmas * error);
  EXPECT_NEAR(next_pair / pairs, 0.0, kSigmas * error);
}

class RngGamma : public ::testing::TestWithParam<double> {};

// Gamma(a, 1) has mean a and variance a; shapes below 1 go through the boost U^(1/a).
TEST_P(RngGamma, MomentsMatchShape) {
  const double shape = GetParam();
  Rng rng(8, static_cast<uint64_t>(shape * 1000));
  const int n = 200000;
  std::vector<double> xs(n);
  for (auto& x : xs) {
    x = rng.gamma(shape);
    ASSERT_GE(x, 0.0);
    ASSERT_TRUE(std::isfinite(x));
  }
  const Moments m = moments_of(xs);
  EXPECT_NEAR(m.mean, shape, kSigmas * m.mean_error) << "shape " << shape;
  EXPECT_NEAR(m.variance, shape, kSigmas * m.variance_error) << "shape " << shape;
  // Loose absolute sanity bounds, in case the estimated errors themselves blew up.
  EXPECT_NEAR(m.mean, shape, 0.05 * shape + 0.01);
  EXPECT_NEAR(m.variance, shape, 0.1 * shape + 0.01);
}

INSTANTIATE_TEST_SUITE_P(Shapes, RngGamma, ::testing::Values(0.1, 0.5, 1.0, 3.0, 3.7));

TEST(Rng, LogGammaVariateStaysFiniteForTinyShapes) {
  // alpha = 0.01 often underflows gamma() to 0; the log must stay finite so Dirichlet rows do.
  Rng rng(9, 0);
  for (int i = 0; i < 10000; ++i) ASSERT_TRUE(std::isfinite(rng.log_gamma_variate(0.01)));
}

// ============================================================================================
// Dirichlet and categorical
// ============================================================================================

class RngDirichlet : public ::testing::TestWithParam<double> {};

// Dirichlet(alpha 1_n): every component has mean 1/n and variance (1/n)(1-1/n)/(n alpha + 1).
TEST_P(RngDirichlet, ComponentMomentsMatchFormula) {
  const double alpha = GetParam();
  const int n = 4, draws = 100000;
  Rng rng(10, static_cast<uint64_t>(alpha * 1000));
  std::vector<std::vector<double>> components(n, std::vector<double>(draws));
  std::vector<double> row(n);
  for (int d = 0; d < draws; ++d) {
    rng.dirichlet_symmetric(alpha, row.data(), n);
    double sum = 0;
    for (int i = 0; i < n; ++i) {
      ASSERT_GE(row[i], 0.0);
      sum += row[i];
      components[i][d] = row[i];
    }
    ASSERT_NEAR(sum, 1.0, 1e-12);
  }
  const double mean = 1.0 / n;
  const double variance = mean * (1 - mean) / (n * alpha + 1);
  for (int i = 0; i < n; ++i) {
    const Moments m = moments_of(components[i]);
    EXPECT_NEAR(m.mean, mean, kSigmas * m.mean_error) << "alpha " << alpha << " component " << i;
    EXPECT_NEAR(m.variance, variance, kSigmas * m.variance_error) << "alpha " << alpha << " component " << i;
  }
}

INSTANTIATE_TEST_SUITE_P(Concentrations, RngDirichlet, ::testing::Values(0.1, 0.5, 1.0, 3.0));

// The Gamma variates inside dirichlet_symmetric: for alpha < 1 each is g U^(1/alpha) with g from
// Gamma(alpha + 1), kept as a number and a log. Their normalized sum over n = 1 is 1, so check
// the law through the row: with n = 2 the first component is Beta(alpha, alpha), whose mean
// and variance are 1/2 and 1 / (4 (2 alpha + 1)); and the rows agree with the plain formula.
TEST_P(RngDirichlet, TwoComponentsAreBetaDistributed) {
  const double alpha = GetParam();
  const int draws = 200000;
  Rng rng(13, static_cast<uint64_t>(alpha * 1000));
  std::vector<double> first(draws);
  double row[2];
  for (int d = 0; d < draws; ++d) {
    rng.dirichlet_symmetric(alpha, row, 2);
    first[d] = row[0];
  }
  const Moments m = moments_of(first);
  EXPECT_NEAR(m.mean, 0.5, kSigmas * m.mean_error) << "alpha " << alpha;
  EXPECT_NEAR(m.variance, 1.0 / (4.0 * (2.0 * alpha + 1.0)), kSigmas * m.variance_error) << "alpha " << alpha;
}

// The fast row uses the same draws in the same order as the plain formula (exp of log-Gamma
// variates, normalized): only rounding may differ.
TEST(Rng, DirichletMatchesThePlainFormulaDrawForDraw) {
  for (double alpha : {0.001, 0.01, 0.1, 0.5, 0.99, 1.0, 3.0, 20.0}) {
    for (int n : {2, 3, 10, 64}) {
      Rng fast(14, static_cast<uint64_t>(n)), plain(14, static_cast<uint64_t>(n));
      std::vector<double> a(n), b(n);
      for (int d = 0; d < 200; ++d) {
        fast.dirichlet_symmetric(alpha, a.data(), n);
        plain.dirichlet_symmetric_reference(alpha, b.data(), n);
        for (int i = 0; i < n; ++i)
          ASSERT_NEAR(a[i], b[i], 1e-10 * b[i] + 1e-300) << "alpha " << alpha << " n " << n << " draw " << d;
      }
      EXPECT_EQ(fast.next_u64(), plain.next_u64()) << "the same number of draws, alpha " << alpha;
    }
  }
}

// Several rows at once (one block of draws, one loop of logs and exps) against one row at a
// time: the same bits and the same state afterwards, for row counts that fill a block, leave a
// partial block, or need several blocks, at shapes below and above 1.
TEST(Rng, DirichletRowsMatchOneRowAtATimeBitForBit) {
  for (double alpha : {0.01, 0.1, 0.5, 1.0, 3.0}) {
    for (int n : {2, 3, 10, 33, Rng::kMaxBlock}) {
      for (int rows : {1, 5, n, 3 * n + 1}) {
        Rng batched(16, static_cast<uint64_t>(n * 1000 + rows)), single(16, static_cast<uint64_t>(n * 1000 + rows));
        std::vector<double> a(static_cast<size_t>(rows) * n), b(a.size());
        for (int draw = 0; draw < 20; ++draw) {
          batched.dirichlet_symmetric_rows(alpha, a.data(), rows, n);
          for (int r = 0; r < rows; ++r) single.dirichlet_symmetric(alpha, b.data() + static_cast<size_t>(r) * n, n);
          for (size_t i = 0; i < a.size(); ++i)
            ASSERT_EQ(a[i], b[i]) << "alpha " << alpha << " n " << n << " rows " << rows << " entry " << i;
        }
        ASSERT_EQ(batched.normal(), single.normal()) << "alpha " << alpha << " n " << n << " rows " << rows;
        ASSERT_EQ(batched.next_u64(), single.next_u64()) << "alpha " << alpha << " n " << n << " rows " << rows;
      }
    }
  }
}

// Rng::marsaglia_tsang written out with public draws, counting the rejected attempts of each
// kind: v <= 0 (a new normal, no u drawn) and a failed acceptance test (after its u).
double counted_marsaglia_tsang(Rng& rng, double d, double c, int& nonpositive_v, int& failed_test) {
  for (;;) {
    double x, v;
    for (;;) {
      x = rng.normal();
      v = 1.0 + c * x;
      if (v > 0.0) break;
      ++nonpositive_v;
    }
    v = v * v * v;
    const double u = rng.uniform_open();
    if (u < 1.0 - 0.0331 * (x * x) * (x * x)) return d * v;
    if (std::log(u) < 0.5 * x * x + d * (1.0 - v + std::log(v))) return d * v;
    ++failed_test;
  }
}

// The speculative block of Gamma variates against the plain loop it replaces: the same values
// bit for bit, the same boosts, and the same state afterwards (the bit stream and the pending
// spare normal), for shapes where rejections are common (near 1) or rare, for rows that start
// with and without a spare normal, and for row lengths up to the largest block. Both kinds of
// rejection, which make the block restore a saved state, occur many times.
TEST(Rng, GammaBlockMatchesThePlainLoopBitForBit) {
  int nonpositive_v = 0, failed_test = 0;
  for (double shape : {1.0, 1.001, 1.01, 1.1, 1.5, 2.0, 3.7, 20.0}) {
    const double d = shape - 1.0 / 3.0, c = 1.0 / std::sqrt(9.0 * d);
    for (int n : {1, 2, 3, 7, 10, 33, Rng::kMaxBlock}) {
      for (bool with_boost : {false, true}) {
        for (int spare = 0; spare < 2; ++spare) {
          const uint64_t stream = static_cast<uint64_t>(n * 4 + spare * 2 + with_boost);
          Rng fast(15, stream), plain(15, stream), counted(15, stream);
          if (spare) {  // leaves a spare normal pending
            ASSERT_EQ(fast.normal(), plain.normal());
            counted.normal();
          }
          std::vector<double> g_fast(n), g_plain(n), b_fast(n), b_plain(n);
          for (int row = 0; row < 60; ++row) {
            fast.gamma_block(d, c, g_fast.data(), with_boost ? b_fast.data() : nullptr, n);
            plain.gamma_block_reference(d, c, g_plain.data(), with_boost ? b_plain.data() : nullptr, n);
            for (int i = 0; i < n; ++i) {
              ASSERT_EQ(g_fast[i], g_plain[i]) << "shape " << shape << " n " << n << " row " << row << " entry " << i;
              if (with_boost) {
                ASSERT_EQ(b_fast[i], b_plain[i]) << "shape " << shape << " n " << n << " row " << row;
              }
              ASSERT_EQ(counted_marsaglia_tsang(counted, d, c, nonpositive_v, failed_test), g_plain[i]);
              if (with_boost) counted.uniform_open();
            }
          }
          // The same state afterwards: the same pending spare normal and the same bits.
          ASSERT_EQ(fast.normal(), plain.normal()) << "shape " << shape << " n " << n;
          ASSERT_EQ(fast.normal(), plain.normal()) << "shape " << shape << " n " << n;
          ASSERT_EQ(fast.next_u64(), plain.next_u64()) << "shape " << shape << " n " << n;
        }
      }
    }
  }
  EXPECT_GT(nonpositive_v, 20);
  EXPECT_GT(failed_test, 200);
}

TEST(Rng, DirichletWithTinyAlphaIsStillADistribution) {
  Rng rng(11, 0);
  std::vector<double> row(10);
  for (int d = 0; d < 2000; ++d) {
    rng.dirichlet_symmetric(0.01, row.data(), 10);
    double sum = 0;
    for (double p : row) {
      ASSERT_TRUE(std::isfinite(p));
      sum += p;
    }
    ASSERT_NEAR(sum, 1.0, 1e-12);
  }
}

TEST(Rng, CategoricalFrequenciesMatchProbabilities) {
  const std::vector<double> p = {0.1, 0.0, 0.6, 0.3};
  Rng rng(12, 0);
  std::vector<int64_t> counts(p.size(), 0);
  for (int i = 0; i < 100000; ++i) ++counts[rng.categorical(p.data(), static_cast<int>(p.size()))];
  EXPECT_EQ(counts[1], 0);  // zero probability is never drawn
  // 2 degrees of freedom among the positive cells: 30 has p ~ 3e-7.
  EXPECT_LT(chi_square(counts, p), 30.0);
}

TEST(Rng, CategoricalGivesRoundingGapToLastPositiveEntry) {
  // p sums to 0.6: draws with u >= 0.6 fall in the gap and must land on index 1, never on the
  // zero-probability index 2.
  const std::vector<double> p = {0.3, 0.3, 0.0};
  Rng rng(13, 0);
  std::vector<int64_t> counts(3, 0);
  for (int i = 0; i < 100000; ++i) ++counts[rng.categorical(p.data(), 3)];
  EXPECT_EQ(counts[2], 0);
  EXPECT_LT(chi_square(counts, {0.3, 0.7, 0.0}), 30.0);
}

}  // namespace
