// The standard transformer of the paper's Figure 8 (the authors' catformer.Transformer), with
// hand-written gradients. It shares ModelShape (kind standard) and Params with the CatFormer.
//
// S vocab, T tokens, d = S + T, L layers, H_l heads, m_l MLP hidden width, B batch.
//
//   x_i = wte[s_i] + wpe[i]                                    embedding, (T, d)
//   P_{l,h} = softmax_causal(X_l A_{l,h} X_l^T)                attention, (T, T)
//   O_l = [P_{l,1} X_l, .., P_{l,H} X_l]                       heads side by side, (T, H d)
//   D_l = O_l V_l                                              (T, d)
//   X_{l+1} = X_l + relu(D_l W1_l + b1_l) W2_l + b2_l           MLP and residual sum
//   f = softmax(W^T X_L[T-1]),  loss = mean_b -sum_s y_b(s) log f_b(s)
//
// Init (standard_initialization): wte, wpe, V_l and W1_l ~ N(0, 1/d); A, b1, W2, b2 and W zero.
//
// Two paths, as for the CatFormer: Path::dense runs every layer on every row (the reference);
// Path::fast runs the last layer on the query row T-1 only, since the readout reads nothing else.
#pragma once

#include <cstdint>
#include <vector>

#include "catformer.hpp"
#include "rng.hpp"
#include "sampler.hpp"

namespace cpg {

template <typename Real>
class StandardTransformer {
 public:
  explicit StandardTransformer(const ModelShape& shape);  // shape.kind must be standard

  // As CatFormer::loss_and_grad: mean cross-entropy; adds the gradient into grad when given;
  // adds every sequence's attention into attention_sum when given. With Path::fast the last
  // layer holds only row T-1.
  double loss_and_grad(const Params<Real>& params, const Batch& batch, Params<Real>* grad, Path path,
                       AttentionMaps* attention_sum = nullptr);
  void predict(const Params<Real>& params, const int32_t* tokens, Real* probs, Path path);

  AttentionMaps make_attention_maps() const;
  const ModelShape& shape() const { return shape_; }

 private:
  double sequence_loss(const Params<Real>& params, const int32_t* tokens, const double* target, Real grad_scale,
                       Params<Real>* grad, Path path);
  void forward(const Params<Real>& params, const int32_t* tokens, Path path);
  void backward(const Params<Real>& params, const int32_t* tokens, Params<Real>& grad, Path path);
  void accumulate_attention(AttentionMaps& sum, Path path) const;
  // Layer l on rows first_row..T-1 (the keys are always every row of X_l).
  void layer_forward(const Params<Real>& params, int l, int first_row);
  void layer_backward(const Params<Real>& params, Params<Real>& grad, int l, int first_row);
  int first_row(int l, Path path) const { return path == Path::fast && l == shape_.layers() - 1 ? shape_.T - 1 : 0; }

  ModelShape shape_;
  // Activations of the current sequence, named as in the legend above.
  std::vector<std::vector<Real>> X_, dX_;          // (L + 1) x (T, d)
  std::vector<std::vector<std::vector<Real>>> P_;  // P_[l][h]: (T, T)
  std::vector<std::vector<Real>> O_, D_, hidden_;  // (T, H_l d), (T, d), (T, m_l)
  std::vector<Real> logits_, probs_, dlogits_;     // (S)
};

extern template class StandardTransformer<float>;
extern template class StandardTransformer<double>;

// The init above, drawn from rng in a fixed order (wte, wpe, then V_l and W1_l per layer).
template <typename Real>
Params<Real> standard_initialization(const ModelShape& shape, Rng& rng);

}  // namespace cpg
