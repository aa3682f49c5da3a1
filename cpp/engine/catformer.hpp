// The disentangled transformer ("CatFormer") of docs/science.md, with hand-written gradients.
//
// S vocab, T tokens, L layers, H_l heads in layer l, d_l width of the residual stream entering
// layer l (d_0 = S + T, d_{l+1} = d_l (1 + H_l)), B batch.
//
//   x_i = [onehot(s_i), onehot(i)]                            embedding, (T, d_0)
//   P_{l,h} = softmax_causal(X_l A_{l,h} X_l^T)                attention, (T, T)
//   X_{l+1} = [X_l, P_{l,1} X_l, .., P_{l,H} X_l]              concatenated residual stream
//   f = softmax(W^T X_L[T-1])                                  readout at the last position
//   loss = mean_b -sum_s y_b(s) log f_b(s)
//
// Two implementations of the same function:
//  - Path::dense, the plain formula with Eigen matrix products on every row: the reference.
//  - Path::fast, which exploits the structure: layer 0 sees one-hot inputs, so its scores are
//    four gathered entries of A and its gradient is a scatter; the last layer is read at T-1
//    only, so it computes just the query's row.
// Tests check that both agree and that both match finite differences.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "sampler.hpp"

namespace cpg {

struct ModelShape {
  int S = 0, T = 0;
  std::vector<int> heads;          // (L) heads per layer
  std::vector<int> width;          // (L + 1) d_l
  std::vector<size_t> A_offset;    // (L) where A_l starts in the flat buffer
  size_t W_offset = 0;             // where W starts
  size_t size = 0;                 // total number of parameters

  int layers() const { return static_cast<int>(heads.size()); }
  int d(int l) const { return width[l]; }
  size_t A_size(int l) const { return static_cast<size_t>(heads[l]) * width[l] * width[l]; }
  size_t W_size() const { return static_cast<size_t>(width.back()) * S; }

  // Largest model the engine accepts, in parameters (64 MiB of float32).
  static constexpr size_t kMaxParameters = size_t{1} << 24;
  // Throws std::invalid_argument naming the field when the shape is out of range.
  static ModelShape make(int S, int T, const std::vector<int>& heads);
};

// Parameters, gradients and optimizer moments share this type: one flat buffer with views.
template <typename Real>
struct Params {
  ModelShape shape;
  std::vector<Real> data;   // A_0 .. A_{L-1}, then W

  Params() = default;
  explicit Params(const ModelShape& s) : shape(s), data(s.size, Real(0)) {}
  Real* A(int l, int h) { return data.data() + shape.A_offset[l] + static_cast<size_t>(h) * shape.d(l) * shape.d(l); }
  const Real* A(int l, int h) const { return const_cast<Params*>(this)->A(l, h); }   // (d_l, d_l) row-major
  Real* W() { return data.data() + shape.W_offset; }                                  // (d_L, S) row-major
  const Real* W() const { return data.data() + shape.W_offset; }
  void zero() { std::fill(data.begin(), data.end(), Real(0)); }
};

enum class Path { fast, dense };

// Attention weights of every layer and head: maps[l][h] is (T, T) row-major. With Path::fast the
// last layer (when L >= 2) only fills row T-1, the query's row.
using AttentionMaps = std::vector<std::vector<std::vector<double>>>;

template <typename Real>
class CatFormer {
 public:
  explicit CatFormer(const ModelShape& shape);

  // Mean cross-entropy over the batch. When grad is given, adds d(loss)/d(params) into it
  // (the caller zeroes it). When attention_sum is given, adds every sequence's attention into
  // it (sized by make_attention_maps). Returns NaN or inf as they come: callers check.
  double loss_and_grad(const Params<Real>& params, const Batch& batch, Params<Real>* grad, Path path,
                       AttentionMaps* attention_sum = nullptr);

  // Output distribution for one sequence (S).
  void predict(const Params<Real>& params, const int32_t* tokens, Real* probs, Path path);

  AttentionMaps make_attention_maps() const;
  const ModelShape& shape() const { return shape_; }

 private:
  // One sequence: forward, then backward when grad != nullptr. Returns its loss.
  double sequence_loss(const Params<Real>& params, const int32_t* tokens, const double* target,
                       Real grad_scale, Params<Real>* grad, Path path);
  void forward(const Params<Real>& params, const int32_t* tokens, Path path);
  void backward(const Params<Real>& params, const int32_t* tokens, Params<Real>& grad, Path path);
  void accumulate_attention(AttentionMaps& sum, Path path) const;

  // --- layer kernels, forward and backward side by side -------------------------------
  void embed(const int32_t* tokens);
  void onehot_attention_forward(const Params<Real>& params, const int32_t* tokens, int first_row);
  void onehot_attention_backward(Params<Real>& grad, const int32_t* tokens, int first_row);
  void dense_attention_forward(const Params<Real>& params, int l);
  void dense_attention_backward(const Params<Real>& params, Params<Real>& grad, int l);
  void query_attention_forward(const Params<Real>& params, int l);
  void query_attention_backward(const Params<Real>& params, Params<Real>& grad, int l);

  ModelShape shape_;
  // Activations of the current sequence (named as in the legend above).
  std::vector<std::vector<Real>> X_;               // X_[l]: (T, d_l), l = 0..L
  std::vector<std::vector<Real>> dX_;              // same shapes
  std::vector<std::vector<std::vector<Real>>> P_;  // P_[l][h]: (T, T)
  std::vector<Real> logits_, probs_, dlogits_;     // (S)
  std::vector<Real> query_row_, query_grad_;       // (H_{L-1} d_{L-1}) v_h = x_q^T A_h; (d_max) g = sum_j dS_j x_j
  std::vector<Real> row_scratch_;                  // (T)
};

extern template class CatFormer<float>;
extern template class CatFormer<double>;

}  // namespace cpg
