#include "catformer.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

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
// Shape
// ==========================================================================================

ModelShape ModelShape::make(int S, int T, const std::vector<int>& heads) {
  return make(S, T, heads, ModelKind::catformer, false, 0);
}

ModelShape ModelShape::make(int S, int T, const std::vector<int>& heads, ModelKind kind, bool mlp, int mlp_width) {
  if (heads.empty() || heads.size() > 4)
    throw std::invalid_argument("heads must list 1 to 4 layers (got " + std::to_string(heads.size()) + ")");
  for (size_t l = 0; l < heads.size(); ++l)
    if (heads[l] < 1 || heads[l] > 4)
      throw std::invalid_argument("heads: layer " + std::to_string(l + 1) + " has " +
                                  std::to_string(heads[l]) + " heads; allowed range is [1, 4]");
  if (mlp_width < 0 || mlp_width > kMaxMlpWidth)
    throw std::invalid_argument("mlp_width must be in [0, " + std::to_string(kMaxMlpWidth) + "] (got " +
                                std::to_string(mlp_width) + ")");
  ModelShape shape;
  shape.kind = kind;
  shape.mlp = kind == ModelKind::standard || mlp;
  shape.S = S;
  shape.T = T;
  shape.heads = heads;
  const int L = static_cast<int>(heads.size());
  // Widths, counted in double first, so that no product below overflows.
  const std::string too_large = "model too large: S=" + std::to_string(S) + ", T=" + std::to_string(T) +
                                " and these heads need more than " + std::to_string(kMaxParameters) +
                                " parameters (use fewer layers or heads, smaller S or T, or no MLP)";
  double width = S + T;
  shape.width.push_back(S + T);
  for (int l = 0; l < L; ++l) {
    const double n = kind == ModelKind::standard ? width : width * (1 + heads[l]);
    const double next = kind == ModelKind::standard ? width : (shape.mlp ? 2 * n : n);
    // Only a guard against int overflow of the widths: the total is checked below, so the last
    // layer's wide output stream (read only by W) is allowed as before.
    if (next > static_cast<double>(kMaxParameters)) throw std::invalid_argument(too_large);
    shape.mlp_in.push_back(static_cast<int>(n));
    shape.hidden.push_back(shape.mlp ? (mlp_width > 0 ? mlp_width : static_cast<int>(n)) : 0);
    shape.width.push_back(static_cast<int>(next));
    width = next;
  }
  size_t offset = 0;
  for (int l = 0; l < L; ++l) {
    shape.A_offset.push_back(offset);
    offset += shape.A_size(l);
  }
  shape.W_offset = offset;
  offset += shape.W_size();
  const size_t d = static_cast<size_t>(shape.width[0]);
  if (kind == ModelKind::standard) {
    shape.wte_offset = offset;
    offset += static_cast<size_t>(S) * d;
    shape.wpe_offset = offset;
    offset += static_cast<size_t>(T) * d;
  }
  for (int l = 0; l < L; ++l) {
    if (kind == ModelKind::standard) {
      shape.V_offset.push_back(offset);
      offset += static_cast<size_t>(heads[l]) * d * d;
    }
    if (!shape.mlp) continue;
    const size_t n = static_cast<size_t>(shape.mlp_in[l]), m = static_cast<size_t>(shape.hidden[l]);
    shape.W1_offset.push_back(offset);
    offset += n * m;
    shape.b1_offset.push_back(offset);
    offset += m;
    shape.W2_offset.push_back(offset);
    offset += m * n;
    shape.b2_offset.push_back(offset);
    offset += n;
  }
  shape.size = offset;
  if (shape.size > kMaxParameters)
    throw std::invalid_argument("model too large: S=" + std::to_string(S) + ", T=" + std::to_string(T) +
                                " and these heads need " + std::to_string(shape.size) +
                                " parameters; the limit is " + std::to_string(kMaxParameters) +
                                " (use fewer layers or heads, or smaller S or T)");
  return shape;
}

// ==========================================================================================
// Set-up
// ==========================================================================================

