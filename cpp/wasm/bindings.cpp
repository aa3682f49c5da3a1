// The engine as JavaScript sees it: one exported function, cpg_call, takes a request
// [target, method, ...arguments] in the byte format of js_value.hpp and answers with one value in
// the same format; web/engine/wire.ts and load.ts turn that back into the Engine class of
// engine.d.ts. This is the only file that includes Emscripten headers; the engine itself does not
// know it runs in a browser. (Embind did this before; its class and value machinery was a fifth
// of the page's first download.) The calls only the full modules have, the lemma view and
// Figure 9, are plain C++ in js_full_module.cpp, as the config objects are in js_config.cpp.
//
// S vocab, T tokens, L layers, H_l heads in layer l, d_l width of the stream entering layer l.
//
// Errors: one convention for every call that can fail. Errors cross the boundary as values,
// never as C++ exceptions (those reach JS as a bare number), and nothing here throws into JS:
// a fallible call returns its result (undefined when it has none) or {error: message}, the
// message naming the field and its allowed range. A wrong layer, head or sample size adds
// name: "RangeError". web/engine/load.ts's unwrap() turns {error} into a thrown Error (a
// RangeError when so named) in one place. Nothing is changed when a call fails.
//
// Bulk results are typed arrays that JS owns: a view onto the WASM heap is sliced right away,
// so the copy stays valid when the heap grows or the trainer is replaced.
#include <emscripten/emscripten.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

#include "config.hpp"
#include "js_arrays.hpp"
#include "js_config.hpp"
#include "js_value.hpp"
#include "probe.hpp"
#include "text.hpp"
#ifndef CPG_ENGINE_CORE
#include "js_full_module.hpp"  // the lemma view and Figure 9: full modules only
#endif
#include "trainer.hpp"

namespace {

using val = cpg::wasm::JsValue;
using cpg::wasm::array_of_arrays;
using cpg::wasm::config_object;
using cpg::wasm::copy_to_typed_array;
using cpg::wasm::describe;
using cpg::wasm::range_of;
using cpg::wasm::read_config;
using cpg::wasm::show_number;

// ==========================================================================================
// Engine values -> JS values
// ==========================================================================================

// Losses of history points with step >= since, as {steps, loss} (Float64Array each).
val history_since(const std::vector<cpg::LossPoint>& history, double since) {
  const auto first = std::lower_bound(history.begin(), history.end(), since,
                                      [](const cpg::LossPoint& point, double s) { return static_cast<double>(point.step) < s; });
  std::vector<double> steps, losses;
  for (auto it = first; it != history.end(); ++it) {
    steps.push_back(static_cast<double>(it->step));
    losses.push_back(it->loss);
  }
  val out = val::object();
  out.set("steps", copy_to_typed_array(steps.data(), steps.size()));
  out.set("loss", copy_to_typed_array(losses.data(), losses.size()));
  return out;
}

std::string seed_error(double seed) {
  if (std::floor(seed) == seed && seed >= 0 && seed <= 4294967295.0) return "";
  return "seed must be an integer in " + range_of("seed") + " (got " + show_number(seed) + ")";
}

// The failure value of every fallible call: {error: message}, with name: "RangeError" for an
// index or count out of range.
val error_value(const std::string& message, bool range = false) {
  val out = val::object();
  out.set("error", message);
  if (range) out.set("name", std::string("RangeError"));
  return out;
}

// Runs `what`, turning the std::invalid_argument of bad input into {error}.
template <typename What>
val fallible(What what) {
  try {
    return what();
  } catch (const std::invalid_argument& e) {
    return error_value(e.what());
  } catch (const std::exception& e) {
    return error_value(std::string("internal error: ") + e.what());
  }
}

// The names of the live fields, for messages: "lr".
std::string live_fields() {
  std::string names;
  for (const auto& field : cpg::config_fields())
    if (field.live) names += (names.empty() ? "" : ", ") + field.name;
  return names;
}

// ==========================================================================================
// The class JS sees
// ==========================================================================================

class Engine {
 public:
  // Starts with the default config (the paper's chain), so every method works before configure().
  Engine() : trainer_(std::make_unique<cpg::Trainer>(cpg::TrainConfig{})) {}

