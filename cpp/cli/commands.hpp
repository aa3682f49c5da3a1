// Subcommands of cpg that live in their own files. Each adds itself to the app and returns
// what to run when it was chosen. Input errors are thrown as std::invalid_argument with a
// message naming the field and its range (main turns them into exit status 2).
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <functional>
#include <string>

#include "batch_stream.hpp"
#include "config.hpp"

namespace cpg::cli {

struct Command {
  CLI::App* app;
  std::function<int()> run;
};

Command add_grad_command(CLI::App& app);       // cpg grad       (grad.cpp)
Command add_lemma_command(CLI::App& app);      // cpg lemma      (lemma.cpp)
Command add_reproduce_command(CLI::App& app);  // cpg reproduce  (reproduce.cpp)

// cpg probe (probe.cpp): its own options; main adds the task and training options, so that
// the model is trained exactly as `cpg train` would.
struct ProbeOptions {
  std::string law = "cycle";
  std::string law_file;
  double law_alpha = 0.1;
  int sequences = 1000;
  uint32_t probe_seed = 0;
};
void add_probe_options(CLI::App* command, ProbeOptions& options);
int run_probe(const TrainConfig& config, const ProbeOptions& options, SampleAhead sample_ahead);

}  // namespace cpg::cli
