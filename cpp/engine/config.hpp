// Every setting of a training run, its allowed range, and one validator shared by the CLI and
// the WebAssembly module, so that a bad value gets the same message everywhere.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "graph.hpp"

namespace cpg {

struct TrainConfig {
  std::string graph = "chain";      // chain | icl | tree | dag | trigram | ngram | paper2 | custom
  int S = 10;                       // vocabulary size
  int T = 20;                       // input tokens
  double alpha = 0.1;               // Dirichlet concentration of every transition row
  std::vector<int> heads = {1, 1};  // heads per layer
  std::string optimizer = "adam";   // sgd | adam | adamw
  double lr = 0.05;                 // learning rate (peak, for cosine)
  double wd = 0.0;                  // weight decay (L2 for sgd/adam, decoupled for adamw)
  std::string schedule = "constant";  // constant | cosine (cosine decays to 0 at `steps`)
  int batch = 256;                  // sequences per step
  int64_t steps = 2000;             // planned steps (the cosine horizon; the CLI's run length)
  double init_std = 0.0;            // A ~ N(0, init_std^2); 0 reproduces the paper (W is always 0)
  std::string init = "normal";      // normal (above) | lemma: the key lemma's init (theory.hpp), heads 1,1
  double beta = 1.0;                // lemma init: the layer-2 block that compares query and copied token
  double w = 1.0;                   // lemma init: the readout of the layer-2 output's token part
  uint32_t seed = 0;                // data, test set and init
  uint32_t graph_seed = 0;          // random graphs (tree, dag)
  int64_t every = 100;              // metrics period (CLI)
  double q = 0.5;                   // dag: probability that a position has a parent
  int k = 3;                        // ngram: parents per position
  std::string spec;                 // custom: "-;0;0;1,2;..."
  int test_size = 1024;             // fixed test set, sequences
  std::vector<std::string> freeze;  // parameter blocks kept fixed: "A1", "A2", .., "W"
};

// One row of the table of ranges: what --help prints and what messages quote.
struct FieldRange {
  std::string field;
  std::string range;
  std::string meaning;
};
const std::vector<FieldRange>& field_ranges();

// Empty when the config is valid; otherwise one message naming the field and its allowed range.
std::string validation_error(const TrainConfig& config);

// Settings that are valid but probably not what the user wants (e.g. several heads in one
// layer with init_std = 0: they start equal, get equal gradients, and stay equal forever).
std::vector<std::string> config_warnings(const TrainConfig& config);

// The graph the config describes (throws std::invalid_argument with a field-naming message).
Graph make_graph(const TrainConfig& config);

// "1,1" -> {1, 1}; throws std::invalid_argument naming `heads`.
std::vector<int> parse_heads(const std::string& text);

}  // namespace cpg