  // A new run from a plain config object. Returns undefined, or {error} naming the field and
  // its allowed range; the previous run is then kept as it was.
  val configure(const val& object) {
    try {
      const cpg::TrainConfig config = read_config(object);
      const std::string error = cpg::validation_error(config);
      if (!error.empty()) return error_value(error);
      trainer_ = std::make_unique<cpg::Trainer>(config);
      return val();
    } catch (const std::invalid_argument& e) {
      return error_value(e.what());
    } catch (const std::bad_alloc&) {
      return error_value("out of memory: the model, batch or test set is too large for this tab; lower batch, test_size, S or T");
    } catch (const std::exception& e) {
      return error_value(std::string("internal error: ") + e.what());
    }
  }

  // Runs up to n training steps; stops early when the run diverges. Returns the steps done.
  int step(int n) { return n > 0 ? static_cast<int>(trainer_->run(n)) : 0; }

  // Test loss, baselines, parent recovery (the field names of the CLI's JSON lines). Evaluates
  // the test set, and refreshes what attentionBatchView() returns.
  val metrics() {
    const cpg::Metrics m = trainer_->evaluate();
    val out = val::object();
    out.set("step", static_cast<double>(m.step));
    out.set("train_loss", m.train_loss);
    out.set("test_loss", m.test_loss);
    out.set("bayes_loss", m.baselines.bayes);
    out.set("one_parent_loss", m.baselines.one_parent);
    out.set("unigram_loss", m.baselines.unigram);
    out.set("uniform_loss", m.baselines.uniform);
    out.set("parent_recovery", array_of_arrays(m.parent_recovery));
    out.set("parent_recovery_view", m.parent_recovery_view);
    out.set("parent_recovery_batch", array_of_arrays(m.parent_recovery_batch));
    out.set("parent_recovery_batch_view", std::string("data"));
    out.set("lr", m.learning_rate);
    out.set("diverged", m.diverged);
    out.set("status", m.status);
    return out;
  }

  // Starts over with a new data seed (same graph and settings). Returns undefined or {error}.
  val reset(double seed) {
    const std::string error = seed_error(seed);
    if (!error.empty()) return error_value(error);
    trainer_->reset(static_cast<uint32_t>(seed));
    return val();
  }

  // Changes live settings of the running run (the rows of config_fields() marked live: lr) from
  // the next step on, e.g. {lr: 0.01}. Returns undefined or {error} naming the field: a field
  // that is not live needs configure() (a new run), and the run is then left as it was.
  val update(const val& object) {
    try {
      std::vector<std::string> changed;
      const cpg::TrainConfig next = read_config(object, trainer_->config(), &changed);
      for (const std::string& name : changed)
        if (!cpg::find_field(name)->live)
          return error_value(name + " cannot change during a run (live: " + live_fields() + "); configure a new run");
      const std::string error = cpg::validation_error(next);
      if (!error.empty()) return error_value(error);
      trainer_->apply_live(next);
      return val();
    } catch (const std::invalid_argument& e) {
      return error_value(e.what());
    } catch (const std::exception& e) {
      return error_value(std::string("internal error: ") + e.what());
    }
  }

  // An intervention now (interventions.hpp grammar: "ablate=1:1", "ablate=1:1:uniform",
  // "restore=1:1", "freeze=A1+W", "freeze=none", "knockout=parents"). Returns undefined or
  // {error} naming what is wrong; call metrics() afterwards to see its effect.
  val intervene(const std::string& action) {
    try {
      trainer_->apply(cpg::parse_intervention(action, trainer_->step()));
      return val();
    } catch (const std::invalid_argument& e) {
      return error_value(e.what());
    }
  }

  // Every intervention so far: [{step, action}].
  val interventions() const {
    val out = val::array();
    for (const auto& event : trainer_->interventions()) {
      val item = val::object();
      item.set("step", static_cast<double>(event.step));
      item.set("action", event.action);
      out.push(item);
    }
    return out;
  }

