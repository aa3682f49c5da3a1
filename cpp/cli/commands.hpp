// Subcommands of cpg that live in their own files. Each adds itself to the app and returns
// what to run when it was chosen. Input errors are thrown as std::invalid_argument with a
// message naming the field and its range (main turns them into exit status 2).
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

namespace cpg::cli {

struct Command {
  CLI::App* app;
  std::function<int()> run;
};

Command add_grad_command(CLI::App& app);       // cpg grad       (grad.cpp)
Command add_lemma_command(CLI::App& app);      // cpg lemma      (lemma.cpp)
Command add_reproduce_command(CLI::App& app);  // cpg reproduce  (reproduce.cpp)

}  // namespace cpg::cli
