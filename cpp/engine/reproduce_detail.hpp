// What cpp/engine/reproduce.cpp (Figures 9 and 8) and reproduce_models.cpp (Figures 2/6, 5/7
// and the rate) share. Private to those two files: the engine's interface is reproduce.hpp.
#pragma once

#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "text.hpp"

namespace cpg::reproduce_detail {

// The message of every named-recipe function for a name it does not know.
inline std::invalid_argument unknown_recipe(const std::string& name) {
  return std::invalid_argument("recipe must be one of fast|paper (got " + text::quoted(name) + ")");
}

// Mean and population std (divide by n, like numpy.std) of n > 0 values.
inline void mean_and_std(const std::vector<double>& values, double* mean, double* std) {
  double sum = 0;
  for (double v : values) sum += v;
  *mean = sum / values.size();
  double squares = 0;
  for (double v : values) squares += (v - *mean) * (v - *mean);
  *std = std::sqrt(squares / values.size());
}

}  // namespace cpg::reproduce_detail