  // The out-of-distribution probe (probe.hpp) of the current model: law "cycle" | "sticky" |
  // "random" (with lawAlpha), or rows: an (S, S) array of arrays. Returns {sequences, error:
  // {model, counts, uniform}, example: {tokens, truth, model, counts}, law} or {error}.
  val probe(const val& law_input, double law_alpha, int sequences, double seed) {
    try {
      if (!(seed >= 0 && seed <= 4294967295.0 && std::floor(seed) == seed))
        return error_value("seed must be an integer in [0, 4294967295] (got " + show_number(seed) + ")");
      const int S = trainer_->config().S;
      cpg::ProbeLaw law;
      if (law_input.is_string()) {
        law = cpg::make_probe_law(law_input.text(), S, law_alpha, static_cast<uint32_t>(seed));
      } else if (law_input.is_array()) {
        std::vector<std::vector<double>> rows;
        const int count = std::min(static_cast<int>(law_input.size()), 65);
        for (int r = 0; r < count; ++r) {
          const val& row = law_input[static_cast<size_t>(r)];
          if (!row.is_array()) return error_value("pi row " + std::to_string(r) + " must be an array of numbers");
          std::vector<double> values;
          const int n = std::min(static_cast<int>(row.size()), 65);
          for (int c = 0; c < n; ++c) {
            const val& entry = row[static_cast<size_t>(c)];
            if (!entry.is_number()) return error_value("pi[" + std::to_string(r) + "][" + std::to_string(c) + "] must be a number");
            values.push_back(entry.number());
          }
          rows.push_back(values);
        }
        law = cpg::probe_law_from_rows(rows, S);
      } else {
        return error_value("law must be cycle|sticky|random or an (S, S) array of rows");
      }
      cpg::Trainer& trainer = *trainer_;
      const cpg::ProbeResult result =
          cpg::run_probe(trainer.graph(), trainer.config().alpha, law, sequences, static_cast<uint32_t>(seed),
                         [&trainer](const int32_t* tokens, double* probs) { trainer.predict(tokens, probs); });
      val out = val::object();
      out.set("sequences", result.sequences);
      val error = val::object();
      error.set("model", result.model_error);
      error.set("counts", result.count_error);
      error.set("uniform", result.uniform_error);
      out.set("error", error);
      val example = val::object();
      example.set("tokens", copy_to_typed_array(result.example.tokens.data(), result.example.tokens.size()));
      example.set("truth", copy_to_typed_array(result.example.truth.data(), result.example.truth.size()));
      example.set("model", copy_to_typed_array(result.example.model.data(), result.example.model.size()));
      example.set("counts", copy_to_typed_array(result.example.counts.data(), result.example.counts.size()));
      out.set("example", example);
      out.set("law", copy_to_typed_array(law.pi.data(), law.pi.size()));
      return out;
    } catch (const std::invalid_argument& e) {
      return error_value(e.what());
    }
  }

  double currentStep() const { return static_cast<double>(trainer_->step()); }
  bool diverged() const { return trainer_->diverged(); }
  val config() const { return config_object(trainer_->config()); }

  // {S, T, heads, widths, model, mlp, attention_view}: what the snapshot arrays' shapes follow
  // from. attention_view names what attentionParameterView returns: "parameter" (the CatFormer's
  // position block) or "data" (the standard model has none: its test-set attention instead).
  val shape() const {
    const cpg::ModelShape& shape = trainer_->shape();
    val out = val::object();
    const bool standard = shape.kind == cpg::ModelKind::standard;
    out.set("model", std::string(standard ? "standard" : "catformer"));
    out.set("mlp", shape.mlp);
    out.set("attention_view", std::string(standard ? "data" : "parameter"));
    out.set("S", shape.S);
    out.set("T", shape.T);
    out.set("heads", val(shape.heads));
    out.set("widths", val(shape.width));
    return out;
  }

  // {name, T, multi_parent, parents, spec}, as the CLI's JSON has it.
  val graph() const {
    const cpg::Graph& graph = trainer_->graph();
    val out = val::object();
    out.set("name", graph.name);
    out.set("T", graph.T);
    out.set("multi_parent", graph.multi_parent);
    out.set("parents", array_of_arrays(graph.parents));
    out.set("spec", graph.to_spec());
    return out;
  }

