// Tests for Figures 2/6 and 5/7 and the theorem's rate (cpp/engine/reproduce.hpp, run_models)
// and their commands `cpg reproduce fig2|fig5|rate` (cpp/cli/reproduce_models.cpp).
//
// Every run trains a few dozen steps at small S, T and batch: these check the recipes, the JSON
// fields, that --jobs 2 gives the --jobs 1 JSON, and the messages of bad input. Whether the
// figures come out (heads on their parents, the slope) is bench/rate.sh's and the fast
// recipes' business (docs/science.md has the numbers). CPG_BINARY is the path of the built `cpg`.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cpg_runner.hpp"
#include "graph.hpp"
#include "reproduce.hpp"

using namespace cpg;
using nlohmann::json;
using cpg_test::Outcome;
using cpg_test::run_cpg;

namespace {

bool binary_exists() { return std::ifstream(CPG_BINARY).good(); }

// The JSON of a run without its wall times, which differ from run to run.
json without_seconds(json value) {
  if (value.is_object()) {
    value.erase("seconds");
    for (auto& [key, item] : value.items()) item = without_seconds(item);
  } else if (value.is_array()) {
    for (auto& item : value) item = without_seconds(item);
  }
  return value;
}

}  // namespace

// --- Recipes and measurements ----------------------------------------------------------------

TEST(Fig2, PaperRecipesAreTheAuthors) {
  const Recipe fig2 = fig2_recipe("paper");
  EXPECT_EQ(fig2.optimizer, "sgd");
  EXPECT_EQ(fig2.lr, 1.0);
  EXPECT_EQ(fig2.schedule, "cosine");
  EXPECT_EQ(fig2.batch, 1024);
  EXPECT_EQ(fig2.steps, int64_t{1} << 17);
  EXPECT_EQ(fig2.init_std, 0.0);
  const Recipe fig5 = fig5_recipe("paper");
  EXPECT_EQ(fig5.optimizer, "adamw");
  EXPECT_EQ(fig5.lr, 0.01);
  EXPECT_EQ(fig5.wd, 1e-4);
  EXPECT_EQ(fig5.schedule, "cosine");
  EXPECT_EQ(fig5.batch, 1024);
  EXPECT_EQ(fig5.steps, int64_t{1} << 16);
  EXPECT_EQ(fig5.init_std, 1e-4);
  EXPECT_EQ(fig5_config(Fig5Settings{}).graph, "paper2");
  EXPECT_EQ(fig5_config(Fig5Settings{}).heads, (std::vector<int>{2, 1}));
  EXPECT_THROW(fig2_recipe("slow"), std::invalid_argument);
  EXPECT_THROW(rate_recipe("paper"), std::invalid_argument);
}

TEST(Rate, ErrorIsTheInfinityNormOverRowsWithAParent) {
  // Chain of T = 4: rows 1 and 2 have parents 0 and 1; rows 0 and 3 (the query) have none.
  const Graph chain = make_chain(4);
  const std::vector<double> attention = {1.0,  0.0, 0.0, 0.0,   // row 0: no parent, left out
                                         0.75, 0.25, 0.0, 0.0,  // row 1: parent 0
                                         0.1, 0.6, 0.3, 0.0,    // row 2: parent 1
                                         0.0, 0.0, 0.0, 1.0};   // row 3: the query, left out
  const RateError error = rate_error(chain, attention);
  // Row 1: |0.75 - 1| + 0.25 = 0.5; row 2: 0.1 + 0.4 + 0.3 = 0.8 = 2 (1 - 0.6).
  EXPECT_NEAR(error.inf_norm, 0.8, 1e-12);
  EXPECT_NEAR(error.off_parent_max, 0.3, 1e-12);
}

TEST(Rate, SlopeOfAPowerLawIsItsExponent) {
  EXPECT_NEAR(log_log_slope({8, 16, 32, 64}, {1.0 / 8, 1.0 / 16, 1.0 / 32, 1.0 / 64}), -1.0, 1e-12);
  EXPECT_NEAR(log_log_slope({2, 4}, {3, 12}), 2.0, 1e-12);
  EXPECT_THROW(log_log_slope({8}, {1}), std::invalid_argument);
  EXPECT_THROW(log_log_slope({8, 8}, {1, 2}), std::invalid_argument);
}

