#include "figures_json.hpp"

#include <vector>

#include "reproduce_json.hpp"

using nlohmann::json;

namespace cpg {

namespace {

json recovery_json(const std::vector<std::vector<double>>& recovery, bool single_head) {
  if (single_head) return recovery.empty() || recovery[0].empty() ? json(nullptr) : json(recovery[0][0]);
  return recovery;
}

json rows(const std::vector<double>& square, int T) {
  json out = json::array();
  for (int i = 0; i < T; ++i)
    out.push_back(std::vector<double>(square.begin() + static_cast<long>(i) * T,
                                      square.begin() + static_cast<long>(i + 1) * T));
  return out;
}

json curve_json(const ModelRun& run, bool single_head) {
  json curve = json::array();
  for (const CurvePoint& point : run.curve)
    curve.push_back({{"step", point.step},
                     {"test_loss", point.test_loss},
                     {"loss_minus_bayes", point.test_loss - point.bayes_loss},
                     {"recovery", recovery_json(point.recovery, single_head)}});
  return curve;
}

}  // namespace

json model_run_json(const ModelRun& run, bool single_head, bool maps) {
  json out = {{"task", run.label},
              {"steps", run.steps},
              {"diverged", run.diverged},
              {"parent_recovery", recovery_json(run.recovery, single_head)},
              {"test_loss", run.test_loss},
              {"bayes_loss", run.bayes_loss},
              {"loss_minus_bayes", run.test_loss - run.bayes_loss},
              {"curve", curve_json(run, single_head)},
              {"seconds", run.seconds}};
  if (run.config.graph == "tree") out["graph_seed"] = run.config.graph_seed;
  if (run.config.graph == "tree") {
    json parent = json::array();
    for (const auto& p : run.parents) parent.push_back(p.empty() ? json(nullptr) : json(p[0]));
    out["parent"] = parent;
  }
  if (maps) {
    json heads = json::array();
    for (const auto& attention : run.attention) heads.push_back(rows(attention, run.config.T));
    out["attention"] = heads;
  }
  return out;
}

json fig2_json(const Fig2Settings& s, const std::vector<ModelRun>& runs, bool maps, double seconds) {
  json tasks = json::array();
  for (const ModelRun& run : runs) tasks.push_back(model_run_json(run, true, maps));
  return {{"figure", "fig2"},
          {"recipe", fig9_recipe_json(s.recipe)},
          {"settings",
           {{"tasks", s.tasks}, {"S", s.S}, {"T", s.T}, {"alpha", s.alpha}, {"heads", s.heads}, {"seed", s.seed},
            {"graph_seed", s.graph_seed}, {"test_size", s.test_size}, {"curve_points", s.curve_points}}},
          {"parent_recovery_view", "parameter"},
          {"paper", {{"recipe", fig9_recipe_json(fig2_recipe("paper"))}}},
          {"tasks", tasks},
          {"seconds", seconds}};
}

json fig5_json(const Fig5Settings& s, const ModelRun& run, bool maps, double seconds) {
  const json names = {"(i-1) div 2", "i-1"};
  json heads = json::array();
  std::vector<int> took;
  for (size_t h = 0; h < run.recovery.size(); ++h) {
    const std::vector<double>& r = run.recovery[h];
    const int best = r.size() == 2 && r[1] > r[0] ? 1 : 0;
    took.push_back(best);
    heads.push_back({{"head", h + 1}, {"recovery", r}, {"parent", names[best]}});
  }
  const bool different = took.size() == 2 && took[0] != took[1];
  json out = {{"figure", "fig5"},
              {"recipe", fig9_recipe_json(s.recipe)},
              {"settings",
               {{"graph", "paper2"}, {"S", s.S}, {"T", s.T}, {"alpha", s.alpha}, {"heads", s.heads},
                {"seed", s.seed}, {"test_size", s.test_size}, {"curve_points", s.curve_points}}},
              {"paper", {{"recipe", fig9_recipe_json(fig5_recipe("paper"))}}},
              {"parent_recovery_view", "parameter"},
              {"parents", names},
              {"heads", heads},
              {"heads_on_different_parents", different},
              {"test_loss", run.test_loss},
              {"bayes_loss", run.bayes_loss},
              {"loss_minus_bayes", run.test_loss - run.bayes_loss},
              {"steps", run.steps},
              {"diverged", run.diverged},
              {"curve", curve_json(run, false)},
              {"seconds", seconds}};
  if (maps) {
    json maps_json = json::array();
    for (const auto& attention : run.attention) maps_json.push_back(rows(attention, run.config.T));
    out["attention"] = maps_json;
  }
  return out;
}

json rate_json(const RateResult& result, double seconds, const std::string& command) {
  const RateSettings& s = result.settings;
  json T = json::array(), max_error = json::array(), max_error_std = json::array(), entry = json::array(),
       entry_std = json::array(), per_seed = json::array(), gap = json::array(), diverged = json::array();
  for (const RatePoint& p : result.points) {
    T.push_back(p.T);
    max_error.push_back(p.inf_norm_mean);
    max_error_std.push_back(p.inf_norm_std);
    entry.push_back(p.off_parent_max_mean);
    entry_std.push_back(p.off_parent_max_std);
    per_seed.push_back(p.inf_norm);
    gap.push_back(p.loss_minus_bayes_max);
    diverged.push_back(p.diverged);
  }
  return {{"figure", "rate"},
          {"T", T},
          {"max_error", max_error},
          {"max_error_std", max_error_std},
          {"slope", result.slope},
          {"off_parent_max", entry},
          {"off_parent_max_std", entry_std},
          {"off_parent_slope", result.off_parent_slope},
          {"max_error_per_seed", per_seed},
          {"loss_minus_bayes_max", gap},
          {"diverged", diverged},
          {"norm",
           "max_error: the matrix infinity norm of A - G (max over rows with a parent of the row's L1 error, "
           "= 2 (1 - attention on the parent)), mean over seeds; off_parent_max: the largest weight off the parent in those rows; "
           "A = layer-1 position block soft-maxed per row (parameter view), G = the chain's adjacency; rows "
           "without a parent (position 0, the query T-1) are left out"},
          {"recipe", fig9_recipe_json(s.recipe)},
          {"settings",
           {{"graph", "chain"}, {"Ts", s.Ts}, {"seeds", s.seeds}, {"seed", s.seed}, {"S", s.S}, {"alpha", s.alpha},
            {"heads", {1, 1}}, {"test_size", s.test_size}}},
          {"seconds", seconds},
          {"command", command}};
}

}  // namespace cpg