  // n sequences for display, {tokens: Int32Array (n, T), targets: Float64Array (n, S)}: the
  // first training sequences of `seed`, the same as `cpg sample --seed seed`.
  val sample(int n, double seed) const {
    if (n < 0 || n > 10000) return error_value("sample: n must be in [0, 10000] (got " + std::to_string(n) + ")", true);
    if (!seed_error(seed).empty()) return error_value("sample: " + seed_error(seed), true);
    cpg::Rng rng(static_cast<uint32_t>(seed), 1);   // the training stream, as in cpp/cli/main.cpp
    const cpg::Batch batch = trainer_->sampler().sample_batch(n, rng);
    val out = val::object();
    out.set("n", n);
    out.set("T", batch.T);
    out.set("S", batch.S);
    out.set("tokens", copy_to_typed_array(batch.tokens.data(), batch.tokens.size()));
    out.set("targets", copy_to_typed_array(batch.targets.data(), batch.targets.size()));
    return out;
  }

  // Parameter view of first-layer head h: the causally soft-maxed position block of A_{0,h},
  // Float64Array (T, T). The standard model has no position block: it returns the data view
  // (shape().attention_view says which).
  val attentionParameterView(int head) const {
    if (const std::string error = head_error(0, head); !error.empty()) return error_value(error, true);
    if (trainer_->shape().kind == cpg::ModelKind::standard) return attentionBatchView(0, head);
    const std::vector<double> attention = cpg::position_attention(trainer_->params(), head);
    return copy_to_typed_array(attention.data(), attention.size());
  }

  // Batch view of layer l, head h: attention averaged over the test set at the last metrics(),
  // Float64Array (T, T). In the last layer (when L >= 2) only the query's row T-1 is filled.
  val attentionBatchView(int layer, int head) const {
    if (const std::string error = head_error(layer, head); !error.empty()) return error_value(error, true);
    const std::vector<double>& attention = trainer_->batch_attention()[layer][head];
    return copy_to_typed_array(attention.data(), attention.size());
  }

  // Attention of the current model on one sequence (an array of T tokens in [0, S)):
  // [layer][head] Float64Array (T, T); in the last layer (L >= 2) only the query's row T-1.
  val sequenceAttention(const val& tokens) {
    if (!tokens.is_array() && !tokens.is_typed())
      return error_value("sequenceAttention: tokens must be an array or Int32Array of T token ids", true);
    // Each id as an int32, as JS's `| 0` would read it; what is not a number is -1, out of range.
    std::vector<int32_t> ids;
    for (size_t i = 0; i < tokens.size(); ++i) {
      const double id = tokens.is_typed() ? tokens.element(i) : tokens[i].is_number() ? tokens[i].number() : -1;
      ids.push_back(std::isfinite(id) && std::fabs(id) < 2147483648.0 ? static_cast<int32_t>(id) : -1);
    }
    cpg::AttentionMaps maps;
    try {
      maps = trainer_->sequence_attention(ids);
    } catch (const std::invalid_argument& e) {
      return error_value(std::string("sequenceAttention: ") + e.what(), true);
    }
    val layers = val::array();
    for (const auto& layer : maps) {
      val heads = val::array();
      for (const auto& head : layer) heads.push(copy_to_typed_array(head.data(), head.size()));
      layers.push(heads);
    }
    return layers;
  }

  // A_{l,h}, Float32Array (d_l, d_l) row-major.
  val parametersA(int layer, int head) const {
    if (const std::string error = head_error(layer, head); !error.empty()) return error_value(error, true);
    const int d = trainer_->shape().d(layer);
    return copy_to_typed_array(trainer_->params().A(layer, head), static_cast<size_t>(d) * d);
  }

  // W, Float32Array (d_L, S) row-major.
  val parametersW() const { return copy_to_typed_array(trainer_->params().W(), trainer_->shape().W_size()); }

  // Training-batch losses of the steps >= since: {steps, loss}, Float64Array each.
  val trainLossHistory(double since) const { return history_since(trainer_->train_history().points(), since); }
  // Test losses recorded by metrics() at steps >= since: {steps, loss}.
  val testLossHistory(double since) const { return history_since(trainer_->test_history().points(), since); }

