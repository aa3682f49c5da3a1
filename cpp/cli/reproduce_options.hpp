// What the figures of `cpg reproduce` share (reproduce.cpp): the parsed options and how the
// recipe options override a named recipe. Figures 2/6, 5/7 and the rate live in
// reproduce_models.cpp; Figures 8 and 9 and the option table in reproduce.cpp.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "reproduce.hpp"

namespace cpg::cli {

// Everything the options write into. Options that a figure gives its own default (S, T, alpha,
// heads, seed) are applied only when given: given(name) says so.
struct ReproduceOptions {
  std::string figure;
  std::string recipe = "fast";
  Fig9Settings settings;            // fig9's fields; the other figures read the given ones
  Recipe overrides;
  std::string heads = "1,1";
  std::string task = "all";         // fig2: chain | icl | tree | all
  std::string Ts = "8,16,32,64";    // rate: the lengths
  int seeds = 3;                    // rate: models per T
  bool maps = false;
  int jobs = 1;
  SampleAhead sample_ahead = SampleAhead::automatic;
  std::vector<CLI::Option*> recipe_options;
  std::vector<CLI::Option*> task_options;  // --S --T --alpha --heads --seed --graph-seed

  bool given(const std::string& name) const;
  // The recipe options that were given, over `recipe`; its name becomes "custom" if any was.
  void apply_overrides(Recipe& recipe) const;
  // The command line as typed (for the rate's "command" field).
  std::string command_line;
};

// Throws std::invalid_argument naming jobs when it is outside [1, kMaxFig9Jobs].
void check_jobs(int jobs);

int run_fig2_command(const ReproduceOptions& options);
int run_fig5_command(const ReproduceOptions& options);
int run_rate_command(const ReproduceOptions& options);

}  // namespace cpg::cli