template <typename Real>
CatFormer<Real>::CatFormer(const ModelShape& shape) : shape_(shape) {
  const int L = shape.layers(), T = shape.T;
  X_.resize(L + 1);
  dX_.resize(L + 1);
  for (int l = 0; l <= L; ++l) {
    X_[l].assign(static_cast<size_t>(T) * shape.d(l), Real(0));
    dX_[l].assign(static_cast<size_t>(T) * shape.d(l), Real(0));
  }
  P_.resize(L);
  for (int l = 0; l < L; ++l) P_[l].assign(shape.heads[l], std::vector<Real>(static_cast<size_t>(T) * T, Real(0)));
  hidden_.resize(L);
  for (int l = 0; l < L; ++l) hidden_[l].assign(static_cast<size_t>(T) * shape.hidden[l], Real(0));
  logits_.assign(shape.S, 0);
  probs_.assign(shape.S, 0);
  dlogits_.assign(shape.S, 0);
  query_row_.assign(static_cast<size_t>(shape.heads.back()) * shape.d(L - 1), 0);
  query_grad_.assign(shape.width.back(), 0);
  row_scratch_.assign(2 * T, 0);
  score_scratch_.assign(static_cast<size_t>(T) * T, 0);
  S_pad_ = (shape.S + 3) / 4 * 4;
  W_pad_.assign(static_cast<size_t>(shape.width.back()) * S_pad_, 0);
  W_transposed_.assign(shape.W_size(), 0);
  dW_pad_.assign(W_pad_.size(), 0);
  dlogits_pad_.assign(S_pad_, 0);
}

template <typename Real>
AttentionMaps CatFormer<Real>::make_attention_maps() const {
  AttentionMaps maps(shape_.layers());
  for (int l = 0; l < shape_.layers(); ++l)
    maps[l].assign(shape_.heads[l], std::vector<double>(static_cast<size_t>(shape_.T) * shape_.T, 0.0));
  return maps;
}

// ==========================================================================================
// Layer 0 with one-hot inputs (fast path)
// ==========================================================================================
// score_ij = x_i^T A x_j = A[s_i, s_j] + A[s_i, S+j] + A[S+i, s_j] + A[S+i, S+j]   (j <= i)
// out_i    = sum_j P_ij x_j = [sum_j P_ij onehot(s_j), P_i0 .. P_i,T-1]

template <typename Real>
void CatFormer<Real>::onehot_attention_forward(const Params<Real>& params, const int32_t* tokens, int first_row) {
  const int S = shape_.S, T = shape_.T, d = shape_.d(0), d_out = shape_.d(1);
  Real* X1 = X_[1].data();
  for (int i = first_row; i < T; ++i) {
    Real* row = X1 + static_cast<size_t>(i) * d_out;
    std::fill(row, row + d_out, Real(0));
    row[tokens[i]] = 1;
    row[S + i] = 1;
  }
  // Scores by columns (scores[j * T + i] = score_ij), so that the rows' softmaxes run side by
  // side (kernels::causal_softmax_by_columns: the same bits as one row at a time).
  Real* scores = score_scratch_.data();
  Real* row_max = row_scratch_.data();
  Real* row_sum = row_scratch_.data() + T;
  for (int h = 0; h < shape_.heads[0]; ++h) {
    const Real* A = params.A(0, h);
    Real* P = P_[0][h].data();
    for (int i = first_row; i < T; ++i) {
      const Real* A_token_row = A + static_cast<size_t>(tokens[i]) * d;
      const Real* A_position_row = A + static_cast<size_t>(S + i) * d;
      for (int j = 0; j <= i; ++j)
        scores[static_cast<size_t>(j) * T + i] =
            A_token_row[tokens[j]] + A_token_row[S + j] + A_position_row[tokens[j]] + A_position_row[S + j];
    }
    kernels::causal_softmax_by_columns(scores, T, first_row, row_max, row_sum);
    for (int i = first_row; i < T; ++i) std::fill(P + static_cast<size_t>(i) * T + i + 1, P + static_cast<size_t>(i + 1) * T, Real(0));
    // By columns too: out_i[s_j] += P_ij for j = 0..i, in that order for each i, but the rows
    // inner, so that consecutive additions go to different rows (one row at a time, repeated
    // tokens made each addition wait for the one before it to be stored).
    Real* out = X1 + static_cast<size_t>(1 + h) * d;
    for (int j = 0; j < T; ++j) {
      const Real* column = scores + static_cast<size_t>(j) * T;
      const size_t token = static_cast<size_t>(tokens[j]), position = static_cast<size_t>(S + j);
      for (int i = j > first_row ? j : first_row; i < T; ++i) {
        const Real p = column[i];
        P[static_cast<size_t>(i) * T + j] = p;
        Real* out_i = out + static_cast<size_t>(i) * d_out;
        out_i[token] += p;
        out_i[position] = p;
      }
    }
  }
}