 private:
  // "" or a message naming the layer or head and its range.
  std::string head_error(int layer, int head) const {
    const cpg::ModelShape& shape = trainer_->shape();
    if (layer < 0 || layer >= shape.layers())
      return "layer must be in [0, " + std::to_string(shape.layers() - 1) + "] (got " + std::to_string(layer) + ")";
    if (head < 0 || head >= shape.heads[layer])
      return "head must be in [0, " + std::to_string(shape.heads[layer] - 1) + "] for layer " + std::to_string(layer) +
             " (got " + std::to_string(head) + ")";
    return "";
  }

  std::unique_ptr<cpg::Trainer> trainer_;
};

// The table of fields, ranges and meanings, for the page's forms and messages.
val fieldRanges() {
  val out = val::array();
  for (const auto& row : cpg::field_ranges()) {
    val item = val::object();
    item.set("field", row.field);
    item.set("range", row.range);
    item.set("meaning", row.meaning);
    out.push(item);
  }
  return out;
}

// Defaults of every field (cpg::TrainConfig's initializers).
val defaultConfig() { return config_object(cpg::TrainConfig{}); }

// ==========================================================================================
// The one entry point: requests [target, method, ...arguments]
// ==========================================================================================

// A JS number as a C++ int parameter reads it (ToInt32: truncated, wrapped, NaN is 0), and a
// JS value as a bool parameter (its truthiness), as the calls read them through Embind before.
int int_argument(const val& value) {
  const double number = value.is_number() ? value.number() : 0.0;
  if (!std::isfinite(number)) return 0;
  const double wrapped = std::fmod(std::trunc(number), 4294967296.0);
  const double unsigned_value = wrapped < 0 ? wrapped + 4294967296.0 : wrapped;
  return static_cast<int>(static_cast<int64_t>(unsigned_value) - (unsigned_value >= 2147483648.0 ? 4294967296LL : 0));
}
double number_argument(const val& value) { return value.is_number() ? value.number() : NAN; }
[[maybe_unused]] bool bool_argument(const val& value) {
  if (value.is_number()) return value.number() != 0 && !std::isnan(value.number());
  if (value.is_string()) return !value.text().empty();
  return !(value.is_undefined() || value.is_null() || value.is_false());
}

// The objects JS holds, by handle (index + 1; 0 is the module): an Engine, or a Figure 9 run.
struct Held {
  std::unique_ptr<Engine> engine;
#ifndef CPG_ENGINE_CORE
  std::unique_ptr<cpg::wasm::Fig9GraphRun> run;
#endif
};
std::vector<Held> held;

val engine_call(Engine& e, const std::string& method, const val& request) {
  const val& a = request[2];
  const val& b = request[3];
  if (method == "configure") return e.configure(a);
  if (method == "step") return e.step(int_argument(a));
  if (method == "metrics") return e.metrics();
  if (method == "reset") return e.reset(number_argument(a));
  if (method == "update") return e.update(a);
  if (method == "intervene") {
    if (!a.is_string()) return error_value("intervene: action must be a string such as \"ablate=1:1\" (got " + describe(a) + ")");
    return e.intervene(a.text());
  }
  if (method == "interventions") return e.interventions();
  if (method == "probe") return e.probe(a, number_argument(b), int_argument(request[4]), number_argument(request[5]));
  if (method == "currentStep") return e.currentStep();
  if (method == "diverged") return e.diverged();
  if (method == "config") return e.config();
  if (method == "shape") return e.shape();
  if (method == "graph") return e.graph();
  if (method == "sample") return e.sample(int_argument(a), number_argument(b));
  if (method == "attentionParameterView") return e.attentionParameterView(int_argument(a));
  if (method == "attentionBatchView") return e.attentionBatchView(int_argument(a), int_argument(b));
  if (method == "sequenceAttention") return e.sequenceAttention(a);
  if (method == "parametersA") return e.parametersA(int_argument(a), int_argument(b));
  if (method == "parametersW") return e.parametersW();
  if (method == "trainLossHistory") return e.trainLossHistory(number_argument(a));
  if (method == "testLossHistory") return e.testLossHistory(number_argument(a));
  return error_value("Engine has no method " + cpg::text::quoted(method));
}

#ifndef CPG_ENGINE_CORE
val run_call(cpg::wasm::Fig9GraphRun& run, const std::string& method, const val& request) {
  if (method == "start") return fallible([&] {
    run.start(request[2], int_argument(request[3]));
    return val();
  });
  if (method == "advance") return run.advance(number_argument(request[2]));
  if (method == "step") return run.step();
  if (method == "plannedSteps") return run.plannedSteps();
  if (method == "done") return run.done();
  if (method == "result") return fallible([&] { return run.result(); });
  return error_value("Fig9GraphRun has no method " + cpg::text::quoted(method));
}
#endif

// Calls of the module itself (target 0): new objects, and functions.
val module_call(const std::string& method, [[maybe_unused]] const val& request) {
  if (method == "Engine" || method == "Fig9GraphRun") {
    Held object;
    if (method == "Engine") object.engine = std::make_unique<Engine>();
#ifndef CPG_ENGINE_CORE
    else object.run = std::make_unique<cpg::wasm::Fig9GraphRun>();
#else
    else return error_value("Fig9GraphRun is in the full engine module");
#endif
    held.push_back(std::move(object));
    return static_cast<double>(held.size());
  }
  if (method == "fieldRanges") return fieldRanges();
  if (method == "defaultConfig") return defaultConfig();
#ifndef CPG_ENGINE_CORE
  if (method == "lemmaView") return fallible([&] { return cpg::wasm::lemmaView(request[2], request[3]); });
  if (method == "fig9Setup") return fallible([&] { return cpg::wasm::fig9Setup(request[2]); });
  if (method == "summarizeFig9")
    return fallible([&] {
      return cpg::wasm::summarizeFig9(request[2], request[3], bool_argument(request[4]), number_argument(request[5]));
    });
#endif
  return error_value("the engine module has no function " + cpg::text::quoted(method));
}

val dispatch(const val& request) {
  const val& target = request[0];
  const val& method = request[1];
  if (!request.is_array() || !target.is_number() || !method.is_string())
    return error_value("a request is [target, method, ...arguments]");
  if (target.number() == 0) return module_call(method.text(), request);
  const double index = target.number() - 1;
  if (!(index >= 0 && index < static_cast<double>(held.size())) || std::floor(index) != index)
    return error_value("no engine object " + show_number(target.number()), true);
  Held& object = held[static_cast<size_t>(index)];
  if (method.text() == "delete") {
    object = Held{};
    while (!held.empty() && !held.back().engine
#ifndef CPG_ENGINE_CORE
           && !held.back().run
#endif
    )
      held.pop_back();
    return val();
  }
  if (object.engine) return engine_call(*object.engine, method.text(), request);
#ifndef CPG_ENGINE_CORE
  if (object.run) return run_call(*object.run, method.text(), request);
#endif
  return error_value("engine object " + show_number(target.number()) + " was deleted", true);
}

std::vector<uint8_t> request_bytes;
std::vector<uint8_t> answer_bytes;

}  // namespace

