// A training run: the graph, the sampler, a fixed test set, the model, the optimizer, and the
// metrics and snapshots that the CLI and the page show.
//
// S vocab, T tokens, L layers, H_l heads, k parents of the predicted node.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "batch_stream.hpp"
#include "bayes.hpp"
#include "catformer.hpp"
#include "config.hpp"
#include "graph.hpp"
#include "interventions.hpp"
#include "loss_history.hpp"
#include "optimizer.hpp"
#include "rng.hpp"
#include "sampler.hpp"
#include "standard.hpp"

namespace cpg {

// One intervention, as the loss chart and the exports log it.
struct Intervention {
  int64_t step;
  std::string action;   // "ablate 1:1 zero", "restore 1:1", "freeze A1,W", "knockout parents"
};

struct Metrics {
  int64_t step = 0;
  double train_loss = 0;        // loss of the last training batch (0 before the first step)
  double test_loss = 0;         // on the fixed test set
  BaselineLosses baselines;     // on the same test set
  double learning_rate = 0;     // used by the next step
  // Per first-layer head: one number (single-parent tasks) or one per parent slot of the
  // predicted node's in-degree (multi-parent tasks). From the view named by
  // parent_recovery_view: "parameter" (the CatFormer's position block) or "data" (the standard
  // model has no position block, so this is the test-set attention, as the paper's Figure 8)...
  std::vector<std::vector<double>> parent_recovery;
  std::string parent_recovery_view = "parameter";
  // ...and always from the attention averaged over the test set (the data view).
  std::vector<std::vector<double>> parent_recovery_batch;
  bool diverged = false;
  std::string status;           // "ok", or what went wrong and what to do
};

// Position block of A_{0,h} (rows and columns S..S+T-1), causally masked and soft-maxed per
// row: the parameter view of a first-layer head, (T, T).
std::vector<double> position_attention(const Params<float>& params, int head);

// Parent recovery of one (T, T) attention map (see Metrics::parent_recovery).
std::vector<double> parent_recovery(const Graph& graph, const std::vector<double>& attention);

class Trainer {
 public:
  // Throws std::invalid_argument with validation_error's message for a bad config.
  explicit Trainer(const TrainConfig& config);
  // The batch stream refers to the sampler inside: a Trainer stays where it was made.
  Trainer(const Trainer&) = delete;
  Trainer& operator=(const Trainer&) = delete;

  // Runs up to n steps; stops at the first non-finite loss or gradient. Returns steps done.
  int64_t run(int64_t n);
  // Draws the next training batch on a thread of its own while a step runs (batch_stream.hpp):
  // the same batches, so the same run, in less time when a core is spare. Native builds only;
  // elsewhere it stays off. Off by default.
  void sample_in_background(bool on) { batches_->set_background(on); }
  bool sampling_in_background() const { return batches_->background(); }
  // Test loss, baselines and parent recovery now; refreshes batch_attention().
  Metrics evaluate();
  // Attention of the current model on one sequence (T tokens in [0, S)): [layer][head] (T, T);
  // the last layer holds only the query's row T-1. Throws std::invalid_argument on bad tokens.
  AttentionMaps sequence_attention(const std::vector<int32_t>& tokens);
  // --- Interventions (interventions.hpp): mid-run or while paused; a reset clears them ------
  // Ablates head `head` of layer `layer` (1-based): its entries are held at zero from now on.
  // Throws std::invalid_argument naming the layer or head.
  void ablate(int layer, int head, AblationMode mode);
  // Gives an ablated head back the values it had; a head that is not ablated is left alone.
  void restore(int layer, int head);
  // One-off edit of the first layer's position block ("parents" | "position").
  void knock_out(const std::string& what);
  // Replaces the frozen blocks (as config.freeze); throws std::invalid_argument naming freeze.
  void set_frozen(const std::vector<std::string>& blocks);
  // One parsed intervention (interventions.hpp), whatever its step says: the caller times it.
  void apply(const ScheduledIntervention& intervention);
  const std::vector<Intervention>& interventions() const { return interventions_; }
  // Ablated heads, 1-based: (layer, head, mode).
  struct Ablated {
    int layer, head;
    AblationMode mode;
  };
  const std::vector<Ablated>& ablated() const { return ablated_; }

  // The model's output distribution (S) for one sequence of T tokens in [0, S) (unchecked).
  void predict(const int32_t* tokens, double* probs);
  // Starts over with a new data seed (same graph).
  void reset(uint32_t seed);
  // Applies from the next step on; other settings need a new Trainer.
  void set_learning_rate(double lr);
  // Takes the live fields of `next` (the rows of config_fields() marked live: lr) from the next
  // step on; the others stay as they are. `next` must be valid (validation_error).
  void apply_live(const TrainConfig& next);

  int64_t step() const { return step_; }
  bool diverged() const { return diverged_; }
  const std::string& divergence_message() const { return divergence_message_; }
  const TrainConfig& config() const { return config_; }
  const Graph& graph() const { return sampler_.graph(); }
  const Sampler& sampler() const { return sampler_; }
  const ModelShape& shape() const { return shape_; }
  const Params<float>& params() const { return params_; }
  Params<float>& mutable_params() { return params_; }
  const Batch& test_set() const { return test_set_; }
  const BaselineLosses& test_baselines() const { return baselines_; }
  // Attention averaged over the test set at the last evaluate(): [layer][head] (T, T); the last
  // layer holds only the query's row T-1.
  const AttentionMaps& batch_attention() const { return batch_attention_; }
  // Bounded whatever the run's length (loss_history.hpp): training-batch losses per step, and
  // the test losses of evaluate().
  const LossHistory& train_history() const { return train_history_; }
  const LossHistory& test_history() const { return test_history_; }

 private:
  void initialize(uint32_t seed);
  // The configured model (CatFormer or standard transformer) on a batch, always the fast path.
  double model_loss_and_grad(const Batch& batch, Params<float>* grad, AttentionMaps* attention);
  AttentionMaps make_attention_maps() const;

  TrainConfig config_;
  Sampler sampler_;
  ModelShape shape_;
  std::unique_ptr<CatFormer<float>> catformer_;              // model=catformer
  std::unique_ptr<StandardTransformer<float>> standard_;      // model=standard
  Params<float> params_, grad_;
  std::unique_ptr<Optimizer> optimizer_;
  std::unique_ptr<BatchStream> batches_;   // the training batches, from the seed's training stream
  Batch test_set_;
  BaselineLosses baselines_;
  AttentionMaps batch_attention_;
  int64_t step_ = 0;
  double last_train_loss_ = 0;
  int64_t last_evaluated_step_ = -1;  // the test history holds one point per evaluated step
  bool diverged_ = false;
  std::string divergence_message_;
  LossHistory train_history_, test_history_;
  // Interventions: each held entry's value before it was first held, and how many ablations
  // hold it; the optimizer leaves held entries alone.
  void update_trainable();
  std::vector<Ablated> ablated_;
  std::unordered_map<size_t, std::pair<int, float>> held_;
  std::vector<Intervention> interventions_;
};

}  // namespace cpg
