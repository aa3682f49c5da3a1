// Figures 2/6 and 5/7 and the theorem's rate as JSON: the one place their field names are
// written (`cpg reproduce fig2|fig5|rate`). Every result names its recipe (fig9_recipe_json's
// fields) and puts the test loss above Bayes beside the attention statistic.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "reproduce.hpp"

namespace cpg {

// One measured model: task, steps, diverged, test_loss, bayes_loss, loss_minus_bayes, the
// parameter-view recovery and the curve [{step, test_loss, loss_minus_bayes, recovery}], seconds,
// and with `maps` each first-layer head's (T, T) position attention as rows. `single_head`
// writes recovery as one number (Figure 2); otherwise [head][parent slot] (Figure 5).
nlohmann::json model_run_json(const ModelRun& run, bool single_head, bool maps);

// {figure: "fig2", recipe, settings, parent_recovery_view: "parameter", tasks: [model_run_json],
// seconds}.
nlohmann::json fig2_json(const Fig2Settings& settings, const std::vector<ModelRun>& runs, bool maps, double seconds);

// {figure: "fig5", recipe, settings, parents: ["(i-1) div 2", "i-1"], heads: [{head, recovery:
// [per parent], parent: the parent it attends to most}], heads_on_different_parents, test_loss,
// bayes_loss, loss_minus_bayes, steps, diverged, curve, seconds}.
nlohmann::json fig5_json(const Fig5Settings& settings, const ModelRun& run, bool maps, double seconds);

// {figure: "rate", T, max_error, max_error_std, slope, off_parent_max, off_parent_max_std, off_parent_slope,
// per_seed, loss_minus_bayes_max, diverged, recipe, settings, norm, seconds, command}.
nlohmann::json rate_json(const RateResult& result, double seconds, const std::string& command);

}  // namespace cpg
