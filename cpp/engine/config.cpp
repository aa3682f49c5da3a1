#include "config.hpp"

#include <cmath>
#include <stdexcept>

#include "catformer.hpp"
#include "sampler.hpp"
#include "text.hpp"

namespace cpg {

const std::vector<FieldRange>& field_ranges() {
  static const std::vector<FieldRange> table = {
      {"graph", "chain|icl|tree|dag|trigram|ngram|paper2|custom", "the causal graph"},
      {"S", "[2, 64]", "vocabulary size"},
      {"T", "[3, 64]", "input tokens"},
      {"alpha", "[0.001, 100]", "Dirichlet concentration"},
      {"heads", "1 to 4 layers of 1 to 4 heads, e.g. 1,1", "heads per layer"},
      {"optimizer", "sgd|adam|adamw", "update rule"},
      {"lr", "(0, 10000]", "learning rate"},
      {"wd", "[0, 10]", "weight decay"},
      {"schedule", "constant|cosine", "learning-rate schedule"},
      {"batch", "[1, 8192]", "sequences per step"},
      {"steps", "[1, 100000000]", "planned steps (cosine horizon)"},
      {"init_std", "[0, 10]", "std of the random init of A (0 = paper)"},
      {"init", "normal|lemma", "normal: A ~ N(0, init_std^2), W = 0; lemma: the key lemma's init (heads 1,1)"},
      {"beta", "(0, 100]", "lemma init: layer-2 scale"},
      {"w", "(0, 100]", "lemma init: readout scale"},
      {"seed", "[0, 4294967295]", "data seed"},
      {"graph_seed", "[0, 4294967295]", "graph seed (tree, dag)"},
      {"every", "[1, 100000000]", "metrics period in steps"},
      {"q", "[0, 1]", "dag: parent probability"},
      {"k", "[1, min(4, T-1)]", "ngram: parents per position"},
      {"spec", "T entries (last '-') or T+1 entries, e.g. -;0;0;1,2", "custom graph"},
      {"test_size", "[1, 65536]", "fixed test-set size"},
      {"freeze", "A1..A<L>, W", "parameter blocks kept fixed"},
  };
  return table;
}

namespace {

std::string show(double value) { return text::number(value); }
std::string show(int64_t value) { return std::to_string(value); }
std::string show(int value) { return std::to_string(value); }
std::string show(size_t value) { return std::to_string(value); }

std::string out_of_range(const std::string& field, const std::string& range, const std::string& got) {
  return field + " must be in " + range + " (got " + got + ")";
}

bool in_range(double value, double low, double high) { return std::isfinite(value) && value >= low && value <= high; }

}  // namespace

std::vector<int> parse_heads(const std::string& text) {
  std::vector<int> heads;
  for (const std::string& item : text::split(text, ',')) {
    size_t used = 0;
    int value = 0;
    try {
      value = std::stoi(item, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (item.empty() || used != item.size())
      throw std::invalid_argument("heads must be a comma-separated list of 1 to 4 layers of 1 to 4 heads, e.g. 1,1 (got " + text::quoted(text) + ")");
    heads.push_back(value);
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

std::string validation_error(const TrainConfig& c) {
  const auto& ranges = field_ranges();
  auto range_of = [&](const std::string& field) {
    for (const auto& row : ranges)
      if (row.field == field) return row.range;
    return std::string("?");
  };
  auto check = [&](bool ok, const std::string& field, const std::string& got) {
    return ok ? std::string() : out_of_range(field, range_of(field), got);
  };
  std::string error;
  if (!(error = check(c.S >= 2 && c.S <= 64, "S", show(c.S))).empty()) return error;
  if (!(error = check(c.T >= 3 && c.T <= 64, "T", show(c.T))).empty()) return error;
  if (!(error = check(in_range(c.alpha, 0.001, 100), "alpha", show(c.alpha))).empty()) return error;
  if (c.optimizer != "sgd" && c.optimizer != "adam" && c.optimizer != "adamw")
    return "optimizer must be one of sgd|adam|adamw (got " + text::quoted(c.optimizer) + ")";
  if (!(error = check(std::isfinite(c.lr) && c.lr > 0 && c.lr <= 10000, "lr", show(c.lr))).empty()) return error;
  if (!(error = check(in_range(c.wd, 0, 10), "wd", show(c.wd))).empty()) return error;
  if (c.schedule != "constant" && c.schedule != "cosine")
    return "schedule must be one of constant|cosine (got " + text::quoted(c.schedule) + ")";
  if (!(error = check(c.batch >= 1 && c.batch <= 8192, "batch", show(c.batch))).empty()) return error;
  if (!(error = check(c.steps >= 1 && c.steps <= 100000000, "steps", show(c.steps))).empty()) return error;
  if (!(error = check(in_range(c.init_std, 0, 10), "init_std", show(c.init_std))).empty()) return error;
  if (c.init != "normal" && c.init != "lemma") return "init must be one of normal|lemma (got " + text::quoted(c.init) + ")";
  if (!(error = check(std::isfinite(c.beta) && c.beta > 0 && c.beta <= 100, "beta", show(c.beta))).empty()) return error;
  if (!(error = check(std::isfinite(c.w) && c.w > 0 && c.w <= 100, "w", show(c.w))).empty()) return error;
  if (c.init == "lemma" && c.heads != std::vector<int>{1, 1})
    return "init=lemma needs heads 1,1 (the lemma's two one-head layers)";
  if (!(error = check(c.every >= 1 && c.every <= 100000000, "every", show(c.every))).empty()) return error;
  if (!(error = check(in_range(c.q, 0, 1), "q", show(c.q))).empty()) return error;
  if (!(error = check(c.test_size >= 1 && c.test_size <= 65536, "test_size", show(c.test_size))).empty()) return error;
  if (c.graph == "ngram" && (c.k < 1 || c.k > 4 || c.k >= c.T))
    return "k must be in [1, " + show(std::min(4, c.T - 1)) + "] for T = " + show(c.T) + " (got " + show(c.k) + ")";
  if (c.graph == "custom" && c.spec.empty())
    return "spec is required for graph=custom: one entry per position, e.g. -;0;0;1,2 (see --help)";
  try {
    ModelShape::make(c.S, c.T, c.heads);
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
