#include "config.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <stdexcept>
#include <type_traits>

#include "catformer.hpp"
#include "sampler.hpp"
#include "text.hpp"

namespace cpg {

namespace {

std::string show(double value) { return text::number(value); }
std::string show(int value) { return std::to_string(value); }
std::string show(size_t value) { return std::to_string(value); }

// Integers in full (4294967295, not 4.29497e+09); anything else as %g.
std::string show_exact(double value) {
  if (std::isfinite(value) && std::floor(value) == value && std::fabs(value) < 9.0e15)
    return std::to_string(static_cast<int64_t>(value));
  return show(value);
}

std::string out_of_range(const std::string& field, const std::string& range, const std::string& got) {
  return field + " must be in " + range + " (got " + got + ")";
}

std::string join(const std::vector<std::string>& items, const char* separator) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) out += (i ? separator : "") + items[i];
  return out;
}

template <typename Value>
constexpr bool is_number_v = std::is_arithmetic_v<Value>;

template <typename Value>
FieldType number_type() {
  if constexpr (std::is_same_v<Value, int>) return FieldType::Int;
  else if constexpr (std::is_same_v<Value, int64_t>) return FieldType::Int64;
  else if constexpr (std::is_same_v<Value, uint32_t>) return FieldType::UInt32;
  else return FieldType::Double;
}

// Row builders, so that the table below reads one setting per line.
Field row(const char* name, FieldType type, FieldMember member, const char* doc) {
  Field f;
  f.name = name;
  f.type = type;
  f.member = member;
  f.doc = doc;
  return f;
}
template <typename Value>
Field number(const char* name, Value TrainConfig::*member, double min, double max, const char* doc) {
  Field f = row(name, number_type<Value>(), member, doc);
  f.min = min;
  f.max = max;
  f.range = "[" + show_exact(min) + ", " + show_exact(max) + "]";
  return f;
}
Field above(Field f) {  // (min, max]: min itself excluded
  f.min_exclusive = true;
  f.range = "(" + f.range.substr(1);
  return f;
}
Field choice(const char* name, std::string TrainConfig::*member, std::vector<std::string> choices, const char* doc) {
  Field f = row(name, FieldType::Enum, member, doc);
  f.choices = std::move(choices);
  f.range = join(f.choices, "|");
  return f;
}
Field described(Field f, const char* range) {
  f.range = range;
  return f;
}
Field training(Field f) {
  f.group = FieldGroup::Training;
  return f;
}
Field live(Field f) {
  f.live = true;
  return f;
}
Field implicit(Field f, const char* value) {
  f.implicit = value;
  return f;
}
Field heads_row() {
  Field f = row("heads", FieldType::Heads, &TrainConfig::heads, "heads per layer");
  f.group = FieldGroup::Training;
  f.min = 1;
  f.max = 4;
  f.max_layers = 4;
  f.range = "1 to 4 layers of 1 to 4 heads, e.g. 1,1";
  return f;
}

using C = TrainConfig;

