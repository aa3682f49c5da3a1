#include "standard.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "kernels.hpp"
#include "mlp.hpp"

namespace cpg {

template <typename Real>
using RowMatrix = Eigen::Matrix<Real, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
template <typename Real>
using MatrixMap = Eigen::Map<RowMatrix<Real>>;
template <typename Real>
using ConstMatrixMap = Eigen::Map<const RowMatrix<Real>>;

// ==========================================================================================
// Set-up
// ==========================================================================================

template <typename Real>
StandardTransformer<Real>::StandardTransformer(const ModelShape& shape) : shape_(shape) {
  if (shape.kind != ModelKind::standard) throw std::invalid_argument("StandardTransformer needs a standard shape");
  const int L = shape.layers(), T = shape.T, d = shape.d(0);
  const size_t rows = static_cast<size_t>(T);
  X_.assign(L + 1, std::vector<Real>(rows * d, Real(0)));
  dX_.assign(L + 1, std::vector<Real>(rows * d, Real(0)));
  P_.resize(L);
  O_.resize(L);
  D_.assign(L, std::vector<Real>(rows * d, Real(0)));
  hidden_.resize(L);
  for (int l = 0; l < L; ++l) {
    P_[l].assign(shape.heads[l], std::vector<Real>(rows * T, Real(0)));
    O_[l].assign(rows * shape.heads[l] * d, Real(0));
    hidden_[l].assign(rows * shape.hidden[l], Real(0));
  }
  logits_.assign(shape.S, 0);
  probs_.assign(shape.S, 0);
  dlogits_.assign(shape.S, 0);
}

template <typename Real>
AttentionMaps StandardTransformer<Real>::make_attention_maps() const {
  AttentionMaps maps(shape_.layers());
  for (int l = 0; l < shape_.layers(); ++l)
    maps[l].assign(shape_.heads[l], std::vector<double>(static_cast<size_t>(shape_.T) * shape_.T, 0.0));
  return maps;
}

template <typename Real>
Params<Real> standard_initialization(const ModelShape& shape, Rng& rng) {
  if (shape.kind != ModelKind::standard) throw std::invalid_argument("standard_initialization needs a standard shape");
  Params<Real> params(shape);  // A, b1, W2, b2 and W stay zero
  const int d = shape.d(0);
  const double scale = 1.0 / std::sqrt(static_cast<double>(d));
  auto draw = [&](Real* block, size_t count) {
    for (size_t k = 0; k < count; ++k) block[k] = static_cast<Real>(scale * rng.normal());
  };
  draw(params.wte(), static_cast<size_t>(shape.S) * d);
  draw(params.wpe(), static_cast<size_t>(shape.T) * d);
  for (int l = 0; l < shape.layers(); ++l) {
    draw(params.V(l), static_cast<size_t>(shape.heads[l]) * d * d);
    draw(params.W1(l), static_cast<size_t>(d) * shape.hidden[l]);
  }
  return params;
}

template Params<float> standard_initialization<float>(const ModelShape&, Rng&);
template Params<double> standard_initialization<double>(const ModelShape&, Rng&);

// ==========================================================================================
// One layer on rows first_row..T-1 (first_row = 0: the dense reference; T-1: the query row)
// ==========================================================================================

template <typename Real>
void StandardTransformer<Real>::layer_forward(const Params<Real>& params, int l, int first_row) {
  const int T = shape_.T, d = shape_.d(0), H = shape_.heads[l], m = shape_.hidden[l], n = T - first_row;
  ConstMatrixMap<Real> X(X_[l].data(), T, d);
  const auto Q = X.bottomRows(n);  // the rows computed here (queries); every row is a key
  MatrixMap<Real> O(O_[l].data(), T, static_cast<Eigen::Index>(H) * d);
  MatrixMap<Real> D(D_[l].data(), T, d);
  for (int h = 0; h < H; ++h) {
    ConstMatrixMap<Real> A(params.A(l, h), d, d);
    auto P = MatrixMap<Real>(P_[l][h].data(), T, T).bottomRows(n);
    // P = softmax_causal(X A X^T), rows first_row..T-1
    P.noalias() = (Q * A) * X.transpose();
    for (int r = 0; r < n; ++r) {
      const int i = first_row + r;
      kernels::softmax_inplace(&P(r, 0), i + 1);
      for (int j = i + 1; j < T; ++j) P(r, j) = 0;
    }
    // O_h = P X
    O.block(first_row, static_cast<Eigen::Index>(h) * d, n, d).noalias() = P * X;
  }
  // D = O V
  D.bottomRows(n).noalias() = O.bottomRows(n) * ConstMatrixMap<Real>(params.V(l), static_cast<Eigen::Index>(H) * d, d);
  // X_{l+1} = X + mlp(D)
  const size_t first = static_cast<size_t>(first_row) * d;
  Real* next = X_[l + 1].data() + first;
  mlp::forward(mlp::Block{n, d, m, d, d}, D_[l].data() + first, params.W1(l), params.b1(l), params.W2(l), params.b2(l),
               hidden_[l].data() + static_cast<size_t>(first_row) * m, next);
  MatrixMap<Real>(X_[l + 1].data(), T, d).bottomRows(n) += Q;
}

template <typename Real>
void StandardTransformer<Real>::layer_backward(const Params<Real>& params, Params<Real>& grad, int l, int first_row) {
  const int T = shape_.T, d = shape_.d(0), H = shape_.heads[l], m = shape_.hidden[l], n = T - first_row;
  ConstMatrixMap<Real> X(X_[l].data(), T, d);
  const auto Q = X.bottomRows(n);
  MatrixMap<Real> dX(dX_[l].data(), T, d);
  ConstMatrixMap<Real> dX_next(dX_[l + 1].data(), T, d);
  ConstMatrixMap<Real> O(O_[l].data(), T, static_cast<Eigen::Index>(H) * d);
  ConstMatrixMap<Real> V(params.V(l), static_cast<Eigen::Index>(H) * d, d);
  // X_{l+1} = X + mlp(D)  =>  the residual passes dX_{l+1} straight through
  dX.setZero();
  dX.bottomRows(n) = dX_next.bottomRows(n);
  RowMatrix<Real> dD = RowMatrix<Real>::Zero(n, d);
  const size_t first = static_cast<size_t>(first_row) * d;
  mlp::backward(mlp::Block{n, d, m, d, d}, D_[l].data() + first, params.W1(l), params.W2(l),
                hidden_[l].data() + static_cast<size_t>(first_row) * m, dX_[l + 1].data() + first, dD.data(),
                grad.W1(l), grad.b1(l), grad.W2(l), grad.b2(l));
  // D = O V  =>  dV += O^T dD,  dO = dD V^T
  MatrixMap<Real>(grad.V(l), static_cast<Eigen::Index>(H) * d, d).noalias() += O.bottomRows(n).transpose() * dD;
  const RowMatrix<Real> dO = dD * V.transpose();
  RowMatrix<Real> dQ = RowMatrix<Real>::Zero(n, d);
  for (int h = 0; h < H; ++h) {
    ConstMatrixMap<Real> A(params.A(l, h), d, d);
    MatrixMap<Real> dA(grad.A(l, h), d, d);
    const auto P = ConstMatrixMap<Real>(P_[l][h].data(), T, T).bottomRows(n);
    const auto dO_h = dO.middleCols(static_cast<Eigen::Index>(h) * d, d);
    // O_h = P X  =>  dP = dO_h X^T,  dX += P^T dO_h
    RowMatrix<Real> dscore = dO_h * X.transpose();
    dX.noalias() += P.transpose() * dO_h;
    // P = softmax(scores) per row  =>  dscores = P o (dP - rowsum(P o dP)); masked entries have P = 0
    for (int r = 0; r < n; ++r) {
      const Real weighted = P.row(r).dot(dscore.row(r));
      dscore.row(r) = (P.row(r).array() * (dscore.row(r).array() - weighted)).matrix();
    }
    // scores = Q A X^T  =>  dA += Q^T dscores X,  dQ += dscores X A^T,  dX += dscores^T Q A
    const RowMatrix<Real> dscore_X = dscore * X;
    dA.noalias() += Q.transpose() * dscore_X;
    dQ.noalias() += dscore_X * A.transpose();
    dX.noalias() += dscore.transpose() * (Q * A);
  }
  dX.bottomRows(n) += dQ;
}

// ==========================================================================================
// Whole model
// ==========================================================================================

template <typename Real>
void StandardTransformer<Real>::forward(const Params<Real>& params, const int32_t* tokens, Path path) {
  const int L = shape_.layers(), T = shape_.T, S = shape_.S, d = shape_.d(0);
  // x_i = wte[s_i] + wpe[i]
  for (int i = 0; i < T; ++i) {
    Real* x = X_[0].data() + static_cast<size_t>(i) * d;
    const Real* token_row = params.wte() + static_cast<size_t>(tokens[i]) * d;
    const Real* position_row = params.wpe() + static_cast<size_t>(i) * d;
    for (int k = 0; k < d; ++k) x[k] = token_row[k] + position_row[k];
  }
  for (int l = 0; l < L; ++l) layer_forward(params, l, first_row(l, path));
  // logits = W^T x_L[T-1]
  const Real* x_final = X_[L].data() + static_cast<size_t>(T - 1) * d;
  const Real* W = params.W();
  std::fill(logits_.begin(), logits_.end(), Real(0));
  for (int r = 0; r < d; ++r) kernels::axpy(x_final[r], W + static_cast<size_t>(r) * S, logits_.data(), S);
  std::copy(logits_.begin(), logits_.end(), probs_.begin());
  kernels::softmax_inplace(probs_.data(), S);
}

template <typename Real>
void StandardTransformer<Real>::backward(const Params<Real>& params, const int32_t* tokens, Params<Real>& grad,
                                         Path path) {
  const int L = shape_.layers(), T = shape_.T, S = shape_.S, d = shape_.d(0);
  // logits = W^T x_final  =>  dW += x_final dlogits^T,  dx_final = W dlogits
  const Real* x_final = X_[L].data() + static_cast<size_t>(T - 1) * d;
  Real* d_final = dX_[L].data() + static_cast<size_t>(T - 1) * d;
  const Real* W = params.W();
  Real* dW = grad.W();
  std::fill(dX_[L].begin(), dX_[L].end(), Real(0));
  for (int r = 0; r < d; ++r) {
    kernels::axpy(x_final[r], dlogits_.data(), dW + static_cast<size_t>(r) * S, S);
    d_final[r] = kernels::dot(W + static_cast<size_t>(r) * S, dlogits_.data(), S);
  }
  for (int l = L - 1; l >= 0; --l) layer_backward(params, grad, l, first_row(l, path));
  // x_i = wte[s_i] + wpe[i]  =>  dwte[s_i] += dx_i,  dwpe[i] += dx_i
  for (int i = 0; i < T; ++i) {
    const Real* dx = dX_[0].data() + static_cast<size_t>(i) * d;
    kernels::axpy(Real(1), dx, grad.wte() + static_cast<size_t>(tokens[i]) * d, d);
    kernels::axpy(Real(1), dx, grad.wpe() + static_cast<size_t>(i) * d, d);
  }
}

template <typename Real>
double StandardTransformer<Real>::sequence_loss(const Params<Real>& params, const int32_t* tokens, const double* target,
                                                Real grad_scale, Params<Real>* grad, Path path) {
  const int S = shape_.S;
  forward(params, tokens, path);
  // loss = -sum_s y_s log softmax(logits)_s, from log-sum-exp so it never takes log(0)
  const Real max_logit = *std::max_element(logits_.begin(), logits_.end());
  double log_normalizer = 0.0;
  for (int s = 0; s < S; ++s) log_normalizer += std::exp(static_cast<double>(logits_[s] - max_logit));
  log_normalizer = std::log(log_normalizer) + static_cast<double>(max_logit);
  double loss = 0.0, target_mass = 0.0;
  for (int s = 0; s < S; ++s) {
    if (target[s] > 0.0) loss -= target[s] * (static_cast<double>(logits_[s]) - log_normalizer);
    target_mass += target[s];
  }
  if (grad) {
    // d loss / d logits = softmax * sum(y) - y
    for (int s = 0; s < S; ++s)
      dlogits_[s] = grad_scale * (probs_[s] * static_cast<Real>(target_mass) - static_cast<Real>(target[s]));
    backward(params, tokens, *grad, path);
  }
  return loss;
}

template <typename Real>
void StandardTransformer<Real>::accumulate_attention(AttentionMaps& sum, Path path) const {
  const int T = shape_.T;
  for (int l = 0; l < shape_.layers(); ++l)
    for (int h = 0; h < shape_.heads[l]; ++h)
      for (size_t k = static_cast<size_t>(first_row(l, path)) * T; k < static_cast<size_t>(T) * T; ++k)
        sum[l][h][k] += static_cast<double>(P_[l][h][k]);
}

template <typename Real>
double StandardTransformer<Real>::loss_and_grad(const Params<Real>& params, const Batch& batch, Params<Real>* grad,
                                                Path path, AttentionMaps* attention_sum) {
  if (batch.S != shape_.S || batch.T != shape_.T)
    throw std::invalid_argument("batch shape (S, T) does not match the model");
  double total = 0.0;
  const Real grad_scale = Real(1) / static_cast<Real>(batch.B);
  for (int b = 0; b < batch.B; ++b) {
    total += sequence_loss(params, batch.tokens_of(b), batch.target_of(b), grad_scale, grad, path);
    if (attention_sum) accumulate_attention(*attention_sum, path);
  }
  return batch.B > 0 ? total / batch.B : 0.0;
}

template <typename Real>
void StandardTransformer<Real>::predict(const Params<Real>& params, const int32_t* tokens, Real* probs, Path path) {
  forward(params, tokens, path);
  std::copy(probs_.begin(), probs_.end(), probs);
}

template class StandardTransformer<float>;
template class StandardTransformer<double>;

}  // namespace cpg
