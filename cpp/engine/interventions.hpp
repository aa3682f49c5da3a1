// Interventions on a trained or training CatFormer, as sets of parameter entries:
//
//   ablate head (l, h), mode "zero": the head's output no longer reaches anything. Its block
//     of the stream entering layer l+1, and every copy of that block later layers make, is
//     never read: the rows and columns of later A's and the rows of W at those coordinates are
//     held at zero. (Scores x_i^T A x_j and logits W^T x then do not depend on the block.)
//   ablate head (l, h), mode "uniform": A_{l,h} is held at zero, so the head's scores are all
//     zero and it attends uniformly over its causal window.
//   knock out "parents" | "position": a one-off edit of the first layer's position block (the
//     true parents' entries, or the whole block), after which training goes on.
//
// Holding entries at zero through training makes the ablated model exactly the model without
// the head, with no change to the forward or backward kernels.
//
// S vocab, T tokens, L layers, H_l heads, d_l width entering layer l.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "catformer.hpp"
#include "graph.hpp"

namespace cpg {

enum class AblationMode { zero, uniform };

// "zero" | "uniform"; throws std::invalid_argument naming `ablation`.
AblationMode parse_ablation_mode(const std::string& text);
const char* ablation_mode_name(AblationMode mode);

// Flat parameter indices held at zero by ablating head `head` of layer `layer` (0-based).
// Throws std::invalid_argument naming the layer or head when out of range.
std::vector<size_t> ablation_entries(const ModelShape& shape, int layer, int head, AblationMode mode);

// Flat indices of the first layer's position block (every head) to zero: "parents" (entry
// (i, parent) of every position i with parents) or "position" (the whole block). Throws
// std::invalid_argument naming `knockout`.
std::vector<size_t> knockout_entries(const ModelShape& shape, const Graph& graph, const std::string& what);

// One intervention at a step, as `cpg train --at STEP:ACTION` and the module take it:
//   ablate=L:H[:zero|uniform]   restore=L:H   freeze=A1+W (or freeze=none)   knockout=parents|position
// L and H are 1-based. Throws std::invalid_argument naming `at` and what is wrong.
struct ScheduledIntervention {
  int64_t step = 0;
  std::string kind;                    // ablate | restore | freeze | knockout
  int layer = 0, head = 0;             // ablate, restore (1-based)
  AblationMode mode = AblationMode::zero;
  std::vector<std::string> blocks;     // freeze
  std::string what;                    // knockout
};
ScheduledIntervention parse_intervention(const std::string& action, int64_t step);
// "STEP:ACTION", e.g. "500:ablate=1:1".
ScheduledIntervention parse_scheduled_intervention(const std::string& text);

}  // namespace cpg
