// Fuzz target: the custom graph spec parser (graph.hpp, parse_custom_graph). The first byte picks
// T in [1, 70], the rest is the spec. Any input must either give a valid graph or throw
// std::invalid_argument with a message; never crash, hang or overflow.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "graph.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const int T = 1 + data[0] % 70;
  const std::string spec(reinterpret_cast<const char*>(data + 1), size - 1);
  try {
    const cpg::Graph graph = cpg::parse_custom_graph(spec, T);
    // A graph that parsed must be well formed: every parent before its child.
    for (size_t child = 0; child < graph.parents.size(); ++child)
      for (int parent : graph.parents[child])
        if (parent < 0 || static_cast<size_t>(parent) >= child) __builtin_trap();
    // ... and its own spec must parse back to the same parents.
    if (cpg::parse_custom_graph(graph.to_spec(), T).parents != graph.parents) __builtin_trap();
  } catch (const std::invalid_argument& e) {
    if (std::string(e.what()).size() > 2000) __builtin_trap();  // messages never echo unbounded input
  }
  return 0;
}
