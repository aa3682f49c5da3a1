// Small vector kernels used by the fast path's hot loops.
//
// Plain loops over contiguous arrays: g++ vectorizes them natively and clang vectorizes them
// to WebAssembly SIMD (-msimd128). Keeping them behind this tiny interface lets a target add
// hand-written intrinsics without touching the model code; tests check the model against the
// dense Eigen reference either way.
#pragma once

namespace cpg::kernels {

template <typename Real>
inline Real dot(const Real* __restrict a, const Real* __restrict b, int n) {
  Real sum = 0;
  for (int i = 0; i < n; ++i) sum += a[i] * b[i];
  return sum;
}

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
