// Causal graphs over token positions.
//
// Two task families share one representation (see docs/science.md, "Tasks"):
//  - single-parent tasks: positions 0..T-2 have at most one parent each, position T-1 holds the
//    query token and has none; the target is pi[s_{T-1}].
//  - multi-parent tasks (n-grams, DAGs): nodes 0..T-1 are the input and node T is the one
//    predicted; `parents` then has T + 1 entries.
// Parents are always earlier positions, sorted ascending, without repeats.
#pragma once

#include <string>
#include <vector>

#include "rng.hpp"

namespace cpg {

struct Graph {
  std::string name;
  int T = 0;                                 // input tokens the model sees
  bool multi_parent = false;                 // which task family (see above)
  std::vector<std::vector<int>> parents;     // (T) single-parent, (T + 1) multi-parent

  // Parents of the predicted node: the query position for single-parent tasks.
  std::vector<int> target_parents() const;
  // Largest in-degree among the input positions and the target.
  int max_in_degree() const;
  // Number of input positions (< T) that have at least one parent.
  int positions_with_parent() const;
  // Dense adjacency over input positions: adjacency[i][j] = 1 when j is a parent of i.
  std::vector<std::vector<int>> adjacency() const;
  // The graph as a custom spec string ("-;0;0;1,2").
  std::string to_spec() const;
};

// --- Factories. Each throws std::invalid_argument with a message naming the field. --------
Graph make_chain(int T);
Graph make_icl(int T);
Graph make_random_tree(int T, Rng& graph_rng);
Graph make_random_dag(int T, double q, Rng& graph_rng);
Graph make_ngram(int T, int k);   // k parents: i-k .. i-1; positions i < k are roots
Graph make_paper2(int T);         // parents (i-1) div 2 and i-1; positions 0 and 1 are roots
// A spec lists each position's parents, ';' between positions, ',' between parents, '-' for
// none. T entries make a single-parent task (the last entry, the query, must be '-');
// T + 1 entries make a multi-parent task whose last entry is the predicted node.
Graph parse_custom_graph(const std::string& spec, int T);

}  // namespace cpg