template <typename Real>
void CatFormer<Real>::onehot_attention_backward(Params<Real>& grad, const int32_t* tokens, int first_row) {
  const int S = shape_.S, T = shape_.T, d = shape_.d(0), d_out = shape_.d(1);
  const Real* dX1 = dX_[1].data();
  Real* dP = row_scratch_.data();
  for (int h = 0; h < shape_.heads[0]; ++h) {
    Real* dA = grad.A(0, h);
    const Real* P = P_[0][h].data();
    for (int i = first_row; i < T; ++i) {
      const Real* d_out_row = dX1 + static_cast<size_t>(i) * d_out + static_cast<size_t>(1 + h) * d;
      const Real* p = P + static_cast<size_t>(i) * T;
      // out_i = sum_j P_ij x_j  =>  dP_ij = dout_i . x_j
      Real weighted = 0;
      for (int j = 0; j <= i; ++j) {
        dP[j] = d_out_row[tokens[j]] + d_out_row[S + j];
        weighted += p[j] * dP[j];
      }
      // P_i = softmax(score_i)  =>  dscore_ij = P_ij (dP_ij - sum_k P_ik dP_ik); scatter into A
      Real* dA_token_row = dA + static_cast<size_t>(tokens[i]) * d;
      Real* dA_position_row = dA + static_cast<size_t>(S + i) * d;
      for (int j = 0; j <= i; ++j) {
        const Real dscore = p[j] * (dP[j] - weighted);
        dA_token_row[tokens[j]] += dscore;
        dA_token_row[S + j] += dscore;
        dA_position_row[tokens[j]] += dscore;
        dA_position_row[S + j] += dscore;
      }
    }
  }
}

// ==========================================================================================
// Any layer on every row (the dense formula; the fast path uses it for middle layers)
// ==========================================================================================

template <typename Real>
void CatFormer<Real>::embed(const int32_t* tokens) {
  const int S = shape_.S, T = shape_.T, d = shape_.d(0);
  std::fill(X_[0].begin(), X_[0].end(), Real(0));
  for (int i = 0; i < T; ++i) {
    X_[0][static_cast<size_t>(i) * d + tokens[i]] = 1;
    X_[0][static_cast<size_t>(i) * d + S + i] = 1;
  }
}

template <typename Real>
void CatFormer<Real>::dense_attention_forward(const Params<Real>& params, int l) {
  const int T = shape_.T, d = shape_.d(l), d_out = shape_.d(l + 1);
  ConstMatrixMap<Real> X(X_[l].data(), T, d);
  MatrixMap<Real> X_next(X_[l + 1].data(), T, d_out);
  X_next.leftCols(d) = X;
  for (int h = 0; h < shape_.heads[l]; ++h) {
    ConstMatrixMap<Real> A(params.A(l, h), d, d);
    MatrixMap<Real> P(P_[l][h].data(), T, T);
    P.noalias() = X * A * X.transpose();                 // scores
    for (int i = 0; i < T; ++i) {
      kernels::softmax_inplace(&P(i, 0), i + 1);         // causal: j <= i
      for (int j = i + 1; j < T; ++j) P(i, j) = 0;
    }
    X_next.middleCols(static_cast<Eigen::Index>(1 + h) * d, d).noalias() = P * X;
  }
}

