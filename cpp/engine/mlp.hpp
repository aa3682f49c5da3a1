// The MLP sublayer shared by both models, on a block of rows (rows first_row..T-1 of a
// sequence), with its hand-written gradient.
//
// n input and output width, m hidden width, R rows:
//   hidden = relu(Y W1 + 1 b1^T)      (R, m), kept for the backward pass
//   out    = hidden W2 + 1 b2^T       (R, n)
//
// Y, out and their gradients are strided views (a row of the CatFormer's X_{l+1} holds Y and
// out side by side), so callers pass a row stride for each.
#pragma once

#include <Eigen/Dense>

namespace cpg::mlp {

template <typename Real>
using Rows = Eigen::Matrix<Real, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
template <typename Real>
using StridedMap = Eigen::Map<Rows<Real>, 0, Eigen::OuterStride<>>;
template <typename Real>
using ConstStridedMap = Eigen::Map<const Rows<Real>, 0, Eigen::OuterStride<>>;
template <typename Real>
using ConstVectorMap = Eigen::Map<const Eigen::Matrix<Real, 1, Eigen::Dynamic>>;
template <typename Real>
using VectorMap = Eigen::Map<Eigen::Matrix<Real, 1, Eigen::Dynamic>>;

struct Block {
  int rows = 0;        // R
  int n = 0, m = 0;    // input/output width, hidden width
  int y_stride = 0;    // row stride of Y and dY
  int out_stride = 0;  // row stride of out and dout
};

template <typename Real>
void forward(const Block& b, const Real* Y, const Real* W1, const Real* b1, const Real* W2, const Real* b2,
             Real* hidden, Real* out) {
  ConstStridedMap<Real> y(Y, b.rows, b.n, Eigen::OuterStride<>(b.y_stride));
  Eigen::Map<const Rows<Real>> w1(W1, b.n, b.m), w2(W2, b.m, b.n);
  Eigen::Map<Rows<Real>> h(hidden, b.rows, b.m);
  StridedMap<Real> o(out, b.rows, b.n, Eigen::OuterStride<>(b.out_stride));
  // hidden = relu(Y W1 + 1 b1^T)
  h.noalias() = y * w1;
  h.rowwise() += ConstVectorMap<Real>(b1, b.m);
  h = h.cwiseMax(Real(0));
  // out = hidden W2 + 1 b2^T
  o.noalias() = h * w2;
  o.rowwise() += ConstVectorMap<Real>(b2, b.n);
}

// Adds the gradients of W1, b1, W2, b2 and Y (into dY) given dout.
template <typename Real>
void backward(const Block& b, const Real* Y, const Real* W1, const Real* W2, const Real* hidden, const Real* dout,
              Real* dY, Real* dW1, Real* db1, Real* dW2, Real* db2) {
  ConstStridedMap<Real> y(Y, b.rows, b.n, Eigen::OuterStride<>(b.y_stride));
  ConstStridedMap<Real> d_out(dout, b.rows, b.n, Eigen::OuterStride<>(b.out_stride));
  StridedMap<Real> dy(dY, b.rows, b.n, Eigen::OuterStride<>(b.y_stride));
  Eigen::Map<const Rows<Real>> w1(W1, b.n, b.m), w2(W2, b.m, b.n), h(hidden, b.rows, b.m);
  Eigen::Map<Rows<Real>> dw1(dW1, b.n, b.m), dw2(dW2, b.m, b.n);
  // out = hidden W2 + 1 b2^T  =>  dW2 += hidden^T dout,  db2 += colsum(dout),  dhidden = dout W2^T
  dw2.noalias() += h.transpose() * d_out;
  VectorMap<Real>(db2, b.n) += d_out.colwise().sum();
  Rows<Real> dpre = d_out * w2.transpose();
  // hidden = relu(pre)  =>  dpre = dhidden where hidden > 0
  dpre = (h.array() > Real(0)).select(dpre, Real(0));
  // pre = Y W1 + 1 b1^T  =>  dW1 += Y^T dpre,  db1 += colsum(dpre),  dY += dpre W1^T
  dw1.noalias() += y.transpose() * dpre;
  VectorMap<Real>(db1, b.m) += dpre.colwise().sum();
  dy.noalias() += dpre * w1.transpose();
}

}  // namespace cpg::mlp
