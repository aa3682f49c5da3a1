// Every setting of a training run, its allowed range, and one validator shared by the CLI and
// the WebAssembly module, so that a bad value gets the same message everywhere.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "catformer.hpp"
#include "graph.hpp"

namespace cpg {

struct TrainConfig {
  std::string graph = "chain";      // chain | icl | tree | dag | trigram | ngram | paper2 | custom
  int S = 10;                       // vocabulary size
  int T = 20;                       // input tokens
  double alpha = 0.1;               // Dirichlet concentration of every transition row
  std::vector<int> heads = {1, 1};  // heads per layer
  std::string model = "catformer";  // catformer | standard (the paper's Figure 8 transformer)
  std::string mlp = "off";          // catformer: off | on, an MLP sublayer after each attention layer
  int mlp_width = 0;                // MLP hidden width; 0 = the width of the MLP's input
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

// ==========================================================================================
// The table of settings: one row per TrainConfig field. The validator, the CLI's options and
// --help, its JSON, the WebAssembly reader and the page's generated fields.generated.ts (through
// `cpg fields`) are all driven by it, so a setting is added here and in TrainConfig above.
// ==========================================================================================

// What a field holds: int, int64, uint32 and double are numbers with a range [min, max] (or
// (min, max]); enum is a string among `choices`; string is free text checked with the other
// fields; heads is a list of 1..max_layers layers of min..max heads; list is a list of names.
enum class FieldType { Int, Int64, UInt32, Double, Enum, String, Heads, List };
const char* type_name(FieldType type);

// Which `cpg` commands take the field: task (train and sample) or training (train only).
enum class FieldGroup { Task, Training };

using FieldMember =
    std::variant<int TrainConfig::*, int64_t TrainConfig::*, uint32_t TrainConfig::*, double TrainConfig::*,
                 std::string TrainConfig::*, std::vector<int> TrainConfig::*, std::vector<std::string> TrainConfig::*>;

struct Field {
  std::string name;  // TrainConfig's member, the JSON key; the CLI flag swaps '_' for '-'
  FieldType type = FieldType::Double;
  FieldMember member;
  FieldGroup group = FieldGroup::Task;
  double min = 0, max = 0;             // numbers: the range; heads: heads per layer
  bool min_exclusive = false;          // numbers: (min, max] instead of [min, max]
  int max_layers = 0;                  // heads: at most this many layers
  std::vector<std::string> choices;    // enum: the allowed values
  std::string range;                   // the allowed values in words, as messages quote them
  std::string doc;                     // one line: what it means
  bool live = false;                   // applies to a running run without a reset (Trainer::apply_live)
  std::string implicit;                // enum: the value a bare CLI flag means (--mlp is --mlp on)

  bool numeric() const;
  bool integral() const;
  // Numbers only: the value as a double, and a message when `value` is outside the range (or,
  // for an integer field, not an integer). set_number checks before it narrows the value.
  double number(const TrainConfig& config) const;
  std::string number_error(double value) const;
  std::string set_number(TrainConfig& config, double value) const;
  // heads only: a message when layer `layer` (0-based) has `value` heads outside [min, max].
  std::string heads_error(size_t layer, double value) const;
  // Enum and string only.
  std::string& text(TrainConfig& config) const;
  const std::string& text(const TrainConfig& config) const;
  // This field's own checks (range, choices, heads per layer); "" when fine. The checks that
  // involve other fields stay in validation_error.
  std::string error(const TrainConfig& config) const;
  // The value as the CLI reads and --help shows it: 0.05, chain, 1,1, A1,W.
  std::string format(const TrainConfig& config) const;
};

// Every setting, in the order --help lists them.
const std::vector<Field>& config_fields();
// The row named `name`, or nullptr.
const Field* find_field(const std::string& name);
// Sets a field from text as the CLI gets it ("10", "0.05", "1,1", "A1,W"); numbers are checked
// against the range before they are narrowed. Returns "" or a message naming the field.
std::string set_field_from_text(TrainConfig& config, const Field& field, const std::string& text);

// One row of a table of ranges: what --help prints and what messages quote (for the lemma's own
// settings too, in theory.hpp). field_ranges() is config_fields() in this shape.
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

// The model's shape for this config (ModelShape::make with model, mlp and mlp_width); throws
// std::invalid_argument naming the field.
ModelShape model_shape(const TrainConfig& config);

// The graph the config describes (throws std::invalid_argument with a field-naming message).
Graph make_graph(const TrainConfig& config);

// "1,1" -> {1, 1}; throws std::invalid_argument naming `heads` (each entry is range-checked
// before it is narrowed to an int).
std::vector<int> parse_heads(const std::string& text);

}  // namespace cpg
