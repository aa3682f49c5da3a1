// The input of `cpg grad`: a model's parameters and a batch, read from JSON with every field
// checked (type, range and shape) before anything is narrowed or allocated.
//
// S vocab, T tokens, L layers, H_l heads in layer l, d_l width entering layer l, B sequences.
#pragma once

#include <nlohmann/json.hpp>

#include "catformer.hpp"
#include "sampler.hpp"

namespace cpg::cli {

struct GradCase {
  ModelShape shape;
  Params<double> params;  // A (L, H_l, d_l, d_l) and W (d_L, S)
  Batch batch;            // tokens (B, T), targets (B, S)
};

// Throws InputError (io.hpp) with a message naming the field, its allowed range or shape.
GradCase read_grad_case(const nlohmann::json& input);

}  // namespace cpg::cli
