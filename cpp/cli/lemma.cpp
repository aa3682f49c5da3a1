#include "commands.hpp"

namespace cpg::cli {

Command add_lemma_command(CLI::App& app) {
  CLI::App* command = app.add_subcommand("lemma", "not implemented yet");
  return {command, [] { return 1; }};
}

}  // namespace cpg::cli
