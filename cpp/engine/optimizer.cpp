#include "optimizer.hpp"

#include <algorithm>

namespace cpg {

std::vector<uint8_t> trainable_mask(const ModelShape& shape, const std::vector<std::string>& frozen_blocks) {
  std::vector<uint8_t> mask(shape.size, 1);
  for (const auto& block : frozen_blocks) {
    if (block == "W") {
      auto begin = mask.begin() + static_cast<std::ptrdiff_t>(shape.W_offset);
      std::fill(begin, begin + static_cast<std::ptrdiff_t>(shape.W_size()), 0);
      continue;
    }
    for (int l = 0; l < shape.layers(); ++l) {
      if (block != "A" + std::to_string(l + 1)) continue;
      auto begin = mask.begin() + static_cast<std::ptrdiff_t>(shape.A_offset[l]);
      std::fill(begin, begin + static_cast<std::ptrdiff_t>(shape.A_size(l)), 0);
    }
  }
  return mask;
}

Optimizer::Optimizer(const OptimizerSettings& settings, const ModelShape& shape, std::vector<uint8_t> trainable)
    : settings_(settings), trainable_(std::move(trainable)) {
  if (settings_.kind != "sgd") {
    first_moment_ = Params<float>(shape);
    second_moment_ = Params<float>(shape);
  }
}

double Optimizer::learning_rate(int64_t step) const {
  if (settings_.schedule != "cosine") return settings_.lr;
  const double progress = std::min(1.0, static_cast<double>(step) / static_cast<double>(std::max<int64_t>(1, settings_.horizon)));
  return settings_.lr * 0.5 * (1.0 + std::cos(M_PI * progress));
}

void Optimizer::update(Params<float>& params, const Params<float>& grad, int64_t step) {
  const float lr = static_cast<float>(learning_rate(step));
  const float wd = static_cast<float>(settings_.wd);
  float* p = params.data.data();
  const float* g = grad.data.data();
  const size_t n = params.data.size();
  if (settings_.kind == "sgd") {
    for (size_t k = 0; k < n; ++k)
      if (trainable_[k]) p[k] -= lr * (g[k] + wd * p[k]);
    return;
  }
  const float beta1 = static_cast<float>(settings_.beta1), beta2 = static_cast<float>(settings_.beta2);
  const float epsilon = static_cast<float>(settings_.epsilon);
  const double t = static_cast<double>(step + 1);
  const float correction1 = static_cast<float>(1.0 - std::pow(settings_.beta1, t));
  const float correction2 = static_cast<float>(1.0 - std::pow(settings_.beta2, t));
  const bool decoupled = settings_.kind == "adamw";
  float* m = first_moment_.data.data();
  float* v = second_moment_.data.data();
  for (size_t k = 0; k < n; ++k) {
    if (!trainable_[k]) continue;
    const float gk = decoupled ? g[k] : g[k] + wd * p[k];   // adam: L2 in the gradient
    m[k] = beta1 * m[k] + (1 - beta1) * gk;
    v[k] = beta2 * v[k] + (1 - beta2) * gk * gk;
    const float step_k = (m[k] / correction1) / (std::sqrt(v[k] / correction2) + epsilon);
    p[k] -= lr * (step_k + (decoupled ? wd * p[k] : 0.0f));  // adamw: decay decoupled
  }
}

}  // namespace cpg