std::vector<Field> make_table() {
  return {
      choice("graph", &C::graph, {"chain", "icl", "tree", "dag", "trigram", "ngram", "paper2", "custom"}, "the causal graph"),
      number("S", &C::S, 2, 64, "vocabulary size"),
      number("T", &C::T, 3, 64, "input tokens"),
      number("alpha", &C::alpha, 0.001, 100, "Dirichlet concentration"),
      number("q", &C::q, 0, 1, "dag: parent probability"),
      number("k", &C::k, 1, 4, "ngram: parents per position (at most T-1)"),
      described(row("spec", FieldType::String, &C::spec, "custom graph"), "T entries (last '-') or T+1 entries, e.g. -;0;0;1,2"),
      number("seed", &C::seed, 0, 4294967295.0, "data seed"),
      number("graph_seed", &C::graph_seed, 0, 4294967295.0, "graph seed (tree, dag)"),
      heads_row(),
      training(choice("model", &C::model, {"catformer", "standard"},
                      "catformer: the disentangled transformer; standard: embeddings, V, MLPs, residual sums (Figure 8)")),
      training(implicit(choice("mlp", &C::mlp, {"off", "on"}, "catformer: an MLP sublayer after each attention layer"), "on")),
      training(number("mlp_width", &C::mlp_width, 0, ModelShape::kMaxMlpWidth, "MLP hidden width (0 = its input width)")),
      training(choice("optimizer", &C::optimizer, {"sgd", "adam", "adamw"}, "update rule")),
      training(live(above(number("lr", &C::lr, 0, 10000, "learning rate")))),
      training(number("wd", &C::wd, 0, 10, "weight decay")),
      training(choice("schedule", &C::schedule, {"constant", "cosine"}, "learning-rate schedule")),
      training(number("batch", &C::batch, 1, 8192, "sequences per step")),
      training(number("steps", &C::steps, 1, 100000000, "planned steps (cosine horizon)")),
      training(number("init_std", &C::init_std, 0, 10, "std of the random init of A (0 = paper)")),
      training(choice("init", &C::init, {"normal", "lemma"},
                      "normal: A ~ N(0, init_std^2), W = 0; lemma: the key lemma's init (heads 1,1)")),
      training(above(number("beta", &C::beta, 0, 100, "lemma init: layer-2 scale"))),
      training(above(number("w", &C::w, 0, 100, "lemma init: readout scale"))),
      training(number("every", &C::every, 1, 100000000, "metrics period in steps")),
      training(number("test_size", &C::test_size, 1, 65536, "fixed test-set size")),
      training(live(described(row("freeze", FieldType::List, &C::freeze, "parameter blocks kept fixed, comma-separated, e.g. W or A2,W"),
                         "A1..A<L>, W"))),
  };
}

}  // namespace

// ==========================================================================================
// The table
// ==========================================================================================

const char* type_name(FieldType type) {
  switch (type) {
    case FieldType::Int: return "int";
    case FieldType::Int64: return "int64";
    case FieldType::UInt32: return "uint32";
    case FieldType::Double: return "double";
    case FieldType::Enum: return "enum";
    case FieldType::String: return "string";
    case FieldType::Heads: return "heads";
    case FieldType::List: return "list";
  }
  return "?";
}

const std::vector<Field>& config_fields() {
  static const std::vector<Field> table = make_table();
  return table;
}

const Field* find_field(const std::string& name) {
  for (const Field& field : config_fields())
    if (field.name == name) return &field;
  return nullptr;
}

const std::vector<FieldRange>& field_ranges() {
  static const std::vector<FieldRange> table = [] {
    std::vector<FieldRange> rows;
    for (const Field& f : config_fields()) rows.push_back({f.name, f.range, f.doc});
    return rows;
  }();
  return table;
}

bool Field::numeric() const {
  return type == FieldType::Int || type == FieldType::Int64 || type == FieldType::UInt32 || type == FieldType::Double;
}

bool Field::integral() const { return numeric() && type != FieldType::Double; }

double Field::number(const TrainConfig& config) const {
  return std::visit(
      [&](auto m) -> double {
        using Value = std::decay_t<decltype(config.*m)>;
        if constexpr (is_number_v<Value>) return static_cast<double>(config.*m);
        else throw std::logic_error(name + " is not a number");
      },
      member);
}

std::string Field::number_error(double value) const {
  const bool above_min = min_exclusive ? value > min : value >= min;
  if (!std::isfinite(value) || !above_min || value > max) return out_of_range(name, range, show_exact(value));
  if (integral() && std::floor(value) != value) return name + " must be an integer in " + range + " (got " + show(value) + ")";
  return "";
}

std::string Field::set_number(TrainConfig& config, double value) const {
  const std::string error = number_error(value);
  if (!error.empty()) return error;
  std::visit(
      [&](auto m) {
        using Value = std::decay_t<decltype(config.*m)>;
        if constexpr (is_number_v<Value>) config.*m = static_cast<Value>(value);  // in range: exact
        else throw std::logic_error(name + " is not a number");
      },
      member);
  return "";
}

