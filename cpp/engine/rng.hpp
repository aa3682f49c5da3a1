// Deterministic random numbers, identical natively and in WebAssembly.
//
// Standard-library distributions differ between libstdc++ and libc++, so every distribution
// used by the samplers is written here on top of one bit generator (xoshiro256**, seeded
// through splitmix64). Only IEEE-exact operations (sqrt included), std::log, and the IEEE-only log
// and exp of kernels.hpp are used.
#pragma once

#include <cmath>
#include <cstdint>
#include <vector>

#include "kernels.hpp"

namespace cpg {

class Rng {
 public:
  // `stream` separates independent uses of one seed (graph, training data, test data, init).
  explicit Rng(uint64_t seed = 0, uint64_t stream = 0) { reseed(seed, stream); }

  void reseed(uint64_t seed, uint64_t stream = 0) {
    uint64_t x = seed * 0x9E3779B97F4A7C15ULL ^ (stream + 0x632BE59BD9B4E019ULL) * 0xBF58476D1CE4E5B9ULL;
    for (auto& word : state_) word = splitmix64(x);
    has_spare_normal_ = false;
  }

  uint64_t next_u64() { return next_u64(state_); }

  // Uniform in [0, 1) with 53 random bits.
  double uniform() { return uniform(state_); }

  // Uniform in (0, 1): safe to take the log of.
  double uniform_open() { return uniform_open(state_); }

  // Uniform integer in [0, n) without modulo bias: rejects the lowest 2^64 mod n values, then
  // takes the remainder (the threshold method of OpenBSD's arc4random_uniform).
  uint64_t below(uint64_t n) {
    if (n <= 1) return 0;
    const uint64_t limit = (~uint64_t{0} - n + 1) % n;  // 2^64 mod n
    uint64_t x;
    do { x = next_u64(); } while (x < limit);
    return x % n;
  }

  bool bernoulli(double p) { return uniform() < p; }

