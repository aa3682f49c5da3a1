#include "sample_ahead_option.hpp"

#include <string>

namespace cpg::cli {

CLI::Option* add_sample_ahead_option(CLI::App* command, SampleAhead& mode) {
  return command
      ->add_option_function<std::string>(
          "--sample-ahead",
          [&mode](const std::string& value) {
            mode = value == "on" ? SampleAhead::on : value == "off" ? SampleAhead::off : SampleAhead::automatic;
          },
          "draw the next batch on a second thread while training on this one (the same results); "
          "auto: when the machine has a core to spare; allowed: auto|on|off")
      ->check(CLI::IsMember({"auto", "on", "off"}))
      ->default_str("auto")
      ->type_name("TEXT");
}

}  // namespace cpg::cli
