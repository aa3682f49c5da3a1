// Small vector kernels used by the fast path's hot loops.
//
// Plain loops over contiguous arrays: g++ vectorizes them natively and clang vectorizes them
// to WebAssembly SIMD (-msimd128). Keeping them behind this tiny interface lets a target add
// hand-written intrinsics without touching the model code; tests check the model against the
// dense Eigen reference either way.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>

#if defined(__wasm_simd128__)
#include <wasm_simd128.h>
#endif

namespace cpg::kernels {

// Dot product with eight partial sums: lane k of two four-lane accumulators takes the products
// i = k (mod 4) of the blocks of eight and four, then the lanes are added as
// ((l0 + l1) + (l2 + l3)) and the tail after them. Independent sums keep the adds pipelined (a
// single running sum waits on each add), and this order is the one of the WebAssembly SIMD
// version below, so every build rounds dot products alike. dot_sequential is the plain formula
// (tests/cpp/test_kernels.cpp compares them).
template <typename Real>
inline Real dot(const Real* __restrict a, const Real* __restrict b, int n) {
  Real sum0[4] = {0, 0, 0, 0}, sum1[4] = {0, 0, 0, 0};
  int i = 0;
  for (; i + 8 <= n; i += 8)
    for (int k = 0; k < 4; ++k) {
      sum0[k] += a[i + k] * b[i + k];
      sum1[k] += a[i + 4 + k] * b[i + 4 + k];
    }
  if (i + 4 <= n) {
    for (int k = 0; k < 4; ++k) sum0[k] += a[i + k] * b[i + k];
    i += 4;
  }
  for (int k = 0; k < 4; ++k) sum0[k] += sum1[k];
  Real total = (sum0[0] + sum0[1]) + (sum0[2] + sum0[3]);
  for (; i < n; ++i) total += a[i] * b[i];
  return total;
}

template <typename Real>
inline Real dot_sequential(const Real* a, const Real* b, int n) {
  Real sum = 0;
  for (int i = 0; i < n; ++i) sum += a[i] * b[i];
  return sum;
}

#if defined(__wasm_simd128__)
// WebAssembly SIMD: the same sums as the generic dot above, in two f32x4 registers (clang does
// not turn the generic loop into vector code by itself), for the inner loop of the query
// attention's forward and backward.
template <>
inline float dot<float>(const float* __restrict a, const float* __restrict b, int n) {
  v128_t sum0 = wasm_f32x4_splat(0.0f), sum1 = wasm_f32x4_splat(0.0f);
  int i = 0;
  for (; i + 8 <= n; i += 8) {
    sum0 = wasm_f32x4_add(sum0, wasm_f32x4_mul(wasm_v128_load(a + i), wasm_v128_load(b + i)));
    sum1 = wasm_f32x4_add(sum1, wasm_f32x4_mul(wasm_v128_load(a + i + 4), wasm_v128_load(b + i + 4)));
  }
  if (i + 4 <= n) {
    sum0 = wasm_f32x4_add(sum0, wasm_f32x4_mul(wasm_v128_load(a + i), wasm_v128_load(b + i)));
    i += 4;
  }
  const v128_t sum = wasm_f32x4_add(sum0, sum1);
  float total = (wasm_f32x4_extract_lane(sum, 0) + wasm_f32x4_extract_lane(sum, 1)) +
                (wasm_f32x4_extract_lane(sum, 2) + wasm_f32x4_extract_lane(sum, 3));
  for (; i < n; ++i) total += a[i] * b[i];
  return total;
}
#endif

// Four dot products at once: out[k] = dot(column k of a, b, n) for the (n, lda) row-major
// matrix a, i.e. out[k] = sum_i a[i * lda + k] b[i], each with dot's partial sums in dot's
// order, so out[k] has the bits of dot on that column (tests/cpp/test_kernels.cpp). The lanes
// are the four columns, so the loop vectorizes however short n is; dot on one short row is
// mostly loop overhead.
template <typename Real>
inline void dot4_columns(const Real* __restrict a, int lda, const Real* __restrict b, int n, Real* __restrict out) {
  Real sum0[4][4] = {}, sum1[4][4] = {};   // [partial sum][column]
  int i = 0;
  for (; i + 8 <= n; i += 8)
    for (int k = 0; k < 4; ++k)
      for (int c = 0; c < 4; ++c) {
        sum0[k][c] += a[static_cast<size_t>(i + k) * lda + c] * b[i + k];
        sum1[k][c] += a[static_cast<size_t>(i + 4 + k) * lda + c] * b[i + 4 + k];
      }
  if (i + 4 <= n) {
    for (int k = 0; k < 4; ++k)
      for (int c = 0; c < 4; ++c) sum0[k][c] += a[static_cast<size_t>(i + k) * lda + c] * b[i + k];
    i += 4;
  }
  Real total[4];
  for (int c = 0; c < 4; ++c) {
    for (int k = 0; k < 4; ++k) sum0[k][c] += sum1[k][c];
    total[c] = (sum0[0][c] + sum0[1][c]) + (sum0[2][c] + sum0[3][c]);
  }
  for (; i < n; ++i)
    for (int c = 0; c < 4; ++c) total[c] += a[static_cast<size_t>(i) * lda + c] * b[i];
  for (int c = 0; c < 4; ++c) out[c] = total[c];
}

// y += alpha * x
template <typename Real>
inline void axpy(Real alpha, const Real* __restrict x, Real* __restrict y, int n) {
  for (int i = 0; i < n; ++i) y[i] += alpha * x[i];
}

// e^x in float for the softmax: Cody-Waite reduction x = n ln 2 + r with |r| <= ln 2 / 2, the
// degree-6 polynomial of Cephes' expf for e^r, and 2^n put into the exponent bits. Only IEEE
// operations on float and uint32, with no branch, so compilers vectorize a loop of it (SSE on
// x86, SIMD128 in WebAssembly) and every build gets the same bits. Within 2 ulp of std::exp on
// [-87, 88]; below -87 (where e^x is subnormal) it returns 0; NaN stays NaN.
inline float exp_float(float x) {
  const float lo = -87.0f, hi = 88.0f;
  const bool tiny = x < lo;
  x = x < lo ? lo : x;
  x = x > hi ? hi : x;
  // n = round(x / ln 2): adding 1.5 * 2^23 rounds to an integer, kept in the low mantissa bits.
  const float shifter = 12582912.0f;
  const float t = x * 1.44269504088896341f + shifter;
  const float n = t - shifter;
  float r = x - n * 0.693359375f;
  r = r - n * -2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  const float e_r = (p * (r * r) + r) + 1.0f;
  uint32_t t_bits;
  std::memcpy(&t_bits, &t, sizeof t_bits);
  // t's bits are 0x4B400000 + n; 2^n has exponent field n + 127.
  const uint32_t scale_bits = (t_bits - 0x4B400000u + 127u) << 23;
  float scale;
  std::memcpy(&scale, &scale_bits, sizeof scale);
  return tiny ? 0.0f : e_r * scale;
}

// Double-precision log and exp for the sampler's Dirichlet rows, written like exp_float: IEEE
// operations on double and uint64 only, no branch, so a loop of them vectorizes and every build
// rounds alike. The polynomials and reductions are fdlibm's (e_log.c, e_exp.c), within 1 ulp of
// std::log and std::exp.

inline uint64_t bits_of(double x) {
  uint64_t bits;
  std::memcpy(&bits, &x, sizeof bits);
  return bits;
}
inline double double_of(uint64_t bits) {
  double x;
  std::memcpy(&x, &bits, sizeof x);
  return x;
}

// log(x) for positive normal x (x >= 2^-1022, finite): the sampler's uniforms in (0, 1).
inline double log_positive(double x) {
  // x = 2^k m with m in [sqrt(2)/2, sqrt(2)): shifting the bits by 1 - sqrt(2)/2 makes the
  // exponent field k + 1023 exactly when m is in that range.
  const uint64_t shifted = bits_of(x) + (0x3ff0000000000000ull - 0x3fe6a09e00000000ull);
  const uint64_t biased_k = shifted >> 52;
  // k as a double without an int64 conversion: 2^52 + biased_k, read as a double, minus 2^52.
  const double k = double_of(0x4330000000000000ull | biased_k) - (4503599627370496.0 + 1023.0);
  const double f = double_of((shifted & 0x000fffffffffffffull) + 0x3fe6a09e00000000ull) - 1.0;
  const double s = f / (2.0 + f);
  const double z = s * s, w = z * z;
  const double t1 = w * (3.999999999940941908e-01 + w * (2.222219843214978396e-01 + w * 1.531383769920937332e-01));
  const double t2 = z * (6.666666666666735130e-01 +
                         w * (2.857142874366239149e-01 + w * (1.818357216161805012e-01 + w * 1.479819860511658591e-01)));
  const double R = t2 + t1;
  const double hfsq = 0.5 * f * f;
  return k * 6.93147180369123816490e-01 - ((hfsq - (s * (hfsq + R) + k * 1.90821492927058770002e-10)) - f);
}

// e^x for any double x <= 709 (larger x is clamped; NaN stays NaN). Results below 2^-1022 come
// out subnormal through two scalings, and 0 below -746.
inline double exp_double(double x) {
  x = x < -746.0 ? -746.0 : x;
  x = x > 709.0 ? 709.0 : x;
  // n = round(x / ln 2) by the 1.5 * 2^52 shifter; r = x - n ln 2 in two parts (Cody-Waite).
  const double shifter = 6755399441055744.0;
  const double n = (x * 1.44269504088896338700e+00 + shifter) - shifter;
  const double hi = x - n * 6.93147180369123816490e-01;
  const double lo = n * 1.90821492927058770002e-10;
  const double r = hi - lo;
  const double rr = r * r;
  const double c =
      r - rr * (1.66666666666666019037e-01 +
                rr * (-2.77777777770155933842e-03 +
                      rr * (6.61375632143793436117e-05 + rr * (-1.65339022054652515390e-06 + rr * 4.13813679705723846039e-08))));
  const double e_r = 1.0 - ((lo - (r * c) / (2.0 - c)) - hi);
  // 2^n as 2^n1 2^n2 with n1 = round(n / 2), so both factors stay normal for n >= -1075.
  const double n1 = (n * 0.5 + shifter) - shifter;
  const double n2 = n - n1;
  // (n + shifter)'s low bits hold n; adding 1023 and shifting left by 52 keeps just n + 1023.
  const double scale1 = double_of((bits_of(n1 + shifter) + 1023u) << 52);
  const double scale2 = double_of((bits_of(n2 + shifter) + 1023u) << 52);
  return (e_r * scale1) * scale2;
}

template <typename Real>
inline Real exp_of(Real x) { return std::exp(x); }
template <>
inline float exp_of<float>(float x) { return exp_float(x); }

// Numerically stable in-place softmax over n entries; returns nothing, writes probabilities.
// Float rows use exp_float (the exponentials in a loop of their own, so it vectorizes); the
// sum stays in index order.
template <typename Real>
inline void softmax_inplace(Real* x, int n) {
  Real max_value = x[0];
  for (int i = 1; i < n; ++i) max_value = x[i] > max_value ? x[i] : max_value;
  for (int i = 0; i < n; ++i) x[i] = exp_of(x[i] - max_value);
  Real sum = 0;
  for (int i = 0; i < n; ++i) sum += x[i];
  const Real inverse = Real(1) / sum;
  for (int i = 0; i < n; ++i) x[i] *= inverse;
}

// softmax_inplace on rows first..n-1 of a causal (n, n) score matrix stored by columns: row i
// is scores[j * n + i] for j = 0..i (entries above the diagonal are not read or written).
// Each row gets the same operations in the same order as softmax_inplace on its i + 1 entries,
// so the same bits; but the rows' running max and sum are vectors across rows, so the loops
// vectorize and no row waits on its own chain of additions (short rows make softmax_inplace
// latency-bound). row_max and row_sum are scratch of n entries each.
template <typename Real>
inline void causal_softmax_by_columns(Real* scores, int n, int first, Real* row_max, Real* row_sum) {
  for (int i = first; i < n; ++i) row_max[i] = scores[i];
  for (int j = 1; j < n; ++j) {
    const Real* column = scores + static_cast<size_t>(j) * n;
    for (int i = j > first ? j : first; i < n; ++i) row_max[i] = column[i] > row_max[i] ? column[i] : row_max[i];
  }
  for (int i = first; i < n; ++i) row_sum[i] = 0;
  for (int j = 0; j < n; ++j) {
    Real* column = scores + static_cast<size_t>(j) * n;
    const int start = j > first ? j : first;
    for (int i = start; i < n; ++i) column[i] = exp_of(column[i] - row_max[i]);
    for (int i = start; i < n; ++i) row_sum[i] += column[i];
  }
  for (int i = first; i < n; ++i) row_sum[i] = Real(1) / row_sum[i];
  for (int j = 0; j < n; ++j) {
    Real* column = scores + static_cast<size_t>(j) * n;
    for (int i = j > first ? j : first; i < n; ++i) column[i] *= row_sum[i];
  }
}

// The plain formula: std::exp, the same max shift and normalization.
template <typename Real>
inline void softmax_reference(Real* x, int n) {
  Real max_value = x[0];
  for (int i = 1; i < n; ++i) max_value = x[i] > max_value ? x[i] : max_value;
  Real sum = 0;
  for (int i = 0; i < n; ++i) {
    x[i] = std::exp(x[i] - max_value);
    sum += x[i];
  }
  const Real inverse = Real(1) / sum;
  for (int i = 0; i < n; ++i) x[i] *= inverse;
}

}  // namespace cpg::kernels