std::string Field::heads_error(size_t layer, double value) const {
  if (std::isfinite(value) && std::floor(value) == value && value >= min && value <= max) return "";
  return "heads: layer " + show(layer + 1) + " has " + show_exact(value) + " heads; allowed range is [" + show_exact(min) +
         ", " + show_exact(max) + "]";
}

std::string& Field::text(TrainConfig& config) const { return config.*std::get<std::string TrainConfig::*>(member); }
const std::string& Field::text(const TrainConfig& config) const {
  return config.*std::get<std::string TrainConfig::*>(member);
}

std::string Field::error(const TrainConfig& config) const {
  switch (type) {
    case FieldType::Enum: {
      const std::string& value = text(config);
      if (std::find(choices.begin(), choices.end(), value) != choices.end()) return "";
      return name + " must be one of " + range + " (got " + text::quoted(value) + ")";
    }
    case FieldType::Heads: {
      const auto& layers = config.*std::get<std::vector<int> TrainConfig::*>(member);
      if (layers.empty() || static_cast<int>(layers.size()) > max_layers)
        return "heads must list 1 to " + show(max_layers) + " layers (got " + show(layers.size()) + ")";
      for (size_t l = 0; l < layers.size(); ++l) {
        const std::string error = heads_error(l, layers[l]);
        if (!error.empty()) return error;
      }
      return "";
    }
    case FieldType::String:
    case FieldType::List:
      return "";  // checked against the other fields in validation_error
    default:
      return number_error(number(config));
  }
}

std::string Field::format(const TrainConfig& config) const {
  if (numeric()) return integral() ? show_exact(number(config)) : show(number(config));
  if (type == FieldType::Heads) {
    std::vector<std::string> items;
    for (int h : config.*std::get<std::vector<int> TrainConfig::*>(member)) items.push_back(show(h));
    return join(items, ",");
  }
  if (type == FieldType::List) return join(config.*std::get<std::vector<std::string> TrainConfig::*>(member), ",");
  return text(config);
}