  // Standard normal by the Marsaglia polar method (log and sqrt only; the log is kernels.hpp's,
  // the same bits in every build, and faster than the C library's in WebAssembly).
  double normal() {
    if (has_spare_normal_) {
      has_spare_normal_ = false;
      return spare_normal_;
    }
    double u, v, s;
    do {
      u = 2.0 * uniform() - 1.0;
      v = 2.0 * uniform() - 1.0;
      s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    // s >= 2^-104 here (u and v are multiples of 2^-52), so log_positive applies.
    const double factor = std::sqrt(-2.0 * kernels::log_positive(s) / s);
    spare_normal_ = v * factor;
    has_spare_normal_ = true;
    return u * factor;
  }

  // log of a Gamma(shape, 1) variate. Working in log space keeps tiny shapes (alpha = 0.01)
  // from underflowing to an all-zero Dirichlet row.
  double log_gamma_variate(double shape) {
    if (shape < 1.0) {
      // Gamma(a) = Gamma(a + 1) * U^(1/a)  (Marsaglia & Tsang, section 6)
      return log_gamma_variate(shape + 1.0) + std::log(uniform_open()) / shape;
    }
    return std::log(gamma_at_least_one(shape));
  }

  // Gamma(shape, 1) for shape >= 1 by the Marsaglia & Tsang (2000) squeeze method: d * v^3.
  // Never tiny: accepted values are close to the bulk of the density.
  double gamma_at_least_one(double shape) {
    const double d = shape - 1.0 / 3.0;
    return marsaglia_tsang(d, 1.0 / std::sqrt(9.0 * d));
  }

  // One Marsaglia & Tsang variate with d = shape - 1/3 and c = 1 / sqrt(9 d) given.
  double marsaglia_tsang(double d, double c) {
    for (;;) {
      double x, v;
      do {
        x = normal();
        v = 1.0 + c * x;
      } while (v <= 0.0);
      v = v * v * v;
      const double u = uniform_open();
      if (marsaglia_tsang_accepts(d, x, v, u)) return d * v;
    }
  }

  // g[i] = marsaglia_tsang(d, c) for i in [0, n), each followed by boost[i] = uniform_open()
  // when boost is given: the same draws in the same order, the same bits, and the same state
  // afterwards (spare normal included) as that plain loop, which gamma_block_reference is.
  // n <= kMaxBlock.
  //
  // The plain loop is a chain of dependent latencies (a log, a division and a square root per
  // pair of normals, then a branch on the result before the next draw). Here the bit stream is
  // walked first as if every first attempt were accepted: that walk needs only the uniforms and
  // the polar method's s < 1 test, and it saves the generator's state after each entry's normal.
  // Then the normals of all the pairs are computed in one loop, which vectorizes (kernels.hpp's
  // log, IEEE division and square root: the same bits as one at a time). Then each entry's
  // acceptance test is checked in order; at the first rejected entry the state saved there is
  // restored, the plain loop finishes that entry, and the walk starts again after it.
  // A rejection (a few per cent of entries at shape 1.1) wastes the walk past it, no more.
  static constexpr int kMaxBlock = 64;
  void gamma_block(double d, double c, double* g, double* boost, int n) {
    uint64_t saved[kMaxBlock][4];           // state after entry j's normal
    int source[kMaxBlock];                  // entry j's normal: -1 the incoming spare, else normals[source]
    double pair_u[kMaxBlock], pair_v[kMaxBlock], pair_s[kMaxBlock];
    double normals[2 * kMaxBlock];          // pair p gives normals[2p] and its spare normals[2p + 1]
    double u[kMaxBlock], b[kMaxBlock];
    int i = 0;
    while (i < n) {
      // 1. The walk, on a local copy of the state (kept in registers).
      uint64_t state[4] = {state_[0], state_[1], state_[2], state_[3]};
      bool spare = has_spare_normal_;
      int spare_source = -1, pairs = 0;
      for (int j = i; j < n; ++j) {
        if (spare) {
          source[j] = spare_source;
          spare = false;
        } else {
          double pu, pv, s;
          do {
            pu = 2.0 * uniform(state) - 1.0;
            pv = 2.0 * uniform(state) - 1.0;
            s = pu * pu + pv * pv;
          } while (s >= 1.0 || s == 0.0);
          pair_u[pairs] = pu;
          pair_v[pairs] = pv;
          pair_s[pairs] = s;
          source[j] = 2 * pairs;
          spare_source = 2 * pairs + 1;
          spare = true;
          ++pairs;
        }
        for (int w = 0; w < 4; ++w) saved[j][w] = state[w];
        u[j] = uniform_open(state);
        if (boost) b[j] = uniform_open(state);
      }
      // 2. The normals of the polar method, as normal() computes them.
      for (int p = 0; p < pairs; ++p) {
        const double factor = std::sqrt(-2.0 * kernels::log_positive(pair_s[p]) / pair_s[p]);
        normals[2 * p] = pair_u[p] * factor;
        normals[2 * p + 1] = pair_v[p] * factor;
      }
      // 3. The acceptance tests, in order, up to the first rejection.
      int j = i;
      bool v_positive = true;
      for (; j < n; ++j) {
        const double x = source[j] < 0 ? spare_normal_ : normals[source[j]];
        double v = 1.0 + c * x;
        if (v <= 0.0) {
          v_positive = false;
          break;
        }
        v = v * v * v;
        if (!marsaglia_tsang_accepts(d, x, v, u[j])) break;
        g[j] = d * v;
        if (boost) boost[j] = b[j];
      }
      if (j == n) {
        for (int w = 0; w < 4; ++w) state_[w] = state[w];
        has_spare_normal_ = spare;
        if (spare) spare_normal_ = normals[spare_source];
        return;
      }
      // Entry j's first attempt was rejected: back to the state after its normal (whose pair's
      // spare is then pending), redraw the rejected attempt's u if it drew one, and let the
      // plain loop finish the entry.
      for (int w = 0; w < 4; ++w) state_[w] = saved[j][w];
      has_spare_normal_ = source[j] >= 0 && source[j] % 2 == 0;
      if (has_spare_normal_) spare_normal_ = normals[source[j] + 1];
      if (v_positive) uniform_open();
      g[j] = marsaglia_tsang(d, c);
      if (boost) boost[j] = uniform_open();
      i = j + 1;
    }
  }

  // The plain loop that gamma_block reproduces.
  void gamma_block_reference(double d, double c, double* g, double* boost, int n) {
    for (int i = 0; i < n; ++i) {
      g[i] = marsaglia_tsang(d, c);
      if (boost) boost[i] = uniform_open();
    }
  }

  double gamma(double shape) { return std::exp(log_gamma_variate(shape)); }

  // Dirichlet(alpha * 1_n) written into out[0..n): normalized Gamma(alpha) variates, from the
  // same random draws, in the same order, as dirichlet_symmetric_reference below, with fewer
  // logarithms. For alpha < 1 each variate is g_i * U_i^(1/alpha) with g_i ~ Gamma(alpha + 1)
  // (Marsaglia & Tsang, section 6); only the boost U_i^(1/alpha) needs log space (it underflows
  // for tiny alpha), so w_i = log(U_i) / alpha is kept as a log and the row is
  //   out_i = g_i exp(w_i - max_j w_j) / sum_k g_k exp(w_k - max_j w_j),
  // the same ratio as exp(log g_i + w_i - max) / sum, without log(g_i). tests/cpp/test_rng.cpp
  // checks it against the reference and the moments of the Dirichlet law.
  void dirichlet_symmetric(double alpha, double* out, int n) { dirichlet_symmetric_rows(alpha, out, 1, n); }

  // `rows` rows of dirichlet_symmetric into out (row-major, rows x n): the same bits, and the
  // same state afterwards, as calling it once per row, but with the logs and exps of several
  // rows in one loop each (a row of S = 10 entries is too short for the vector loops to pay).
  // Each row keeps its own maximum and its own sum, taken in the same order as one row at a
  // time. Rows longer than kMaxBlock use the plain formula; kMaxRows entries share a loop.
  static constexpr int kMaxRows = 128;
  void dirichlet_symmetric_rows(double alpha, double* out, int rows, int n) {
    if (n > kMaxBlock) {
      for (int r = 0; r < rows; ++r) dirichlet_symmetric_reference(alpha, out + static_cast<size_t>(r) * n, n);
      return;
    }
    const double shape = alpha >= 1.0 ? alpha : alpha + 1.0;
    const double d = shape - 1.0 / 3.0, c = 1.0 / std::sqrt(9.0 * d);
    const double inverse_alpha = 1.0 / alpha;
    const int rows_per_block = kMaxRows / n;
    double boost[kMaxRows];
    for (int first = 0; first < rows; first += rows_per_block) {
      const int block_rows = rows - first < rows_per_block ? rows - first : rows_per_block;
      const int count = block_rows * n;
      double* block = out + static_cast<size_t>(first) * n;
      // The draws a row at a time: a rejection makes gamma_block redo its walk past the rejected
      // entry, so longer blocks waste more of it.
      for (int r = 0; r < block_rows; ++r)
        gamma_block(d, c, block + r * n, alpha >= 1.0 ? nullptr : boost + r * n, n);
      if (alpha < 1.0) {
        // The logs and exps in loops of their own: they vectorize (kernels.hpp).
        for (int i = 0; i < count; ++i) boost[i] = kernels::log_positive(boost[i]) * inverse_alpha;
        for (int r = 0; r < block_rows; ++r) {
          double* w = boost + r * n;
          double max_boost = w[0];
          for (int i = 1; i < n; ++i) max_boost = w[i] > max_boost ? w[i] : max_boost;
          for (int i = 0; i < n; ++i) w[i] -= max_boost;
        }
        for (int i = 0; i < count; ++i) block[i] *= kernels::exp_double(boost[i]);
      }
      for (int r = 0; r < block_rows; ++r) {
        double* row = block + r * n;
        double sum = 0.0;
        for (int i = 0; i < n; ++i) sum += row[i];
        const double inverse_sum = 1.0 / sum;
        for (int i = 0; i < n; ++i) row[i] *= inverse_sum;
      }
    }
  }

  // The plain formula: exp of log-Gamma variates, shifted by their maximum, normalized.
  void dirichlet_symmetric_reference(double alpha, double* out, int n) {
    double max_log = -INFINITY;
    for (int i = 0; i < n; ++i) {
      out[i] = log_gamma_variate(alpha);
      if (out[i] > max_log) max_log = out[i];
    }
    double sum = 0.0;
    for (int i = 0; i < n; ++i) {
      out[i] = std::exp(out[i] - max_log);
      sum += out[i];
    }
    for (int i = 0; i < n; ++i) out[i] /= sum;
  }

  // Index drawn with probability p[i] (p sums to 1 up to rounding).
  int categorical(const double* p, int n) {
    const double u = uniform();
    double cumulative = 0.0;
    int last_positive = 0;
    for (int i = 0; i < n; ++i) {
      if (p[i] > 0.0) last_positive = i;
      cumulative += p[i];
      if (u < cumulative) return i;
    }
    return last_positive;  // u fell in the rounding gap at the top
  }

 private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  // xoshiro256** and the uniforms on a given state: the member's, or gamma_block's local copy.
  static uint64_t next_u64(uint64_t* state) {
    const uint64_t result = rotl(state[1] * 5, 7) * 9;
    const uint64_t t = state[1] << 17;
    state[2] ^= state[0];
    state[3] ^= state[1];
    state[1] ^= state[2];
    state[0] ^= state[3];
    state[2] ^= t;
    state[3] = rotl(state[3], 45);
    return result;
  }
  static double uniform(uint64_t* state) { return static_cast<double>(next_u64(state) >> 11) * 0x1.0p-53; }
  static double uniform_open(uint64_t* state) {
    double u;
    do { u = uniform(state); } while (u == 0.0);
    return u;
  }
  // Marsaglia & Tsang's test of one attempt: the squeeze, then the exact log test.
  static bool marsaglia_tsang_accepts(double d, double x, double v, double u) {
    if (u < 1.0 - 0.0331 * (x * x) * (x * x)) return true;
    return std::log(u) < 0.5 * x * x + d * (1.0 - v + std::log(v));
  }
  static uint64_t splitmix64(uint64_t& x) {
    uint64_t z = (x += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }

  uint64_t state_[4];
  bool has_spare_normal_ = false;
  double spare_normal_ = 0.0;
};

}  // namespace cpg
