// Small vector kernels used by the fast path's hot loops.
//
// Plain loops over contiguous arrays: g++ vectorizes them natively and clang vectorizes them
// to WebAssembly SIMD (-msimd128). Keeping them behind this tiny interface lets a target add
// hand-written intrinsics without touching the model code; tests check the model against the
// dense Eigen reference either way.
#pragma once

#if defined(__wasm_simd128__)
#include <wasm_simd128.h>
#endif

namespace cpg::kernels {

template <typename Real>
inline Real dot(const Real* __restrict a, const Real* __restrict b, int n) {
  Real sum = 0;
  for (int i = 0; i < n; ++i) sum += a[i] * b[i];
  return sum;
}

#if defined(__wasm_simd128__)
// WebAssembly SIMD: clang does not vectorize the float reduction above (that would reorder the
// sum, and the engine builds without -ffast-math), and dot is the inner loop of the query
// attention's forward and backward. Four lanes, two accumulators; the sum is reordered, so
// results differ from the scalar loop in the last bits (tests/web/native-vs-wasm.test.ts
// bounds the effect on a training run).
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

// y += alpha * x
template <typename Real>
inline void axpy(Real alpha, const Real* __restrict x, Real* __restrict y, int n) {
  for (int i = 0; i < n; ++i) y[i] += alpha * x[i];
}

// Numerically stable in-place softmax over n entries; returns nothing, writes probabilities.
template <typename Real>
inline void softmax_inplace(Real* x, int n) {
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
