// --sample-ahead auto|on|off, the one option that cpg train, probe and every reproduce figure
// share (main.cpp, reproduce.cpp).
#pragma once

#include <CLI/CLI.hpp>

#include "batch_stream.hpp"

namespace cpg::cli {

// --sample-ahead auto|on|off (train, probe, reproduce): whether each run draws its next batch on a
// thread of its own while it trains on this one. The results are the same bits in all three.
CLI::Option* add_sample_ahead_option(CLI::App* command, SampleAhead& mode);

}  // namespace cpg::cli
