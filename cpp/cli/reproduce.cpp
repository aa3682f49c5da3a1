#include "commands.hpp"

namespace cpg::cli {

Command add_reproduce_command(CLI::App& app) {
  CLI::App* command = app.add_subcommand("reproduce", "not implemented yet");
  return {command, [] { return 1; }};
}

}  // namespace cpg::cli