template <typename Real>
void CatFormer<Real>::dense_attention_backward(const Params<Real>& params, Params<Real>& grad, int l) {
  const int T = shape_.T, d = shape_.d(l), d_out = shape_.d(l + 1);
  ConstMatrixMap<Real> X(X_[l].data(), T, d);
  ConstMatrixMap<Real> dX_next(dX_[l + 1].data(), T, d_out);
  MatrixMap<Real> dX(dX_[l].data(), T, d);
  // X_next = [X, ...]  =>  the residual part passes straight through
  dX = dX_next.leftCols(d);
  for (int h = 0; h < shape_.heads[l]; ++h) {
    ConstMatrixMap<Real> A(params.A(l, h), d, d);
    MatrixMap<Real> dA(grad.A(l, h), d, d);
    ConstMatrixMap<Real> P(P_[l][h].data(), T, T);
    auto d_out = dX_next.middleCols(static_cast<Eigen::Index>(1 + h) * d, d);
    // out = P X  =>  dP = dout X^T,  dX += P^T dout
    RowMatrix<Real> dscore = d_out * X.transpose();
    dX.noalias() += P.transpose() * d_out;
    // P = softmax(scores) per row  =>  dscores = P o (dP - rowsum(P o dP)); masked entries have P = 0
    for (int i = 0; i < T; ++i) {
      const Real weighted = P.row(i).dot(dscore.row(i));
      dscore.row(i) = (P.row(i).array() * (dscore.row(i).array() - weighted)).matrix();
    }
    // scores = X A X^T  =>  dA += X^T dscores X,  dX += dscores X A^T + dscores^T X A
    dA.noalias() += X.transpose() * dscore * X;
    dX.noalias() += dscore * X * A.transpose();
    dX.noalias() += dscore.transpose() * X * A;
  }
}

// ==========================================================================================
// Last layer, query row only (fast path)
// ==========================================================================================
// v = x_q^T A (d),  score_j = v . x_j,  p = softmax(score),  out = sum_j p_j x_j,  q = T-1

template <typename Real>
void CatFormer<Real>::query_attention_forward(const Params<Real>& params, int l) {
  const int T = shape_.T, d = shape_.d(l), d_out = shape_.d(l + 1), q = T - 1;
  const Real* X = X_[l].data();
  const Real* x_q = X + static_cast<size_t>(q) * d;
  Real* final_row = X_[l + 1].data() + static_cast<size_t>(q) * d_out;
  std::copy(x_q, x_q + d, final_row);
  for (int h = 0; h < shape_.heads[l]; ++h) {
    const Real* A = params.A(l, h);
    Real* v = query_row_.data() + static_cast<size_t>(h) * d;  // kept for the backward pass
    std::fill(v, v + d, Real(0));
    for (int r = 0; r < d; ++r)
      if (x_q[r] != Real(0)) kernels::axpy(x_q[r], A + static_cast<size_t>(r) * d, v, d);
    Real* p = P_[l][h].data() + static_cast<size_t>(q) * T;
    for (int j = 0; j < T; ++j) p[j] = kernels::dot(v, X + static_cast<size_t>(j) * d, d);
    kernels::softmax_inplace(p, T);
    Real* out = final_row + static_cast<size_t>(1 + h) * d;
    std::fill(out, out + d, Real(0));
    for (int j = 0; j < T; ++j) kernels::axpy(p[j], X + static_cast<size_t>(j) * d, out, d);
  }
}