TEST(Rate, SettingsNameTheFieldAndRange) {
  RateSettings settings;
  settings.Ts = {8};
  EXPECT_NE(validation_error(settings).find("T must list 2 to 8 increasing lengths in [4, 64]"), std::string::npos);
  settings.Ts = {16, 8};
  EXPECT_NE(validation_error(settings).find("8 follows 16"), std::string::npos);
  settings.Ts = {8, 65};
  EXPECT_NE(validation_error(settings).find("(got 65)"), std::string::npos);
  settings.Ts = {8, 16};
  settings.seeds = 0;
  EXPECT_EQ(validation_error(settings), "seeds must be in [1, 100] (got 0)");
}

TEST(Fig2, ModelsRunInParallelWithTheResultsOfOneJob) {
  Fig2Settings settings;
  settings.S = 3;
  settings.T = 8;
  settings.recipe.steps = 40;
  settings.recipe.batch = 16;
  settings.test_size = 64;
  settings.curve_points = 4;
  const std::vector<TrainConfig> configs = fig2_configs(settings);
  const std::vector<ModelRun> one = run_models(configs, settings.tasks, 4, nullptr, 1);
  const std::vector<ModelRun> two = run_models(configs, settings.tasks, 4, nullptr, 2);
  ASSERT_EQ(one.size(), 3u);
  ASSERT_EQ(two.size(), 3u);
  for (size_t k = 0; k < one.size(); ++k) {
    EXPECT_EQ(one[k].label, settings.tasks[k]);
    EXPECT_EQ(one[k].attention, two[k].attention) << k;
    EXPECT_EQ(one[k].test_loss, two[k].test_loss) << k;
    ASSERT_EQ(one[k].curve.size(), 5u) << k;  // step 0 and 4 points
    EXPECT_EQ(one[k].curve.front().step, 0);
    EXPECT_EQ(one[k].curve[2].step, 20);
    EXPECT_EQ(one[k].curve.back().step, 40);
    EXPECT_EQ(one[k].recovery, one[k].curve.back().recovery);
  }
  EXPECT_THROW(run_models(configs, settings.tasks, 4, nullptr, 0), std::invalid_argument);
  EXPECT_THROW(run_models(configs, settings.tasks, 0, nullptr, 1), std::invalid_argument);
}

// --- cpg reproduce fig2 | fig5 | rate --------------------------------------------------------

