// Central finite differences in double precision on every named block of a model's flat
// buffer, shared by the CatFormer and standard-transformer tests.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "catformer.hpp"
#include "rng.hpp"
#include "sampler.hpp"

namespace cpg::testing {

struct NamedBlock {
  std::string name;
  size_t begin = 0, end = 0;
};

// Every block the shape has: A<l>.<h>, V<l>, W1<l>, b1<l>, W2<l>, b2<l> (layers from 1), wte, wpe, W.
inline std::vector<NamedBlock> blocks_of(const ModelShape& s) {
  std::vector<NamedBlock> blocks;
  const auto add = [&](const std::string& name, size_t begin, size_t count) { blocks.push_back({name, begin, begin + count}); };
  for (int l = 0; l < s.layers(); ++l) {
    const std::string layer = std::to_string(l + 1);
    const size_t dd = static_cast<size_t>(s.d(l)) * s.d(l);
    for (int h = 0; h < s.heads[l]; ++h) add("A" + layer + "." + std::to_string(h + 1), s.A_offset[l] + h * dd, dd);
    if (s.kind == ModelKind::standard) add("V" + layer, s.V_offset[l], static_cast<size_t>(s.heads[l]) * dd);
    if (s.mlp) {
      const size_t n = static_cast<size_t>(s.mlp_in[l]), m = static_cast<size_t>(s.hidden[l]);
      add("W1_" + layer, s.W1_offset[l], n * m);
      add("b1_" + layer, s.b1_offset[l], m);
      add("W2_" + layer, s.W2_offset[l], m * n);
      add("b2_" + layer, s.b2_offset[l], n);
    }
  }
  if (s.kind == ModelKind::standard) {
    add("wte", s.wte_offset, static_cast<size_t>(s.S) * s.d(0));
    add("wpe", s.wpe_offset, static_cast<size_t>(s.T) * s.d(0));
  }
  add("W", s.W_offset, s.W_size());
  return blocks;
}

struct CheckResult {
  int checked = 0, informative = 0;       // entries compared; entries with |numeric| > 1e-9
  double max_abs_error = 0;               // max |analytic - numeric|
  double max_rel_error = 0;               // max |analytic - numeric| / max(|numeric|, 1e-6)
  std::vector<std::string> failures;      // "block[k]: analytic vs numeric", beyond the tolerance
  std::vector<std::string> blocks_without_signal;  // blocks where no sampled entry was informative
};

// Compares `grad` (the analytic gradient at `params`) with central differences of `loss` on
// `trials` sampled entries of every block. Tolerance: 1e-7 + 1e-5 |numeric|.
template <typename LossFn>
CheckResult finite_difference_check(const ModelShape& shape, Params<double>& params, const Params<double>& grad,
                                    LossFn loss, int trials = 30, double step = 1e-5) {
  CheckResult result;
  Rng pick(3, 0);
  for (const NamedBlock& block : blocks_of(shape)) {
    int informative = 0;
    for (int trial = 0; trial < trials; ++trial) {
      const size_t k = block.begin + pick.below(block.end - block.begin);
      const double saved = params.data[k];
      params.data[k] = saved + step;
      const double plus = loss(params);
      params.data[k] = saved - step;
      const double minus = loss(params);
      params.data[k] = saved;
      const double numeric = (plus - minus) / (2 * step);
      const double error = std::abs(grad.data[k] - numeric);
      result.max_abs_error = std::max(result.max_abs_error, error);
      result.max_rel_error = std::max(result.max_rel_error, error / std::max(std::abs(numeric), 1e-6));
      if (error > 1e-7 + 1e-5 * std::abs(numeric))
        result.failures.push_back(block.name + "[" + std::to_string(k - block.begin) + "]: " + std::to_string(grad.data[k]) +
                                  " vs " + std::to_string(numeric));
      ++result.checked;
      informative += std::abs(numeric) > 1e-9;
    }
    result.informative += informative;
    if (informative == 0) result.blocks_without_signal.push_back(block.name);
  }
  return result;
}

// Params with every entry ~ N(0, scale^2).
template <typename Real>
Params<Real> random_params(const ModelShape& shape, double scale, uint64_t seed) {
  Params<Real> params(shape);
  Rng rng(seed, 7);
  for (auto& value : params.data) value = static_cast<Real>(scale * rng.normal());
  return params;
}

// Max |a - b| over a vector, relative to the largest |b|.
inline double relative_difference(const std::vector<double>& a, const std::vector<double>& b) {
  double diff = 0, size = 0;
  for (size_t k = 0; k < a.size(); ++k) {
    diff = std::max(diff, std::abs(a[k] - b[k]));
    size = std::max(size, std::abs(b[k]));
  }
  return diff / std::max(size, 1e-30);
}

}  // namespace cpg::testing