std::string set_field_from_text(TrainConfig& config, const Field& field, const std::string& text) {
  if (field.numeric()) {
    // strtod reads what CLI11 read (decimals, exponents, hex); the range is the table's.
    char* end = nullptr;
    double value = 0;
    if (!text.empty() && !std::isspace(static_cast<unsigned char>(text[0]))) value = std::strtod(text.c_str(), &end);
    if (end == nullptr || end == text.c_str() || *end != '\0')
      return field.name + " must be a number (allowed: " + field.range + "; got " + text::quoted(text) + ")";
    return field.set_number(config, value);
  }
  try {
    switch (field.type) {
      case FieldType::Heads:
        config.*std::get<std::vector<int> TrainConfig::*>(field.member) = parse_heads(text);
        return "";
      case FieldType::List: {
        auto& items = config.*std::get<std::vector<std::string> TrainConfig::*>(field.member);
        items.clear();
        for (const std::string& item : text::split(text, ','))
          if (!item.empty()) items.push_back(item);
        return "";
      }
      default:
        field.text(config) = text;
        return "";
    }
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
}

// ==========================================================================================
// Heads, graphs, validation
// ==========================================================================================

std::vector<int> parse_heads(const std::string& text) {
  const Field& row = *find_field("heads");
  std::vector<int> heads;
  for (const std::string& item : text::split(text, ',')) {
    const bool digits = !item.empty() && item.size() <= 12 &&
                        std::all_of(item.begin(), item.end(), [](unsigned char c) { return std::isdigit(c); });
    if (!digits)
      throw std::invalid_argument("heads must be a comma-separated list of 1 to 4 layers of 1 to 4 heads, e.g. 1,1 (got " +
                                  text::quoted(text) + ")");
    // At most 12 digits: exact as an int64, and checked as a double before it becomes an int.
    // (Not strtod: its long-double arithmetic would be a tenth of the page's first module.)
    int64_t digits_value = 0;
    for (const char c : item) digits_value = digits_value * 10 + (c - '0');
    const double value = static_cast<double>(digits_value);
    const std::string error = row.heads_error(heads.size(), value);
    if (!error.empty()) throw std::invalid_argument(error);
    heads.push_back(static_cast<int>(value));
  }
  if (heads.empty()) throw std::invalid_argument("heads must list at least one layer, e.g. 1,1 (got " + text::quoted(text) + ")");
  return heads;
}

Graph make_graph(const TrainConfig& c) {
  Rng graph_rng(c.graph_seed, /*stream=*/0);
  if (c.graph == "chain") return make_chain(c.T);
  if (c.graph == "icl") return make_icl(c.T);
  if (c.graph == "tree") return make_random_tree(c.T, graph_rng);
  if (c.graph == "dag") return make_random_dag(c.T, c.q, graph_rng);
  if (c.graph == "trigram") return make_ngram(c.T, 2);
  if (c.graph == "ngram") return make_ngram(c.T, c.k);
  if (c.graph == "paper2") return make_paper2(c.T);
  if (c.graph == "custom") return parse_custom_graph(c.spec, c.T);
  throw std::invalid_argument("graph must be one of chain|icl|tree|dag|trigram|ngram|paper2|custom (got " + text::quoted(c.graph) + ")");
}

ModelShape model_shape(const TrainConfig& c) {
  return ModelShape::make(c.S, c.T, c.heads, c.model == "standard" ? ModelKind::standard : ModelKind::catformer,
                          c.mlp == "on", c.mlp_width);
}

std::string validation_error(const TrainConfig& c) {
  // Each field on its own, in the table's order.
  for (const Field& field : config_fields()) {
    const std::string error = field.error(c);
    if (!error.empty()) return error;
  }
  // Then what depends on several fields.
  if (c.init == "lemma" && c.heads != std::vector<int>{1, 1})
    return "init=lemma needs heads 1,1 (the lemma's two one-head layers)";
  if (c.init == "lemma" && (c.model != "catformer" || c.mlp == "on"))
    return "init=lemma needs model=catformer and mlp=off (the lemma is about the plain CatFormer)";
  if (c.model == "standard" && c.mlp == "on")
    return "mlp=on applies to model=catformer only: the standard model always has its MLP sublayers (set mlp_width for their width)";
  if (c.graph == "ngram" && c.k >= c.T)
    return "k must be in [1, " + show(std::min(4, c.T - 1)) + "] for T = " + show(c.T) + " (got " + show(c.k) + ")";
  if (c.graph == "custom" && c.spec.empty())
    return "spec is required for graph=custom: one entry per position, e.g. -;0;0;1,2 (see --help)";
  try {
    model_shape(c);
    const Graph graph = make_graph(c);
    Sampler sampler(graph, c.S, c.alpha);  // checks the size of the order-k tables
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  for (const auto& block : c.freeze) {
    bool known = block == "W";
    for (size_t l = 0; l < c.heads.size(); ++l) known = known || block == "A" + show(l + 1);
    if (!known)
      return "freeze must name blocks among A1..A" + show(c.heads.size()) + " and W (got " + text::quoted(block) + ")";
  }
  return "";
}

std::vector<std::string> config_warnings(const TrainConfig& c) {
  std::vector<std::string> warnings;
  if (c.init_std == 0.0) {
    for (size_t l = 0; l < c.heads.size(); ++l)
      if (c.heads[l] > 1) {
        warnings.push_back("init_std is 0, so the " + show(c.heads[l]) + " heads of layer " + show(l + 1) +
                           " start equal and stay equal; set init_std > 0 (e.g. 0.01) to let them split the parents");
        break;
      }
  }
  return warnings;
}

}  // namespace cpg
