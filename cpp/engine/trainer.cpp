#include "trainer.hpp"

#include <algorithm>

#include <cmath>
#include <stdexcept>

#include "kernels.hpp"
#include "text.hpp"
#include "theory.hpp"

namespace cpg {

namespace {

// Streams of one seed: independent generators for the data, the test set and the init.
constexpr uint64_t kTrainStream = 1, kTestStream = 2, kInitStream = 3, kMlpInitStream = 4;
// A training loss above this multiple of log S counts as divergence.
constexpr double kExplodedLossFactor = 10.0;

const TrainConfig& validated(const TrainConfig& config) {
  const std::string error = validation_error(config);
  if (!error.empty()) throw std::invalid_argument(error);
  if (!kAllModels && (config.model != "catformer" || config.mlp != "off" || config.heads.size() > 2))
    throw std::invalid_argument("model=" + config.model + " with mlp=" + config.mlp + " and " +
                                std::to_string(config.heads.size()) +
                                " layers is not in this build of the engine (the page's first-load module trains "
                                "the CatFormer of one or two layers without MLP sublayers; the full module has every model)");
  return config;
}

bool all_finite(const std::vector<float>& values) {
  for (float v : values)
    if (!std::isfinite(v)) return false;
  return true;
}

}  // namespace

std::vector<double> position_attention(const Params<float>& params, int head) {
  const int S = params.shape.S, T = params.shape.T, d = params.shape.d(0);
  const float* A = params.A(0, head);
  std::vector<double> attention(static_cast<size_t>(T) * T, 0.0);
  for (int i = 0; i < T; ++i) {
    double* row = attention.data() + static_cast<size_t>(i) * T;
    for (int j = 0; j <= i; ++j) row[j] = A[static_cast<size_t>(S + i) * d + S + j];
    kernels::softmax_inplace(row, i + 1);
  }
  return attention;
}

std::vector<double> parent_recovery(const Graph& graph, const std::vector<double>& attention) {
  const int T = graph.T;
  // Single-parent: slot 0 is the parent. Multi-parent: positions with the predicted node's
  // in-degree, one slot per parent in ascending position order.
  const size_t slots = graph.multi_parent ? graph.target_parents().size() : 1;
  std::vector<double> sums(slots, 0.0);
  int count = 0;
  for (int i = 0; i < T; ++i) {
    const auto& parents = graph.parents[i];
    if (parents.empty() || (graph.multi_parent && parents.size() != slots)) continue;
    for (size_t m = 0; m < slots; ++m) sums[m] += attention[static_cast<size_t>(i) * T + parents[m]];
    ++count;
  }
  if (count == 0) return {};
  for (double& s : sums) s /= count;
  return sums;
}

double Trainer::model_loss_and_grad(const Batch& batch, Params<float>* grad, AttentionMaps* attention) {
  if (kAllModels && standard_) return standard_->loss_and_grad(params_, batch, grad, Path::fast, attention);
  return catformer_->loss_and_grad(params_, batch, grad, Path::fast, attention);
}

AttentionMaps Trainer::make_attention_maps() const {
  return kAllModels && standard_ ? standard_->make_attention_maps() : catformer_->make_attention_maps();
}

Trainer::Trainer(const TrainConfig& config)
    : config_(validated(config)),
      sampler_(make_graph(config_), config_.S, config_.alpha),
      shape_(model_shape(config_)),
      batches_(std::make_unique<BatchStream>(sampler_, config_.batch, Rng(config_.seed, kTrainStream))) {
  if (kAllModels && shape_.kind == ModelKind::standard) standard_ = std::make_unique<StandardTransformer<float>>(shape_);
  else catformer_ = std::make_unique<CatFormer<float>>(shape_);
  Rng test_rng(config_.seed, kTestStream);
  test_set_ = sampler_.sample_batch(config_.test_size, test_rng);
  baselines_ = baseline_losses(sampler_.graph(), config_.S, config_.alpha, test_set_);
  initialize(config_.seed);
}

void Trainer::initialize(uint32_t seed) {
  config_.seed = seed;
  params_ = Params<float>(shape_);
  grad_ = Params<float>(shape_);
  Rng init_rng(seed, kInitStream);
  if (config_.init == "lemma") params_ = lemma_initialization<float>(shape_, config_.beta, config_.w);
  else if (kAllModels && shape_.kind == ModelKind::standard) params_ = standard_initialization<float>(shape_, init_rng);
  if (kAllModels && shape_.mlp && shape_.kind == ModelKind::catformer) {
    // W1 ~ N(0, 1/n) and W2 ~ N(0, 1/m); b1 = b2 = 0. Unlike the standard model's W2 = 0: there
    // the residual sum lets a zero W2 learn, but a concatenated MLP output is read only through
    // its own rows of W and A, which start at zero too, so W2 = 0 would be a saddle that no
    // gradient leaves. Drawn from a stream of its own, so the A init below is the same with or
    // without MLP.
    Rng mlp_rng(seed, kMlpInitStream);
    for (int l = 0; l < shape_.layers(); ++l) {
      const size_t count = static_cast<size_t>(shape_.mlp_in[l]) * shape_.hidden[l];
      const double in_scale = 1.0 / std::sqrt(static_cast<double>(shape_.mlp_in[l]));
      const double hidden_scale = 1.0 / std::sqrt(static_cast<double>(shape_.hidden[l]));
      for (size_t k = 0; k < count; ++k) params_.W1(l)[k] = static_cast<float>(in_scale * mlp_rng.normal());
      for (size_t k = 0; k < count; ++k) params_.W2(l)[k] = static_cast<float>(hidden_scale * mlp_rng.normal());
    }
  }
  if (config_.init != "lemma" && config_.init_std > 0)
    for (size_t k = 0; k < shape_.W_offset; ++k) params_.data[k] = static_cast<float>(config_.init_std * init_rng.normal());
  OptimizerSettings settings;
  settings.kind = config_.optimizer;
  settings.lr = config_.lr;
  settings.wd = config_.wd;
  settings.schedule = config_.schedule;
  settings.horizon = config_.steps;
  optimizer_ = std::make_unique<Optimizer>(settings, shape_, trainable_mask(shape_, config_.freeze));
  batches_->restart(Rng(seed, kTrainStream));
  batch_attention_ = make_attention_maps();
  step_ = 0;
  last_train_loss_ = 0;
  last_evaluated_step_ = -1;
  diverged_ = false;
  divergence_message_.clear();
  train_history_.clear();
  test_history_.clear();
  ablated_.clear();
  held_.clear();
  interventions_.clear();
}

void Trainer::reset(uint32_t seed) {
  // The test set follows the seed too, so a reset with a seed equals a new Trainer with it.
  if (seed != config_.seed) {
    Rng test_rng(seed, kTestStream);
    test_set_ = sampler_.sample_batch(config_.test_size, test_rng);
    baselines_ = baseline_losses(sampler_.graph(), config_.S, config_.alpha, test_set_);
  }
  initialize(seed);
}

AttentionMaps Trainer::sequence_attention(const std::vector<int32_t>& tokens) {
  const int T = config_.T, S = config_.S;
  if (static_cast<int>(tokens.size()) != T)
    throw std::invalid_argument("tokens must hold T = " + std::to_string(T) + " entries (got " +
                                std::to_string(tokens.size()) + ")");
  for (int32_t token : tokens)
    if (token < 0 || token >= S)
      throw std::invalid_argument("tokens must be in [0, S-1] = [0, " + std::to_string(S - 1) + "] (got " +
                                  std::to_string(token) + ")");
  Batch one;
  one.B = 1;
  one.T = T;
  one.S = S;
  one.tokens = tokens;
  one.targets.assign(S, 1.0 / S);  // any target: only the attention is read
  AttentionMaps attention = make_attention_maps();
  model_loss_and_grad(one, nullptr, &attention);
  return attention;
}

void Trainer::set_learning_rate(double lr) {
  config_.lr = lr;
  optimizer_->set_learning_rate(lr);
}

void Trainer::apply_live(const TrainConfig& next) {
  set_learning_rate(next.lr);
  if (next.freeze != config_.freeze) set_frozen(next.freeze);
}

// ==========================================================================================
// Interventions
// ==========================================================================================

void Trainer::update_trainable() {
  std::vector<uint8_t> trainable = trainable_mask(shape_, config_.freeze);
  for (const auto& [index, held] : held_) trainable[index] = 0;
  optimizer_->set_trainable(std::move(trainable));
}

void Trainer::ablate(int layer, int head, AblationMode mode) {
  if (shape_.kind != ModelKind::catformer)
    throw std::invalid_argument("ablation is for the CatFormer (model=catformer); the standard model's heads share V and the MLP");
  if (shape_.mlp && mode == AblationMode::zero)
    throw std::invalid_argument("ablation=zero is for the CatFormer without MLP sublayers; use ablation=uniform with mlp=on");
  const std::vector<size_t> entries = ablation_entries(shape_, layer - 1, head - 1, mode);  // validates
  restore(layer, head);
  for (size_t index : entries) {
    auto [it, first] = held_.try_emplace(index, 0, params_.data[index]);
    ++it->second.first;
    params_.data[index] = 0.0f;
  }
  ablated_.push_back({layer, head, mode});
  update_trainable();
  interventions_.push_back({step_, "ablate " + std::to_string(layer) + ":" + std::to_string(head) + " " +
                                       ablation_mode_name(mode)});
}

void Trainer::restore(int layer, int head) {
  const auto it = std::find_if(ablated_.begin(), ablated_.end(),
                               [&](const Ablated& a) { return a.layer == layer && a.head == head; });
  if (it == ablated_.end()) return;
  for (size_t index : ablation_entries(shape_, layer - 1, head - 1, it->mode)) {
    auto held = held_.find(index);
    if (held == held_.end()) continue;
    if (--held->second.first == 0) {
      params_.data[index] = held->second.second;
      held_.erase(held);
    }
  }
  ablated_.erase(it);
  update_trainable();
  interventions_.push_back({step_, "restore " + std::to_string(layer) + ":" + std::to_string(head)});
}

void Trainer::knock_out(const std::string& what) {
  if (shape_.kind != ModelKind::catformer)
    throw std::invalid_argument("knockout is for the CatFormer (model=catformer): the standard model has no position block");
  for (size_t index : knockout_entries(shape_, graph(), what)) {
    params_.data[index] = 0.0f;
    // An entry an ablation holds would get its old value back on restore: zero that too.
    auto held = held_.find(index);
    if (held != held_.end()) held->second.second = 0.0f;
  }
  interventions_.push_back({step_, "knockout " + what});
}

void Trainer::apply(const ScheduledIntervention& intervention) {
  if (intervention.kind == "ablate") ablate(intervention.layer, intervention.head, intervention.mode);
  else if (intervention.kind == "restore") restore(intervention.layer, intervention.head);
  else if (intervention.kind == "freeze") set_frozen(intervention.blocks);
  else if (intervention.kind == "knockout") knock_out(intervention.what);
  else throw std::invalid_argument("at: unknown action " + text::quoted(intervention.kind));
}

void Trainer::set_frozen(const std::vector<std::string>& blocks) {
  TrainConfig next = config_;
  next.freeze = blocks;
  const std::string error = validation_error(next);
  if (!error.empty()) throw std::invalid_argument(error);
  config_.freeze = blocks;
  update_trainable();
  std::string names;
  for (const auto& block : blocks) names += (names.empty() ? "" : ",") + block;
  interventions_.push_back({step_, "freeze " + (names.empty() ? std::string("none") : names)});
}

int64_t Trainer::run(int64_t n) {
  int64_t done = 0;
  while (done < n && !diverged_) {
    const Batch batch = batches_->next();
    grad_.zero();
    const double loss = model_loss_and_grad(batch, &grad_, nullptr);
    if (!std::isfinite(loss) || !all_finite(grad_.data)) {
      diverged_ = true;
      divergence_message_ = "diverged at step " + std::to_string(step_) + ": the " +
                            (std::isfinite(loss) ? "gradient" : "loss") + " became " +
                            (std::isfinite(loss) || std::isnan(loss) ? "NaN" : "infinite") + ". The learning rate " +
                            text::number(config_.lr) + " is too large for " + config_.optimizer +
                            "; try a value 10 times smaller. Parameters are kept from the last good step.";
      break;
    }
    // A finite but exploding loss is divergence too: W starts at 0, so training starts at
    // log S and a healthy run never goes far above it.
    const double uniform_loss = std::log(static_cast<double>(config_.S));
    if (loss > kExplodedLossFactor * uniform_loss) {
      diverged_ = true;
      divergence_message_ = "diverged at step " + std::to_string(step_) + ": the training loss reached " +
                            text::number(loss) + " nats, more than " + text::number(kExplodedLossFactor) +
                            " times the " + text::number(uniform_loss) + " of a uniform guess. The learning rate " +
                            text::number(config_.lr) + " is too large for " + config_.optimizer +
                            "; try a value 10 times smaller.";
      break;
    }
    const Params<float> before = params_;
    optimizer_->update(params_, grad_, step_);
    if (!all_finite(params_.data)) {
      params_ = before;
      diverged_ = true;
      divergence_message_ = "diverged at step " + std::to_string(step_) +
                            ": the update overflowed the parameters. Lower the learning rate.";
      break;
    }
    last_train_loss_ = loss;
    train_history_.add(step_, loss);
    ++step_;
    ++done;
  }
  return done;
}

void Trainer::predict(const int32_t* tokens, double* probs) {
  std::vector<float> out(config_.S);
  if (kAllModels && standard_) standard_->predict(params_, tokens, out.data(), Path::fast);
  else catformer_->predict(params_, tokens, out.data(), Path::fast);
  std::copy(out.begin(), out.end(), probs);
}

Metrics Trainer::evaluate() {
  Metrics metrics;
  metrics.step = step_;
  metrics.train_loss = last_train_loss_;
  metrics.baselines = baselines_;
  metrics.learning_rate = optimizer_->learning_rate(step_);
  batch_attention_ = make_attention_maps();
  const double test_loss = model_loss_and_grad(test_set_, nullptr, &batch_attention_);
  for (auto& layer : batch_attention_)
    for (auto& head : layer)
      for (double& value : head) value /= test_set_.B;
  metrics.diverged = diverged_;
  metrics.status = diverged_ ? divergence_message_ : "ok";
  // A diverged run keeps its last good parameters, so its test loss is still finite; guard anyway.
  metrics.test_loss = std::isfinite(test_loss) ? test_loss : 0.0;
  if (!std::isfinite(test_loss) && !diverged_) {
    metrics.diverged = true;
    metrics.status = "the test loss is not finite; lower the learning rate";
  }
  const bool parameter_view = shape_.kind == ModelKind::catformer;
  metrics.parent_recovery_view = parameter_view ? "parameter" : "data";
  for (int h = 0; h < shape_.heads[0]; ++h) {
    metrics.parent_recovery_batch.push_back(parent_recovery(graph(), batch_attention_[0][h]));
    metrics.parent_recovery.push_back(parameter_view ? parent_recovery(graph(), position_attention(params_, h))
                                                     : metrics.parent_recovery_batch.back());
  }
  if (step_ != last_evaluated_step_) test_history_.add(step_, metrics.test_loss);
  last_evaluated_step_ = step_;
  return metrics;
}

}  // namespace cpg
