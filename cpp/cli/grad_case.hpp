// The input of `cpg grad`: a model's parameters and a batch, read from JSON with every field
// checked (type, range and shape) before anything is narrowed or allocated.
//
// S vocab, T tokens, L layers, H_l heads in layer l, d_l width entering layer l, B sequences.
// Two formats: the CatFormer's {S, T, heads, A, W, tokens, targets} ("model" absent or
// "catformer"), and {model: "standard", S, T, heads, mlp_width, wte (S, d), wpe (T, d),
// layers: [{A (H, d, d), V (H d, d), W1 (d, m), b1 (m), W2 (m, d), b2 (d)}], W (d, S), tokens,
// targets} for the standard transformer (d = S + T, m = mlp_width or d when it is 0).
#pragma once

#include <nlohmann/json.hpp>

#include "catformer.hpp"
#include "sampler.hpp"

namespace cpg::cli {

struct GradCase {
  ModelShape shape;
  Params<double> params;  // every block of shape's model (shape.kind)
  Batch batch;            // tokens (B, T), targets (B, S)
};

// Throws InputError (io.hpp) with a message naming the field, its allowed range or shape.
GradCase read_grad_case(const nlohmann::json& input);

}  // namespace cpg::cli
