// Tests for graph.hpp: the built-in graphs have the structure of docs/science.md, random graphs
// are reproducible per graph seed, and custom specs parse, round-trip and fail loudly.
#include <gtest/gtest.h>

#include <cmath>
#include <ostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "graph.hpp"
#include "rng.hpp"

namespace {

using cpg::Graph;
using cpg::Rng;
using Parents = std::vector<std::vector<int>>;

// Invariants every graph keeps: sizes match the family, parents are earlier, sorted, unique.
void expect_well_formed(const Graph& g) {
  ASSERT_EQ(static_cast<int>(g.parents.size()), g.multi_parent ? g.T + 1 : g.T) << g.name;
  for (size_t i = 0; i < g.parents.size(); ++i) {
    const auto& p = g.parents[i];
    for (size_t m = 0; m < p.size(); ++m) {
      EXPECT_GE(p[m], 0) << g.name << " position " << i;
      EXPECT_LT(p[m], static_cast<int>(i)) << g.name << " position " << i;
      if (m > 0) {
        EXPECT_LT(p[m - 1], p[m]) << g.name << " position " << i << ": sorted, no repeats";
      }
    }
  }
  if (!g.multi_parent) {
    EXPECT_TRUE(g.parents[g.T - 1].empty()) << g.name << ": the query has no parent";
    for (const auto& p : g.parents) EXPECT_LE(p.size(), 1u) << g.name;
  }
}

// The message of the std::invalid_argument that f throws ("" when it throws nothing).
template <typename F>
std::string invalid_argument_message(F f) {
  try {
    f();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

// ============================================================================================
// Built-in single-parent graphs
// ============================================================================================

TEST(Graph, ChainLinksEachPositionToThePreviousOne) {
  const Graph g = cpg::make_chain(6);
  expect_well_formed(g);
  EXPECT_EQ(g.name, "chain");
  EXPECT_FALSE(g.multi_parent);
  EXPECT_EQ(g.parents, (Parents{{}, {0}, {1}, {2}, {3}, {}}));
  EXPECT_EQ(g.target_parents(), std::vector<int>{5});
  EXPECT_EQ(g.max_in_degree(), 1);
  EXPECT_EQ(g.positions_with_parent(), 4);
  EXPECT_EQ(g.to_spec(), "-;0;1;2;3;-");
}

TEST(Graph, IclGivesOddPositionsTheirPredecessor) {
  const Graph g = cpg::make_icl(7);
  expect_well_formed(g);
  EXPECT_EQ(g.name, "icl");
  EXPECT_EQ(g.parents, (Parents{{}, {0}, {}, {2}, {}, {4}, {}}));
  EXPECT_EQ(g.positions_with_parent(), 3);
  // Even T: the last odd position T-1 is the query and stays parentless.
  EXPECT_EQ(cpg::make_icl(6).parents, (Parents{{}, {0}, {}, {2}, {}, {}}));
}

TEST(Graph, AdjacencyMarksParents) {
  const auto a = cpg::make_chain(4).adjacency();
  const std::vector<std::vector<int>> expected = {{0, 0, 0, 0}, {1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 0, 0}};
  EXPECT_EQ(a, expected);
  // Multi-parent: only input positions, the predicted node is not a row.
  const auto b = cpg::make_ngram(4, 2).adjacency();
  ASSERT_EQ(b.size(), 4u);
  EXPECT_EQ(b[3], (std::vector<int>{0, 1, 1, 0}));
}

TEST(Graph, TooShortSequencesThrowNamingT) {
  EXPECT_NE(invalid_argument_message([] { cpg::make_chain(2); }).find("T"), std::string::npos);
  EXPECT_NE(invalid_argument_message([] { cpg::make_paper2(2); }).find("T"), std::string::npos);
}

// ============================================================================================
// Random graphs
// ============================================================================================

TEST(Graph, RandomTreeIsDeterministicPerSeedAndVariesAcrossSeeds) {
  Rng a(5), b(5), c(6);
  const Graph ga = cpg::make_random_tree(30, a);
  const Graph gb = cpg::make_random_tree(30, b);
  const Graph gc = cpg::make_random_tree(30, c);
  expect_well_formed(ga);
  EXPECT_EQ(ga.name, "tree");
  EXPECT_EQ(ga.parents, gb.parents);
  EXPECT_NE(ga.parents, gc.parents);
  EXPECT_TRUE(ga.parents[0].empty());
}

TEST(Graph, RandomTreeParentIsUniformOverNoneAndEarlierPositions) {
  // Position 3 has 4 outcomes {none, 0, 1, 2}, each 1/4.
  std::vector<int> counts(4, 0);
  const int graphs = 8000;
  for (int seed = 0; seed < graphs; ++seed) {
    Rng rng(seed);
    const Graph g = cpg::make_random_tree(5, rng);
    ++counts[g.parents[3].empty() ? 0 : g.parents[3][0] + 1];
  }
  const double expected = graphs / 4.0, error = std::sqrt(graphs * 0.25 * 0.75);
  for (int c : counts) EXPECT_NEAR(c, expected, 6 * error);
}

TEST(Graph, RandomDagIsDeterministicPerSeedAndVariesAcrossSeeds) {
  Rng a(7), b(7), c(8);
  const Graph ga = cpg::make_random_dag(30, 0.5, a);
  const Graph gb = cpg::make_random_dag(30, 0.5, b);
  const Graph gc = cpg::make_random_dag(30, 0.5, c);
  expect_well_formed(ga);
  EXPECT_EQ(ga.name, "dag");
  EXPECT_EQ(ga.parents, gb.parents);
  EXPECT_NE(ga.parents, gc.parents);
  EXPECT_TRUE(ga.parents[0].empty());
}

TEST(Graph, RandomDagWithQZeroHasNoParentsAndQOneHasAllButTheFirst) {
  for (int seed = 0; seed < 5; ++seed) {
    Rng r0(seed), r1(seed);
    const Graph empty = cpg::make_random_dag(20, 0.0, r0);
    expect_well_formed(empty);
    EXPECT_EQ(empty.positions_with_parent(), 0);

    const Graph full = cpg::make_random_dag(20, 1.0, r1);
    expect_well_formed(full);
    EXPECT_TRUE(full.parents[0].empty());
    for (int i = 1; i < 19; ++i) EXPECT_EQ(full.parents[i].size(), 1u) << "position " << i;
    EXPECT_EQ(full.positions_with_parent(), 18);  // all but position 0 and the query
  }
}

TEST(Graph, RandomDagParentFractionFollowsQ) {
  int with_parent = 0, candidates = 0;
  for (int seed = 0; seed < 200; ++seed) {
    Rng rng(seed);
    const Graph g = cpg::make_random_dag(21, 0.3, rng);
    with_parent += g.positions_with_parent();
    candidates += 19;  // positions 1..T-2
  }
  const double error = std::sqrt(0.3 * 0.7 / candidates);
  EXPECT_NEAR(with_parent / static_cast<double>(candidates), 0.3, 6 * error);
}

TEST(Graph, RandomDagRejectsQOutsideUnitInterval) {
  Rng rng(0);
  EXPECT_NE(invalid_argument_message([&] { cpg::make_random_dag(5, 1.5, rng); }).find("q"), std::string::npos);
  EXPECT_NE(invalid_argument_message([&] { cpg::make_random_dag(5, -0.1, rng); }).find("q"), std::string::npos);
  EXPECT_NE(invalid_argument_message([&] { cpg::make_random_dag(5, NAN, rng); }).find("q"), std::string::npos);
}

// ============================================================================================
// Multi-parent graphs
// ============================================================================================

TEST(Graph, TrigramHasTwoPreviousParentsAndAPredictedNode) {
  const Graph g = cpg::make_ngram(5, 2);
  expect_well_formed(g);
  EXPECT_EQ(g.name, "trigram");
  EXPECT_TRUE(g.multi_parent);
  EXPECT_EQ(g.T, 5);
  EXPECT_EQ(g.parents, (Parents{{}, {}, {0, 1}, {1, 2}, {2, 3}, {3, 4}}));
  EXPECT_EQ(g.target_parents(), (std::vector<int>{3, 4}));
  EXPECT_EQ(g.max_in_degree(), 2);
  EXPECT_EQ(g.positions_with_parent(), 3);  // the predicted node is not an input position
  EXPECT_EQ(g.to_spec(), "-;-;0,1;1,2;2,3;3,4");
}

TEST(Graph, NgramHasKPreviousParents) {
  const Graph g = cpg::make_ngram(6, 3);
  expect_well_formed(g);
  EXPECT_EQ(g.name, "ngram");
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(g.parents[i].empty());
  for (int i = 3; i <= 6; ++i) EXPECT_EQ(g.parents[i], (std::vector<int>{i - 3, i - 2, i - 1}));
  EXPECT_EQ(g.target_parents(), (std::vector<int>{3, 4, 5}));
  EXPECT_EQ(g.max_in_degree(), 3);
  EXPECT_NE(invalid_argument_message([] { cpg::make_ngram(5, 0); }).find("k"), std::string::npos);
  EXPECT_NE(invalid_argument_message([] { cpg::make_ngram(5, 5); }).find("k"), std::string::npos);
}

TEST(Graph, Paper2HasHalfwayAndPreviousParents) {
  const Graph g = cpg::make_paper2(6);
  expect_well_formed(g);
  EXPECT_EQ(g.name, "paper2");
  EXPECT_TRUE(g.multi_parent);
  ASSERT_EQ(g.parents.size(), 7u);
  EXPECT_TRUE(g.parents[0].empty());
  EXPECT_TRUE(g.parents[1].empty());
  EXPECT_EQ(g.parents[2], (std::vector<int>{0, 1}));
  EXPECT_EQ(g.parents[3], (std::vector<int>{1, 2}));
  EXPECT_EQ(g.parents[4], (std::vector<int>{1, 3}));
  EXPECT_EQ(g.parents[5], (std::vector<int>{2, 4}));
  EXPECT_EQ(g.parents[6], (std::vector<int>{2, 5}));
  EXPECT_EQ(g.target_parents(), (std::vector<int>{2, 5}));
}

// ============================================================================================
// Custom specs
// ============================================================================================

TEST(Graph, CustomSingleParentSpecRoundTrips) {
  const std::string spec = "-;0;0;-;2;-";
  const Graph g = cpg::parse_custom_graph(spec, 6);
  expect_well_formed(g);
  EXPECT_EQ(g.name, "custom");
  EXPECT_FALSE(g.multi_parent);
  EXPECT_EQ(g.parents, (Parents{{}, {0}, {0}, {}, {2}, {}}));
  EXPECT_EQ(g.target_parents(), std::vector<int>{5});
  EXPECT_EQ(g.to_spec(), spec);
  EXPECT_EQ(cpg::parse_custom_graph(g.to_spec(), 6).parents, g.parents);
}

TEST(Graph, CustomMultiParentSpecRoundTrips) {
  const Graph g = cpg::parse_custom_graph("-;0;0,1;2;1,3", 4);
  expect_well_formed(g);
  EXPECT_TRUE(g.multi_parent);
  EXPECT_EQ(g.parents, (Parents{{}, {0}, {0, 1}, {2}, {1, 3}}));
  EXPECT_EQ(g.target_parents(), (std::vector<int>{1, 3}));
  EXPECT_EQ(g.max_in_degree(), 2);
  EXPECT_EQ(g.to_spec(), "-;0;0,1;2;1,3");
}

TEST(Graph, CustomSpecSortsParentsAndIgnoresSpaces) {
  const Graph g = cpg::parse_custom_graph(" - ; 0 ;1, 0;2,0", 3);
  EXPECT_EQ(g.parents, (Parents{{}, {0}, {0, 1}, {0, 2}}));
  EXPECT_EQ(g.to_spec(), "-;0;0,1;0,2");
}

TEST(Graph, BuiltInGraphsRoundTripThroughCustomSpec) {
  Rng rng(3);
  for (const Graph& g : {cpg::make_chain(8), cpg::make_icl(8), cpg::make_random_tree(8, rng),
                         cpg::make_ngram(8, 2), cpg::make_ngram(8, 4), cpg::make_paper2(8)}) {
    const Graph parsed = cpg::parse_custom_graph(g.to_spec(), g.T);
    EXPECT_EQ(parsed.parents, g.parents) << g.name;
    EXPECT_EQ(parsed.multi_parent, g.multi_parent) << g.name;
  }
}

struct BadSpec {
  std::string label;  // test name suffix
  std::string spec;
  int T;
  std::string names;  // a piece the message must contain besides "spec"
};

void PrintTo(const BadSpec& bad, std::ostream* out) { *out << "'" << bad.spec << "' with T = " << bad.T; }

class GraphBadSpec : public ::testing::TestWithParam<BadSpec> {};

TEST_P(GraphBadSpec, ThrowsNamingSpecAndPosition) {
  const BadSpec& bad = GetParam();
  const std::string message = invalid_argument_message([&] { cpg::parse_custom_graph(bad.spec, bad.T); });
  ASSERT_FALSE(message.empty()) << "'" << bad.spec << "' (T = " << bad.T << ") was accepted";
  EXPECT_NE(message.find("spec"), std::string::npos) << message;
  EXPECT_NE(message.find(bad.names), std::string::npos) << "expected '" << bad.names << "' in: " << message;
}

INSTANTIATE_TEST_SUITE_P(
    Specs, GraphBadSpec,
    ::testing::Values(BadSpec{"ParentNotEarlier", "-;0;2;-", 4, "position 2"},
                      BadSpec{"NegativeParent", "-;0;-1;-", 4, "position 2"},
                      BadSpec{"RootWithParent", "0;-;-", 3, "position 0"},
                      BadSpec{"TooFewEntries", "-;0;-", 5, "3 entries"},
                      BadSpec{"TooManyEntries", "-;0;0;0;0;0;-", 4, "7 entries"},
                      BadSpec{"NotANumber", "-;x;-", 3, "position 1"},
                      BadSpec{"TrailingJunk", "-;0;1a;-", 4, "position 2"},
                      BadSpec{"DuplicateParent", "-;0;0,0;1", 3, "position 2"},
                      BadSpec{"EmptyEntry", "-;;0;-", 4, "position 1"},
                      BadSpec{"EmptyParentItem", "-;0;,1;-", 4, "position 2"},
                      BadSpec{"TrailingComma", "-;0;0,;-", 4, "position 2"},
                      BadSpec{"SignedParent", "-;0;+1;-", 4, "position 2"},
                      BadSpec{"QueryNotDash", "-;0;1;2", 4, "position (3)"},
                      BadSpec{"SeveralParentsWithTEntries", "-;0;0,1;-", 4, "position 2"},
                      BadSpec{"TrailingSemicolon", "-;0;1;-;", 4, "ends with ';'"},
                      BadSpec{"PredictedNodeWithoutParents", "-;0;1;-", 3, "predicted node"},
                      BadSpec{"InDegreeAboveFour", "-;-;-;-;-;0,1,2,3,4", 5, "at most 4"}),
    [](const ::testing::TestParamInfo<BadSpec>& info) { return info.param.label; });

TEST(Graph, EmptySpecThrows) {
  const std::string message = invalid_argument_message([] { cpg::parse_custom_graph("", 4); });
  EXPECT_NE(message.find("spec"), std::string::npos) << message;
}

}  // namespace
