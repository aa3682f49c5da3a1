// SGD, Adam and AdamW over the flat parameter buffer, with a learning-rate schedule and
// per-block freezing. Moments use the same Params type, so an update is one loop.
#pragma once

#include <cmath>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "catformer.hpp"

namespace cpg {

struct OptimizerSettings {
  std::string kind = "adam";        // sgd | adam | adamw
  double lr = 0.05;
  double wd = 0.0;
  std::string schedule = "constant";  // constant | cosine
  int64_t horizon = 1;              // cosine reaches 0 here
  double beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8;
};

class Optimizer {
 public:
  // trainable[k] says whether parameter k is updated (false = frozen).
  Optimizer(const OptimizerSettings& settings, const ModelShape& shape, std::vector<uint8_t> trainable);

  // Learning rate used by the next step (step counts from 0).
  double learning_rate(int64_t step) const;
  void set_learning_rate(double lr) { settings_.lr = lr; }
  const OptimizerSettings& settings() const { return settings_; }

  // Which parameters later updates touch (freezing or ablating mid-run); moments are kept.
  void set_trainable(std::vector<uint8_t> trainable) { trainable_ = std::move(trainable); }

  // One update of params from grad at step `step`.
  void update(Params<float>& params, const Params<float>& grad, int64_t step);

 private:
  OptimizerSettings settings_;
  std::vector<uint8_t> trainable_;
  Params<float> first_moment_, second_moment_;
};

// Which parameters the named blocks ("A1", "W", ..) leave trainable.
std::vector<uint8_t> trainable_mask(const ModelShape& shape, const std::vector<std::string>& frozen_blocks);

}  // namespace cpg
