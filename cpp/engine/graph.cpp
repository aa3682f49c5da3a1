#include "graph.hpp"

#include <algorithm>
#include <stdexcept>

#include "text.hpp"

namespace cpg {

std::vector<int> Graph::target_parents() const {
  if (multi_parent) return parents.back();
  return {T - 1};
}

int Graph::max_in_degree() const {
  int k = 0;
  for (const auto& p : parents) k = std::max<int>(k, static_cast<int>(p.size()));
  return std::max<int>(k, static_cast<int>(target_parents().size()));
}

int Graph::positions_with_parent() const {
  int count = 0;
  for (int i = 0; i < T; ++i) count += parents[i].empty() ? 0 : 1;
  return count;
}

std::vector<std::vector<int>> Graph::adjacency() const {
  std::vector<std::vector<int>> a(T, std::vector<int>(T, 0));
  for (int i = 0; i < T; ++i)
    for (int p : parents[i]) a[i][p] = 1;
  return a;
}

std::string Graph::to_spec() const {
  std::string out;
  for (size_t i = 0; i < parents.size(); ++i) {
    if (i) out += ';';
    if (parents[i].empty()) out += '-';
    for (size_t k = 0; k < parents[i].size(); ++k) out += (k ? "," : "") + std::to_string(parents[i][k]);
  }
  return out;
}

namespace {

Graph single_parent_graph(const std::string& name, int T) {
  if (T < 3) throw std::invalid_argument("T must be at least 3 (got " + std::to_string(T) + ")");
  Graph g;
  g.name = name;
  g.T = T;
  g.parents.assign(T, {});
  return g;
}

Graph multi_parent_graph(const std::string& name, int T) {
  if (T < 3) throw std::invalid_argument("T must be at least 3 (got " + std::to_string(T) + ")");
  Graph g;
  g.name = name;
  g.T = T;
  g.multi_parent = true;
  g.parents.assign(T + 1, {});
  return g;
}

}  // namespace

Graph make_chain(int T) {
  Graph g = single_parent_graph("chain", T);
  for (int i = 1; i < T - 1; ++i) g.parents[i] = {i - 1};
  return g;
}

Graph make_icl(int T) {
  Graph g = single_parent_graph("icl", T);
  for (int i = 1; i < T - 1; i += 2) g.parents[i] = {i - 1};
  return g;
}

Graph make_random_tree(int T, Rng& graph_rng) {
  Graph g = single_parent_graph("tree", T);
  for (int i = 0; i < T - 1; ++i) {
    // uniform over {none, 0, .., i-1}: i + 1 outcomes
    const int draw = static_cast<int>(graph_rng.below(static_cast<uint64_t>(i) + 1));
    if (draw > 0) g.parents[i] = {draw - 1};
  }
  return g;
}

Graph make_random_dag(int T, double q, Rng& graph_rng) {
  if (!(q >= 0.0 && q <= 1.0))
    throw std::invalid_argument("q must be in [0, 1] (got " + std::to_string(q) + ")");
  Graph g = single_parent_graph("dag", T);
  for (int i = 1; i < T - 1; ++i) {
    const bool has_parent = graph_rng.bernoulli(q);
    const int parent = static_cast<int>(graph_rng.below(static_cast<uint64_t>(i)));
    if (has_parent) g.parents[i] = {parent};
  }
  return g;
}

Graph make_ngram(int T, int k) {
  if (k < 1 || k >= T)
    throw std::invalid_argument("k must be in [1, T-1] = [1, " + std::to_string(T - 1) + "] (got " +
                                std::to_string(k) + ")");
  Graph g = multi_parent_graph(k == 2 ? "trigram" : "ngram", T);
  for (int i = k; i <= T; ++i)
    for (int p = i - k; p < i; ++p) g.parents[i].push_back(p);
  return g;
}

Graph make_paper2(int T) {
  Graph g = multi_parent_graph("paper2", T);
  for (int i = 2; i <= T; ++i) g.parents[i] = {(i - 1) / 2, i - 1};
  return g;
}

Graph parse_custom_graph(const std::string& spec, int T) {
  if (!spec.empty() && spec.back() == ';')
    throw std::invalid_argument("spec: ends with ';'; every position needs an entry");
  std::vector<std::vector<int>> entries;
  for (std::string entry : text::split(spec, ';')) {
    const int position = static_cast<int>(entries.size());
    std::vector<int> parents;
    entry.erase(std::remove_if(entry.begin(), entry.end(), [](char c) { return c == ' '; }),
                entry.end());
    if (entry.empty())
      throw std::invalid_argument("spec: position " + std::to_string(position) +
                                  " is empty; write '-' for a position without parents");
    if (entry != "-") {
      if (entry.front() == ',' || entry.back() == ',')
        throw std::invalid_argument("spec: position " + std::to_string(position) + " has " + text::quoted(entry) +
                                    "; parents are numbers separated by single commas");
      for (const std::string& item : text::split(entry, ',')) {
        const bool digits_only = !item.empty() && item.size() <= 3 &&
                                 std::all_of(item.begin(), item.end(), [](char c) { return c >= '0' && c <= '9'; });
        if (!digits_only)
          throw std::invalid_argument("spec: position " + std::to_string(position) + " has " + text::quoted(item) +
                                      ", which is not a position number");
        const int parent = std::stoi(item);
        if (parent < 0 || parent >= position)
          throw std::invalid_argument("spec: position " + std::to_string(position) +
                                      " lists parent " + std::to_string(parent) +
                                      "; parents must be earlier positions, in [0, " +
                                      std::to_string(position - 1) + "]");
        if (std::find(parents.begin(), parents.end(), parent) != parents.end())
          throw std::invalid_argument("spec: position " + std::to_string(position) +
                                      " lists parent " + std::to_string(parent) + " twice");
        parents.push_back(parent);
      }
    }
    std::sort(parents.begin(), parents.end());
    entries.push_back(parents);
  }
  const int n = static_cast<int>(entries.size());
  if (n != T && n != T + 1)
    throw std::invalid_argument("spec: has " + std::to_string(n) + " entries; it needs T = " +
                                std::to_string(T) + " (single-parent, last is the query) or T+1 = " +
                                std::to_string(T + 1) + " (last is the predicted node)");
  Graph g;
  g.name = "custom";
  g.T = T;
  g.parents = entries;
  if (n == T) {
    for (int i = 0; i < T; ++i)
      if (g.parents[i].size() > 1)
        throw std::invalid_argument("spec: position " + std::to_string(i) +
                                    " has several parents; a multi-parent graph needs T+1 = " +
                                    std::to_string(T + 1) + " entries, the last for the predicted node");
    if (!g.parents[T - 1].empty())
      throw std::invalid_argument("spec: the last position (" + std::to_string(T - 1) +
                                  ") is the query and must be '-'");
  } else {
    g.multi_parent = true;
    if (g.parents[T].empty())
      throw std::invalid_argument("spec: the predicted node (entry " + std::to_string(T) +
                                  ") needs at least one parent");
  }
  if (g.max_in_degree() > 4)
    throw std::invalid_argument("spec: a position has " + std::to_string(g.max_in_degree()) +
                                " parents; at most 4 are allowed");
  return g;
}

}  // namespace cpg
