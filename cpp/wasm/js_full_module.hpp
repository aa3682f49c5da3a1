// What only the full modules have (cmake/wasm.cmake; the core modules are linked without
// js_full_module.cpp): the key lemma's view and Figure 9 one graph at a time, as the page's
// science parts and experiment workers call them through cpp/wasm/bindings.cpp.
//
// Plain C++ over JsValue: bad input throws std::invalid_argument naming the field and its
// allowed range, and bindings.cpp turns every exception into the {error} value JS sees.
#pragma once

#include <memory>

#include "js_value.hpp"
#include "reproduce.hpp"

namespace cpg::wasm {

// The key lemma at its initialization (cpg::lemma_view): -dL/dA_1 over the position block next
// to the chi-square mutual information, for a single-parent task. `config` is a config object
// as for Engine.configure; `settings` is {beta, w, batch, mi_samples} (missing keys default).
JsValue lemmaView(const JsValue& config_object, const JsValue& settings_object);

// ------------------------------------------------------------------------------------------
// Figure 9, one graph at a time (cpp/engine/reproduce.hpp)
// ------------------------------------------------------------------------------------------
//
// The page's worker loops over the graphs itself, so that it can report progress and honour a
// cancel between chunks of steps; the recipe, the measurement, the summary and the field names
// are the engine's and cpp/json's, the same as `cpg reproduce fig9`'s. A setup is
// {settings, recipe} as in that command's JSON.

// The setup with every field filled in (defaults: the fast recipe, as `cpg reproduce fig9`).
JsValue fig9Setup(const JsValue& setup);

// The summary of graphs measured one at a time: the whole figure, as `cpg reproduce fig9`
// prints it.
JsValue summarizeFig9(const JsValue& setup, const JsValue& graphs, bool cancelled, double seconds);

// One graph of a sweep, trained a few steps at a time: start(setup, index), advance(n) until
// done(), then result().
class Fig9GraphRun {
 public:
  // Starts graph `index` (from 0) of the sweep; a failed start keeps the previous run.
  void start(const JsValue& setup, int index);
  // Trains up to n more steps; returns the steps done (0 before start or once done).
  double advance(double n);
  double step() const;
  double plannedSteps() const;
  bool done() const;
  // The graph as measured now (with its test loss), as one entry of the CLI's per_graph. Throws
  // before start().
  JsValue result();

 private:
  std::unique_ptr<cpg::Fig9GraphRun> run_;
};

}  // namespace cpg::wasm