TEST(ReproduceModelsCli, Fig2PrintsEachTaskWithLossAboveBayes) {
  ASSERT_TRUE(binary_exists()) << CPG_BINARY << " is missing: build the cpg target first";
  const std::vector<std::string> args = {"reproduce", "fig2", "--S", "3", "--T", "8", "--steps", "40",
                                         "--batch", "16", "--maps"};
  std::vector<std::string> one = args, two = args;
  one.insert(one.end(), {"--jobs", "1"});
  two.insert(two.end(), {"--jobs", "2"});
  const Outcome serial = run_cpg(one), parallel = run_cpg(two);
  ASSERT_EQ(serial.status, 0) << serial.err;
  ASSERT_EQ(parallel.status, 0) << parallel.err;
  const json out = json::parse(serial.out);
  EXPECT_EQ(out["figure"], "fig2");
  EXPECT_EQ(out["parent_recovery_view"], "parameter");
  EXPECT_EQ(out["recipe"]["name"], "custom");  // --steps and --batch changed the fast recipe
  EXPECT_EQ(out["recipe"]["optimizer"], fig2_recipe("fast").optimizer);
  EXPECT_EQ(out["recipe"]["steps"], 40);
  EXPECT_EQ(out["paper"]["recipe"]["steps"], 131072);
  ASSERT_EQ(out["tasks"].size(), 3u);
  const char* names[] = {"chain", "icl", "tree"};
  for (int k = 0; k < 3; ++k) {
    const json& task = out["tasks"][k];
    EXPECT_EQ(task["task"], names[k]);
    EXPECT_EQ(task["steps"], 40);
    EXPECT_FALSE(task["diverged"].get<bool>());
    EXPECT_TRUE(task["parent_recovery"].is_number());
    EXPECT_NEAR(task["loss_minus_bayes"].get<double>(),
                task["test_loss"].get<double>() - task["bayes_loss"].get<double>(), 1e-12);
    EXPECT_TRUE(task["seconds"].is_number());
    EXPECT_EQ(task["curve"].front()["step"], 0);
    EXPECT_EQ(task["curve"].back()["step"], 40);
    EXPECT_EQ(task["curve"].back()["recovery"], task["parent_recovery"]);
    ASSERT_EQ(task["attention"].size(), 1u);  // one first-layer head
    EXPECT_EQ(task["attention"][0].size(), 8u);
  }
  EXPECT_EQ(out["tasks"][2]["parent"].size(), 8u);  // the random tree's parents
  EXPECT_EQ(without_seconds(out), without_seconds(json::parse(parallel.out)));
  EXPECT_NE(serial.err.find("parent recovery (parameter view)"), std::string::npos) << serial.err;
  EXPECT_NE(serial.err.find("task 3/3 (tree) done"), std::string::npos) << serial.err;

  const Outcome chain = run_cpg({"reproduce", "fig2", "--task", "chain", "--steps", "3", "--recipe", "paper"});
  ASSERT_EQ(chain.status, 0) << chain.err;
  const json chain_out = json::parse(chain.out);
  EXPECT_EQ(chain_out["tasks"].size(), 1u);
  EXPECT_EQ(chain_out["recipe"]["name"], "custom");
  EXPECT_EQ(chain_out["recipe"]["batch"], 1024);
  EXPECT_EQ(chain_out["settings"]["S"], 10);
  EXPECT_EQ(chain_out["settings"]["T"], 20);
}

TEST(ReproduceModelsCli, Fig5PrintsEachHeadsRecoveryOfEachParent) {
  ASSERT_TRUE(binary_exists()) << CPG_BINARY << " is missing: build the cpg target first";
  const Outcome run = run_cpg({"reproduce", "fig5", "--T", "10", "--steps", "30", "--batch", "16"});
  ASSERT_EQ(run.status, 0) << run.err;
  const json out = json::parse(run.out);
  EXPECT_EQ(out["figure"], "fig5");
  EXPECT_EQ(out["settings"]["graph"], "paper2");
  EXPECT_EQ(out["settings"]["S"], 5);
  EXPECT_EQ(out["settings"]["seed"], 1);
  EXPECT_EQ(out["recipe"]["init_std"], 0.1);
  ASSERT_EQ(out["heads"].size(), 2u);
  for (const json& head : out["heads"]) {
    ASSERT_EQ(head["recovery"].size(), 2u);
    const double r0 = head["recovery"][0], r1 = head["recovery"][1];
    EXPECT_EQ(head["parent"], r1 > r0 ? "i-1" : "(i-1) div 2");
  }
  EXPECT_TRUE(out["heads_on_different_parents"].is_boolean());
  EXPECT_NEAR(out["loss_minus_bayes"].get<double>(), out["test_loss"].get<double>() - out["bayes_loss"].get<double>(),
              1e-12);
  EXPECT_EQ(out["curve"].back()["step"], 30);
  EXPECT_EQ(out["curve"].back()["recovery"].size(), 2u);
}

