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
// With MLP sublayers (--mlp), each layer's concatenated output Y_l (T, a_l), a_l = d_l (1 + H_l),
// is doubled again by a two-layer ReLU network of hidden width m_l applied to every row:
//   mlp(y) = W2_l^T relu(W1_l^T y + b1_l) + b2_l,   X_{l+1} = [Y_l, mlp(Y_l)],   d_{l+1} = 2 a_l
// (mlp.hpp holds the kernel; standard.hpp the other model, which shares ModelShape and Params).
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

// Which network the flat buffer describes: the CatFormer above, or the standard transformer of
// standard.hpp (embeddings added, V after the heads, an MLP in every layer, residual sums).
enum class ModelKind { catformer, standard };

// Whether this build trains every model. The page's first-load WebAssembly module
// (cmake/wasm.cmake) compiles trainer.cpp and catformer.cpp with CPG_ENGINE_CORE: the CatFormer
// of one or two layers without MLP sublayers only, so that the code of the other models is not
// downloaded before the first run. With two layers or fewer the fast path runs no dense layer
// (layer 0 is one-hot, the last reads the query row), so the dense path, the reference with
// Eigen's matrix products, is left out too. The Trainer refuses the rest there with a message;
// the page loads the full module for them. Every other build (native, the full modules) has all.
#ifdef CPG_ENGINE_CORE
inline constexpr bool kAllModels = false;
#else
inline constexpr bool kAllModels = true;
#endif

struct ModelShape {
  ModelKind kind = ModelKind::catformer;
  bool mlp = false;                // MLP sublayers (always on for the standard model)
  int S = 0, T = 0;
  std::vector<int> heads;          // (L) heads per layer
  std::vector<int> width;          // (L + 1) d_l, the residual stream entering layer l (standard: all d)
  std::vector<int> mlp_in;         // (L) the MLP's input and output width (CatFormer a_l; standard d)
  std::vector<int> hidden;         // (L) the MLP's hidden width m_l (0 without MLP)
  std::vector<size_t> A_offset;    // (L) where A_l starts in the flat buffer
  size_t W_offset = 0;             // where W starts
  // Blocks after W (absent: offset 0 and size 0). CatFormer without MLP ends at W, so its layout
  // is A_0 .. A_{L-1}, W whatever else the engine supports.
  size_t wte_offset = 0, wpe_offset = 0;                             // standard: (S, d), (T, d)
  std::vector<size_t> V_offset;                                      // standard: (L) V_l (H_l d, d)
  std::vector<size_t> W1_offset, b1_offset, W2_offset, b2_offset;    // MLP: (L) each
  size_t size = 0;                 // total number of parameters

  int layers() const { return static_cast<int>(heads.size()); }
  int d(int l) const { return width[l]; }
  size_t A_size(int l) const { return static_cast<size_t>(heads[l]) * width[l] * width[l]; }
  size_t W_size() const { return static_cast<size_t>(width.back()) * S; }

  // Largest model the engine accepts, in parameters (64 MiB of float32).
  static constexpr size_t kMaxParameters = size_t{1} << 24;
  // Largest MLP hidden width (mlp_width).
  static constexpr int kMaxMlpWidth = 1024;
  // Throws std::invalid_argument naming the field when the shape is out of range.
  static ModelShape make(int S, int T, const std::vector<int>& heads);
  // Either model; mlp_width 0 means m_l = the MLP's input width. The standard model always has
  // its MLPs (mlp is ignored for it).
  static ModelShape make(int S, int T, const std::vector<int>& heads, ModelKind kind, bool mlp, int mlp_width);
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
  Real* at(size_t offset) { return data.data() + offset; }
  const Real* at(size_t offset) const { return data.data() + offset; }
  // Standard model: wte (S, d), wpe (T, d), V_l (H_l d, d). MLP: W1_l (n, m), b1_l (m),
  // W2_l (m, n), b2_l (n), n = mlp_in[l], m = hidden[l]. All row-major.
  Real* wte() { return at(shape.wte_offset); }
  const Real* wte() const { return at(shape.wte_offset); }
  Real* wpe() { return at(shape.wpe_offset); }
  const Real* wpe() const { return at(shape.wpe_offset); }
  Real* V(int l) { return at(shape.V_offset[l]); }
  const Real* V(int l) const { return at(shape.V_offset[l]); }
  Real* W1(int l) { return at(shape.W1_offset[l]); }
  const Real* W1(int l) const { return at(shape.W1_offset[l]); }
  Real* b1(int l) { return at(shape.b1_offset[l]); }
  const Real* b1(int l) const { return at(shape.b1_offset[l]); }
  Real* W2(int l) { return at(shape.W2_offset[l]); }
  const Real* W2(int l) const { return at(shape.W2_offset[l]); }
  Real* b2(int l) { return at(shape.b2_offset[l]); }
  const Real* b2(int l) const { return at(shape.b2_offset[l]); }
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
  // Fills columns first_column..d_l-1 of dX_l (the rest stay zero): what the layer below reads.
  void query_attention_backward(const Params<Real>& params, Params<Real>& grad, int l, int first_column);
  // The readout f = softmax(W^T x_final) works on copies of W laid out for it, made once per
  // batch: W with its rows padded to S_pad (a multiple of 4) and W transposed; the gradient of
  // W collects in dW_pad (padded like W) and goes back into grad at the end of the batch.
  void readout_begin(const Params<Real>& params, const Params<Real>* grad);
  void readout_end(Params<Real>& grad) const;
  void readout_forward(const Real* x_final);
  template <int Blocks>
  void readout_columns(const Real* x_final, int c);   // logits c .. c + 4 Blocks - 1
  void readout_backward(const Real* x_final, Real* d_final);
  // MLP sublayer of layer l on rows first_row..T-1: X_{l+1} = [Y_l, mlp(Y_l)] (no-op without MLP).
  void mlp_forward(const Params<Real>& params, int l, int first_row);
  void mlp_backward(const Params<Real>& params, Params<Real>& grad, int l, int first_row);

  ModelShape shape_;
  // Activations of the current sequence (named as in the legend above).
  std::vector<std::vector<Real>> X_;               // X_[l]: (T, d_l), l = 0..L
  std::vector<std::vector<Real>> dX_;              // same shapes
  std::vector<std::vector<std::vector<Real>>> P_;  // P_[l][h]: (T, T)
  std::vector<std::vector<Real>> hidden_;          // hidden_[l]: (T, m_l), the MLP's relu output
  std::vector<Real> logits_, probs_, dlogits_;     // (S)
  std::vector<Real> query_row_, query_grad_;       // (H_{L-1} d_{L-1}) v_h = x_q^T A_h; (d_max) g = sum_j dS_j x_j
  std::vector<Real> row_scratch_;                  // (2 T)
  std::vector<Real> score_scratch_;                // (T, T) layer 0's scores by columns
  int S_pad_ = 0;                                  // S rounded up to a multiple of 4
  std::vector<Real> W_pad_, W_transposed_, dW_pad_;  // (d_L, S_pad), (S, d_L), (d_L, S_pad)
  std::vector<Real> dlogits_pad_;                  // (S_pad) dlogits and zeros
};

extern template class CatFormer<float>;
extern template class CatFormer<double>;

}  // namespace cpg