// A buffer of `length` bytes for the next request; valid until the next call of either function.
extern "C" EMSCRIPTEN_KEEPALIVE uint8_t* cpg_request(uint32_t length) {
  request_bytes.resize(length);
  return request_bytes.data();
}

// Answers the request in cpg_request's buffer: a pointer to the answer's byte length (u32)
// followed by its bytes, valid until the next call. Nothing throws out of here: a failure is
// {error: message}, as from every fallible call.
extern "C" EMSCRIPTEN_KEEPALIVE const uint8_t* cpg_call(uint32_t length) {
  val answer;
  try {
    const uint8_t* cursor = request_bytes.data();
    const val request = val::decode(&cursor, cursor + std::min<size_t>(length, request_bytes.size()));
    answer = dispatch(request);
  } catch (const std::bad_alloc&) {
    answer = error_value("out of memory: the model, batch or test set is too large for this tab; lower batch, test_size, S or T");
  } catch (const std::exception& e) {
    answer = error_value(std::string("internal error: ") + e.what());
  }
  answer_bytes.assign(4, 0);
  answer.encode(answer_bytes);
  const auto size = static_cast<uint32_t>(answer_bytes.size() - 4);
  std::memcpy(answer_bytes.data(), &size, 4);
  return answer_bytes.data();
}