template <typename Real>
void CatFormer<Real>::query_attention_backward(const Params<Real>& params, Params<Real>& grad, int l,
                                               int first_column) {
  const int T = shape_.T, d = shape_.d(l), d_out = shape_.d(l + 1), q = T - 1;
  const Real* X = X_[l].data();
  const Real* x_q = X + static_cast<size_t>(q) * d;
  Real* dX = dX_[l].data();
  const Real* d_final = dX_[l + 1].data() + static_cast<size_t>(q) * d_out;
  std::fill(dX_[l].begin(), dX_[l].end(), Real(0));
  // Only columns first_column..d-1 of dX_l are computed (the others stay zero); every entry of
  // dA and each computed entry of dX_l gets the same operations as with first_column = 0.
  const int c0 = first_column;
  // final = [x_q, out_1, ..]  =>  the residual part passes straight through
  kernels::axpy(Real(1), d_final + c0, dX + static_cast<size_t>(q) * d + c0, d - c0);
  Real* g = query_grad_.data();
  Real* dP = row_scratch_.data();
  for (int h = 0; h < shape_.heads[l]; ++h) {
    const Real* A = params.A(l, h);
    Real* dA = grad.A(l, h);
    const Real* p = P_[l][h].data() + static_cast<size_t>(q) * T;
    const Real* d_out = d_final + static_cast<size_t>(1 + h) * d;
    const Real* v = query_row_.data() + static_cast<size_t>(h) * d;  // x_q^T A from the forward pass
    // out = sum_j p_j x_j  =>  dp_j = dout . x_j,  dx_j += p_j dout
    Real weighted = 0;
    for (int j = 0; j < T; ++j) {
      dP[j] = kernels::dot(d_out, X + static_cast<size_t>(j) * d, d);
      weighted += p[j] * dP[j];
    }
    // score_j = v . x_j  =>  dv = sum_j dscore_j x_j,  dx_j += dscore_j v
    std::fill(g, g + d, Real(0));
    for (int j = 0; j < T; ++j) {
      const Real dscore = p[j] * (dP[j] - weighted);
      const Real p_j = p[j];
      Real* __restrict dx_j = dX + static_cast<size_t>(j) * d;
      const Real* __restrict x_j = X + static_cast<size_t>(j) * d;
      Real* __restrict g_out = g;
      const Real* __restrict d_out_row = d_out;
      const Real* __restrict v_row = v;
      // the three axpys p_j dout, dscore v into dx_j and dscore x_j into g, in one pass
      for (int k = 0; k < c0; ++k) g_out[k] += dscore * x_j[k];
      for (int k = c0; k < d; ++k) {
        dx_j[k] = (dx_j[k] + p_j * d_out_row[k]) + dscore * v_row[k];
        g_out[k] += dscore * x_j[k];
      }
    }
    // v = x_q^T A  =>  dA += x_q g^T,  dx_q += A g
    Real* dx_q = dX + static_cast<size_t>(q) * d;
    for (int r = 0; r < d; ++r) {
      if (x_q[r] != Real(0)) kernels::axpy(x_q[r], g, dA + static_cast<size_t>(r) * d, d);
      if (r >= c0) dx_q[r] += kernels::dot(A + static_cast<size_t>(r) * d, g, d);
    }
  }
}

// ==========================================================================================
// MLP sublayer: X_{l+1} = [Y_l, mlp(Y_l)], Y_l the left a_l columns that attention wrote
// ==========================================================================================

template <typename Real>
void CatFormer<Real>::mlp_forward(const Params<Real>& params, int l, int first_row) {
  if (!kAllModels || !shape_.mlp) return;
  const int T = shape_.T, a = shape_.mlp_in[l], d_out = shape_.d(l + 1), m = shape_.hidden[l];
  const mlp::Block block{T - first_row, a, m, d_out, d_out};
  Real* row = X_[l + 1].data() + static_cast<size_t>(first_row) * d_out;
  // out = mlp(Y), written next to Y
  mlp::forward(block, row, params.W1(l), params.b1(l), params.W2(l), params.b2(l),
               hidden_[l].data() + static_cast<size_t>(first_row) * m, row + a);
}

template <typename Real>
void CatFormer<Real>::mlp_backward(const Params<Real>& params, Params<Real>& grad, int l, int first_row) {
  if (!kAllModels || !shape_.mlp) return;
  const int T = shape_.T, a = shape_.mlp_in[l], d_out = shape_.d(l + 1), m = shape_.hidden[l];
  const mlp::Block block{T - first_row, a, m, d_out, d_out};
  const size_t first = static_cast<size_t>(first_row) * d_out;
  Real* d_row = dX_[l + 1].data() + first;
  // X_{l+1} = [Y, mlp(Y)]  =>  dY += mlp's backward of the right half (the left half is dY's own)
  mlp::backward(block, X_[l + 1].data() + first, params.W1(l), params.W2(l),
                hidden_[l].data() + static_cast<size_t>(first_row) * m, d_row + a, d_row, grad.W1(l), grad.b1(l),
                grad.W2(l), grad.b2(l));
}

// ==========================================================================================
// Readout: logits = W^T x_final  =>  dW += x_final dlogits^T,  dx_final = W dlogits
// ==========================================================================================
// The plain loops did an axpy or a dot of length S per row of W, skipping the zero entries of
// x_final; at S = 10 they were mostly loop overhead. Here every entry of logits, dW and dx_final
// gets the same products added in the same order, so the same bits: adding the products of
// zero entries adds zeros, which leaves a sum unchanged (a sum that starts at +0 is never -0,
// and W is finite: the trainer stops at the first non-finite parameter).