TEST(ReproduceModelsCli, RatePrintsOneErrorPerLengthAndTheSlope) {
  ASSERT_TRUE(binary_exists()) << CPG_BINARY << " is missing: build the cpg target first";
  const std::vector<std::string> args = {"reproduce", "rate", "--Ts", "4,8,12", "--seeds", "2", "--steps", "30",
                                         "--batch", "16"};
  std::vector<std::string> one = args, two = args;
  one.insert(one.end(), {"--jobs", "1"});
  two.insert(two.end(), {"--jobs", "2"});
  const Outcome serial = run_cpg(one), parallel = run_cpg(two);
  ASSERT_EQ(serial.status, 0) << serial.err;
  ASSERT_EQ(parallel.status, 0) << parallel.err;
  EXPECT_EQ(std::count(serial.out.begin(), serial.out.end(), '\n'), 1);  // one JSON line
  const json out = json::parse(serial.out);
  EXPECT_EQ(out["T"], json::parse("[4, 8, 12]"));
  ASSERT_EQ(out["max_error"].size(), 3u);
  ASSERT_EQ(out["max_error_std"].size(), 3u);
  ASSERT_EQ(out["max_error_per_seed"][0].size(), 2u);
  for (const json& e : out["max_error"]) {
    EXPECT_GT(e.get<double>(), 0.0);
    EXPECT_LE(e.get<double>(), 2.0);  // a row's L1 distance between two distributions
  }
  std::vector<double> x = {4, 8, 12}, y;
  for (const json& e : out["max_error"]) y.push_back(e);
  EXPECT_NEAR(out["slope"].get<double>(), log_log_slope(x, y), 1e-12);
  EXPECT_EQ(out["recipe"]["name"], "custom");
  EXPECT_EQ(out["settings"]["seeds"], 2);
  EXPECT_NE(out["command"].get<std::string>().find("cpg reproduce rate --Ts 4,8,12 --seeds 2"), std::string::npos)
      << out["command"];
  EXPECT_TRUE(out["seconds"].is_number());
  json a = out, b = json::parse(parallel.out);
  for (json* j : {&a, &b}) {
    j->erase("seconds");
    j->erase("command");
  }
  EXPECT_EQ(a, b);
}

TEST(ReproduceModelsCli, BadInputNamesTheFieldAndExitsWith2) {
  ASSERT_TRUE(binary_exists()) << CPG_BINARY << " is missing: build the cpg target first";
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"reproduce", "fig2", "--task", "dag"}, "task must be one of chain|icl|tree|all (got 'dag')"},
      {{"reproduce", "fig2", "--recipe", "slow"}, "recipe must be one of fast|paper"},
      {{"reproduce", "fig2", "--heads", "2,1"}, "heads must have one first-layer head"},
      {{"reproduce", "fig2", "--T", "99"}, "T must be in [3, 64]"},
      {{"reproduce", "fig2", "--jobs", "0"}, "jobs must be in [1, 64] (got 0)"},
      {{"reproduce", "fig5", "--recipe", "quick"}, "recipe must be one of fast|paper"},
      {{"reproduce", "fig5", "--heads", "1,1"}, "heads must have two first-layer heads"},
      {{"reproduce", "fig5", "--lr", "-1"}, "lr must be in (0, 10000]"},
      {{"reproduce", "rate", "--recipe", "paper"}, "recipe must be fast for the rate"},
      {{"reproduce", "rate", "--Ts", "8"}, "T must list 2 to 8 increasing lengths in [4, 64]"},
      {{"reproduce", "rate", "--Ts", "16,8"}, "8 follows 16"},
      {{"reproduce", "rate", "--Ts", "8,128"}, "T must list 2 to 8 increasing lengths in [4, 64], e.g. 8,16,32,64 (got '128')"},
      {{"reproduce", "rate", "--Ts", "8,x"}, "(got 'x')"},
      {{"reproduce", "rate", "--Ts", "8,,16"}, "T must list"},
      {{"reproduce", "rate", "--T", "16"}, "the rate takes its lengths from --Ts"},
      {{"reproduce", "rate", "--seeds", "0"}, "seeds must be in [1, 100] (got 0)"},
      {{"reproduce", "fig7"}, "figure must be one of fig2|fig5|rate|fig8|fig9"},
  };
  for (const auto& [args, message] : cases) {
    const Outcome run = run_cpg(args);
    EXPECT_EQ(run.status, 2) << args.back() << ": " << run.err;
    EXPECT_NE(run.err.find(message), std::string::npos) << "expected '" << message << "' in: " << run.err;
    EXPECT_TRUE(run.out.empty()) << run.out;
  }
}
