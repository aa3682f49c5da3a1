// Time of one training step at the paper's setting (chain, S=10, T=20, heads 1,1, batch 1024):
// the fast path against the dense reference, plus the sampler and a whole trainer step.
//   npm run bench:native            (or build/native/bench_step)
#include <benchmark/benchmark.h>

#include "catformer.hpp"
#include "optimizer.hpp"
#include "trainer.hpp"

using namespace cpg;

namespace {

constexpr int kBatch = 1024;

struct Setting {
  const char* graph;
  std::vector<int> heads;
  int S, T;
};
const Setting kSettings[] = {{"chain", {1, 1}, 10, 20}, {"trigram", {2, 1}, 5, 20}};

TrainConfig config_for(const Setting& s) {
  TrainConfig config;
  config.graph = s.graph;
  config.heads = s.heads;
  config.S = s.S;
  config.T = s.T;
  config.batch = kBatch;
  config.init_std = 0.1;
  return config;
}

void report(benchmark::State& state) {
  // seconds per step, printed with its unit (ms)
  state.counters["time_per_step"] = benchmark::Counter(1.0, benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
  state.counters["sequences_per_s"] = benchmark::Counter(kBatch, benchmark::Counter::kIsIterationInvariantRate);
}

// Gradient and update on a fixed batch: the model's share of a step.
void BM_ModelStep(benchmark::State& state, Path path) {
  const Setting& setting = kSettings[state.range(0)];
  const TrainConfig config = config_for(setting);
  const Sampler sampler(make_graph(config), config.S, config.alpha);
  Rng rng(1, 1);
  const Batch batch = sampler.sample_batch(kBatch, rng);
  const ModelShape shape = ModelShape::make(config.S, config.T, config.heads);
  CatFormer<float> model(shape);
  Params<float> params(shape), grad(shape);
  Rng init(2, 3);
  for (auto& v : params.data) v = static_cast<float>(0.1 * init.normal());
  OptimizerSettings settings;
  Optimizer optimizer(settings, shape, trainable_mask(shape, {}));
  int64_t step = 0;
  for (auto _ : state) {
    grad.zero();
    benchmark::DoNotOptimize(model.loss_and_grad(params, batch, &grad, path));
    optimizer.update(params, grad, step++);
  }
  state.SetLabel(std::string(setting.graph) + (path == Path::fast ? " fast" : " dense"));
  report(state);
}

void BM_Sampler(benchmark::State& state) {
  const TrainConfig config = config_for(kSettings[state.range(0)]);
  const Sampler sampler(make_graph(config), config.S, config.alpha);
  Rng rng(1, 1);
  for (auto _ : state) benchmark::DoNotOptimize(sampler.sample_batch(kBatch, rng));
  state.SetLabel(kSettings[state.range(0)].graph);
  report(state);
}

// What the page pays per step: sampling plus the fast model step.
void BM_TrainerStep(benchmark::State& state) {
  TrainConfig config = config_for(kSettings[state.range(0)]);
  config.test_size = 16;
  Trainer trainer(config);
  for (auto _ : state) trainer.run(1);
  state.SetLabel(kSettings[state.range(0)].graph);
  report(state);
}

// A whole trainer step of the chain setting for each model: the CatFormer, the CatFormer with
// MLP sublayers (hidden width = input width), and the standard transformer (Figure 8).
void BM_ModelKindStep(benchmark::State& state, const char* model, const char* mlp) {
  TrainConfig config = config_for(kSettings[0]);
  config.model = model;
  config.mlp = mlp;
  config.test_size = 16;
  config.lr = 0.01;  // Adam at 0.05 diverges within 10 steps with the full-width MLPs
  Trainer trainer(config);
  for (auto _ : state)
    if (trainer.run(1) != 1) state.SkipWithError(trainer.divergence_message().c_str());
  state.SetLabel(std::string("chain ") + model + (std::string(mlp) == "on" ? " + mlp" : ""));
  report(state);
}

// The same step with the next batch drawn on a second thread meanwhile (Trainer::
// sample_in_background): wall time, since the sampler's CPU time is another thread's.
void BM_TrainerStepSampledAhead(benchmark::State& state) {
  TrainConfig config = config_for(kSettings[state.range(0)]);
  config.test_size = 16;
  Trainer trainer(config);
  trainer.sample_in_background(true);
  for (auto _ : state) trainer.run(1);
  state.SetLabel(std::string(kSettings[state.range(0)].graph) + ", sampler on a 2nd thread");
  report(state);
}

}  // namespace

BENCHMARK_CAPTURE(BM_ModelKindStep, catformer, "catformer", "off")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ModelKindStep, catformer_mlp, "catformer", "on")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ModelKindStep, standard, "standard", "off")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ModelStep, fast, Path::fast)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ModelStep, dense, Path::dense)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Sampler)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_TrainerStep)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_TrainerStepSampledAhead)->Arg(0)->Arg(1)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK_MAIN();