template <typename Real>
void CatFormer<Real>::readout_begin(const Params<Real>& params, const Params<Real>* grad) {
  const int S = shape_.S, d_L = shape_.width.back(), Sp = S_pad_;
  const Real* W = params.W();
  for (int r = 0; r < d_L; ++r)
    for (int s = 0; s < S; ++s) {
      W_pad_[static_cast<size_t>(r) * Sp + s] = W[static_cast<size_t>(r) * S + s];
      W_transposed_[static_cast<size_t>(s) * d_L + r] = W[static_cast<size_t>(r) * S + s];
    }
  if (!grad) return;
  const Real* dW = grad->W();
  for (int r = 0; r < d_L; ++r)
    for (int s = 0; s < S; ++s) dW_pad_[static_cast<size_t>(r) * Sp + s] = dW[static_cast<size_t>(r) * S + s];
}

template <typename Real>
void CatFormer<Real>::readout_end(Params<Real>& grad) const {
  const int S = shape_.S, d_L = shape_.width.back(), Sp = S_pad_;
  Real* dW = grad.W();
  for (int r = 0; r < d_L; ++r)
    for (int s = 0; s < S; ++s) dW[static_cast<size_t>(r) * S + s] = dW_pad_[static_cast<size_t>(r) * Sp + s];
}

template <typename Real>
void CatFormer<Real>::readout_forward(const Real* x_final) {
  const int Sp = S_pad_;
  // Up to 16 logits at a time, each summed over the rows in order (the padding columns are
  // zero): the blocks of four are independent chains of additions, run side by side.
  for (int c = 0; c < Sp; c += 16) {
    const int blocks = std::min(4, (Sp - c) / 4);
    switch (blocks) {
      case 4: readout_columns<4>(x_final, c); break;
      case 3: readout_columns<3>(x_final, c); break;
      case 2: readout_columns<2>(x_final, c); break;
      default: readout_columns<1>(x_final, c); break;
    }
  }
}

template <typename Real>
template <int Blocks>
void CatFormer<Real>::readout_columns(const Real* x_final, int c) {
  const int S = shape_.S, d_L = shape_.width.back(), Sp = S_pad_;
  Real sum[4 * Blocks] = {};
  const Real* W = W_pad_.data() + c;
  for (int r = 0; r < d_L; ++r)
    for (int k = 0; k < 4 * Blocks; ++k) sum[k] += x_final[r] * W[static_cast<size_t>(r) * Sp + k];
  for (int k = 0; k < 4 * Blocks && c + k < S; ++k) logits_[c + k] = sum[k];
}

template <typename Real>
void CatFormer<Real>::readout_backward(const Real* x_final, Real* d_final) {
  const int S = shape_.S, d_L = shape_.width.back(), Sp = S_pad_;
  std::copy(dlogits_.begin(), dlogits_.end(), dlogits_pad_.begin());
  const Real* dl = dlogits_pad_.data();
  for (int r = 0; r < d_L; ++r) {
    Real* __restrict dW_row = dW_pad_.data() + static_cast<size_t>(r) * Sp;
    for (int k = 0; k < Sp; ++k) dW_row[k] += x_final[r] * dl[k];
  }
  // dx_final[r] = dot(W_r, dlogits): four rows at a time in lanes (the bits of kernels::dot).
  int r = 0;
  for (; r + 4 <= d_L; r += 4) kernels::dot4_columns(W_transposed_.data() + r, d_L, dlogits_.data(), S, d_final + r);
  for (; r < d_L; ++r) d_final[r] = kernels::dot(W_pad_.data() + static_cast<size_t>(r) * Sp, dlogits_.data(), S);
}

// ==========================================================================================
// Whole model
// ==========================================================================================

template <typename Real>
void CatFormer<Real>::forward(const Params<Real>& params, const int32_t* tokens, Path path) {
  const int L = shape_.layers(), T = shape_.T, S = shape_.S, d_L = shape_.d(L);
  if (kAllModels && path == Path::dense) {
    embed(tokens);
    for (int l = 0; l < L; ++l) {
      dense_attention_forward(params, l);
      mlp_forward(params, l, 0);
    }
  } else {
    onehot_attention_forward(params, tokens, L == 1 ? T - 1 : 0);
    mlp_forward(params, 0, L == 1 ? T - 1 : 0);
    for (int l = 1; kAllModels && l < L - 1; ++l) {
      dense_attention_forward(params, l);
      mlp_forward(params, l, 0);
    }
    if (L >= 2) {
      query_attention_forward(params, L - 1);
      mlp_forward(params, L - 1, T - 1);
    }
  }
  readout_forward(X_[L].data() + static_cast<size_t>(T - 1) * d_L);
  std::copy(logits_.begin(), logits_.end(), probs_.begin());
  kernels::softmax_inplace(probs_.data(), S);
}

template <typename Real>
void CatFormer<Real>::backward(const Params<Real>& params, const int32_t* tokens, Params<Real>& grad, Path path) {
  const int L = shape_.layers(), T = shape_.T, d_L = shape_.d(L);
  // The dense path reads every row of dX_L, which starts at zero; the fast path reads only row
  // T-1, which readout_backward writes whole.
  if (path == Path::dense) std::fill(dX_[L].begin(), dX_[L].end(), Real(0));
  readout_backward(X_[L].data() + static_cast<size_t>(T - 1) * d_L, dX_[L].data() + static_cast<size_t>(T - 1) * d_L);
  if (kAllModels && path == Path::dense) {
    for (int l = L - 1; l >= 0; --l) {
      mlp_backward(params, grad, l, 0);
      dense_attention_backward(params, grad, l);
    }
  } else {
    if (L >= 2) {
      mlp_backward(params, grad, L - 1, T - 1);
      // With two layers, layer 0's one-hot backward reads only the heads' columns of dX_1 (its
      // input X_0 has no gradient to take), so the first d_0 columns are not computed.
      query_attention_backward(params, grad, L - 1, L == 2 ? shape_.d(0) : 0);
    }
    for (int l = L - 2; kAllModels && l >= 1; --l) {
      mlp_backward(params, grad, l, 0);
      dense_attention_backward(params, grad, l);
    }
    mlp_backward(params, grad, 0, L == 1 ? T - 1 : 0);
    onehot_attention_backward(grad, tokens, L == 1 ? T - 1 : 0);
  }
}

template <typename Real>
double CatFormer<Real>::sequence_loss(const Params<Real>& params, const int32_t* tokens, const double* target,
                                      Real grad_scale, Params<Real>* grad, Path path) {
  const int S = shape_.S;
  forward(params, tokens, path);
  // loss = -sum_s y_s log softmax(logits)_s, computed from log-sum-exp so it never takes log(0)
  Real max_logit = *std::max_element(logits_.begin(), logits_.end());
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
void CatFormer<Real>::accumulate_attention(AttentionMaps& sum, Path path) const {
  const int L = shape_.layers(), T = shape_.T;
  for (int l = 0; l < L; ++l) {
    const bool query_only = path == Path::fast && l == L - 1;
    const int first_row = (query_only || (path == Path::fast && L == 1)) ? T - 1 : 0;
    for (int h = 0; h < shape_.heads[l]; ++h)
      for (size_t k = static_cast<size_t>(first_row) * T; k < static_cast<size_t>(T) * T; ++k)
        sum[l][h][k] += static_cast<double>(P_[l][h][k]);
  }
}

template <typename Real>
double CatFormer<Real>::loss_and_grad(const Params<Real>& params, const Batch& batch, Params<Real>* grad, Path path,
                                      AttentionMaps* attention_sum) {
  if (batch.S != shape_.S || batch.T != shape_.T)
    throw std::invalid_argument("batch shape (S, T) does not match the model");
  double total = 0.0;
  const Real grad_scale = Real(1) / static_cast<Real>(batch.B);
  readout_begin(params, grad);
  for (int b = 0; b < batch.B; ++b) {
    total += sequence_loss(params, batch.tokens_of(b), batch.target_of(b), grad_scale, grad, path);
    if (attention_sum) accumulate_attention(*attention_sum, path);
  }
  if (grad) readout_end(*grad);
  return batch.B > 0 ? total / batch.B : 0.0;
}

template <typename Real>
void CatFormer<Real>::predict(const Params<Real>& params, const int32_t* tokens, Real* probs, Path path) {
  readout_begin(params, nullptr);
  forward(params, tokens, path);
  std::copy(probs_.begin(), probs_.end(), probs);
}

template class CatFormer<float>;
template class CatFormer<double>;

}  // namespace cpg
