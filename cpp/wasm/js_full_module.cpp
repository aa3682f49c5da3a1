// The full modules' own calls (js_full_module.hpp): the key lemma's view and Figure 9 one graph
// at a time. Bad input throws std::invalid_argument; cpp/wasm/bindings.cpp turns it into {error}.
#include "js_full_module.hpp"

#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "js_arrays.hpp"
#include "js_config.hpp"
#include "reproduce_json.hpp"
#include "theory.hpp"

namespace cpg::wasm {

namespace {

using val = JsValue;

// The reproductions' results are built in cpp/json/reproduce_json.cpp, the same as the CLI
// prints them, as cpg::JsonValue; these turn them into JS values and back. As through JSON
// text: non-finite numbers become null, and from_js reads what JSON.stringify would write
// (fields that are undefined or functions are left out, typed arrays become arrays).
val to_js(const cpg::Json& value) {
  using Kind = cpg::Json::Kind;
  switch (value.kind()) {
    case Kind::null: return val(nullptr);
    case Kind::boolean: return val(value.get<bool>());
    case Kind::number: return std::isfinite(value.get<double>()) ? val(value.get<double>()) : val(nullptr);
    case Kind::string: return val(value.get<std::string>());
    case Kind::array: {
      val out = val::array();
      for (const cpg::Json& item : value) out.push(to_js(item));
      return out;
    }
    case Kind::object: {
      val out = val::object();
      for (const auto& [key, item] : value.items()) out.set(key, to_js(item));
      return out;
    }
  }
  return val(nullptr);
}

cpg::Json from_js(const val& value) {
  if (value.is_boolean()) return value.is_true();
  if (value.is_number()) return std::isfinite(value.number()) ? cpg::Json(value.number()) : cpg::Json(nullptr);
  if (value.is_string()) return value.text();
  if (value.is_array() || value.is_typed()) {
    cpg::Json out = cpg::Json::array();
    for (size_t i = 0; i < value.size(); ++i) out.push_back(value.is_typed() ? cpg::Json(value.element(i)) : from_js(value[i]));
    return out;
  }
  if (value.is_object()) {
    cpg::Json out = cpg::Json::object();
    for (const auto& [key, item] : value.fields())
      if (!item.is_undefined() && !item.is_other()) out[key] = from_js(item);
    return out;
  }
  return nullptr;  // undefined, null, and what JSON has no place for
}

}  // namespace

JsValue lemmaView(const JsValue& config_object, const JsValue& settings_object) {
  val out = val::object();
  const cpg::TrainConfig config = read_config(config_object);
  cpg::LemmaSettings settings;
  auto number = [&](const char* key, double fallback) {
    const val value = settings_object[key];
    if (value.is_undefined()) return fallback;
    if (!value.is_number()) throw std::invalid_argument(std::string(key) + " must be a number (got " + describe(value) + ")");
    return value.number();
  };
  if (!settings_object.is_undefined() && !settings_object.is_null()) {
    settings.beta = number("beta", settings.beta);
    settings.w = number("w", settings.w);
    settings.batch = static_cast<int>(number("batch", settings.batch));
    settings.mi_samples = static_cast<int>(number("mi_samples", settings.mi_samples));
  }
  std::string error = cpg::validation_error(config);
  if (error.empty()) error = cpg::lemma_validation_error(config, settings);
  if (!error.empty()) throw std::invalid_argument(error);
  const cpg::LemmaView view = cpg::lemma_view(config, settings);
  std::vector<double> gradient, information;
  std::vector<int32_t> rows, cols;
  for (const auto& point : view.scatter) {
    gradient.push_back(point.gradient);
    information.push_back(point.information);
    rows.push_back(point.i);
    cols.push_back(point.j);
  }
  val scatter = val::object();
  scatter.set("i", copy_to_typed_array(rows.data(), rows.size()));
  scatter.set("j", copy_to_typed_array(cols.data(), cols.size()));
  scatter.set("gradient", copy_to_typed_array(gradient.data(), gradient.size()));
  scatter.set("information", copy_to_typed_array(information.data(), information.size()));
  out.set("S", view.S);
  out.set("T", view.T);
  out.set("loss", view.loss);
  out.set("parents", array_of_arrays(view.graph.parents));
  out.set("gradient", copy_to_typed_array(view.gradient.data(), view.gradient.size()));
  out.set("mutual_information", copy_to_typed_array(view.mutual_information.data(), view.mutual_information.size()));
  out.set("parent", copy_to_typed_array(view.parent.data(), view.parent.size()));
  out.set("gradient_argmax", copy_to_typed_array(view.gradient_argmax.data(), view.gradient_argmax.size()));
  out.set("parent_hits", view.parent_hits);
  out.set("positions_with_parent", view.positions_with_parent);
  out.set("pearson_row_centred", view.pearson_row_centred);
  out.set("scatter", scatter);
  return out;
}

JsValue fig9Setup(const JsValue& setup) {
  return to_js(cpg::fig9_setup_json(cpg::fig9_settings_from_json(from_js(setup))));
}

JsValue summarizeFig9(const JsValue& setup, const JsValue& graphs, bool cancelled, double seconds) {
  const cpg::Fig9Settings settings = cpg::fig9_settings_from_json(from_js(setup));
  const cpg::Json list = from_js(graphs);
  if (!list.is_array()) throw std::invalid_argument("graphs must be an array of graphs (got " + list.dump() + ")");
  std::vector<cpg::Fig9Graph> measured;
  for (const auto& graph : list) measured.push_back(cpg::fig9_graph_from_json(graph));
  return to_js(cpg::fig9_json(cpg::fig9_result(settings, std::move(measured), cancelled), false, seconds));
}

void Fig9GraphRun::start(const JsValue& setup, int index) {
  run_ = std::make_unique<cpg::Fig9GraphRun>(cpg::fig9_settings_from_json(from_js(setup)), index);
}

double Fig9GraphRun::advance(double n) { return run_ ? static_cast<double>(run_->advance(static_cast<int64_t>(n))) : 0; }
double Fig9GraphRun::step() const { return run_ ? static_cast<double>(run_->step()) : 0; }
double Fig9GraphRun::plannedSteps() const { return run_ ? static_cast<double>(run_->planned_steps()) : 0; }
bool Fig9GraphRun::done() const { return !run_ || run_->done(); }

JsValue Fig9GraphRun::result() {
  if (!run_) throw std::invalid_argument("Fig9GraphRun.result: call start(setup, index) first");
  return to_js(cpg::fig9_graph_json(run_->measure(true), false));
}

}  // namespace cpg::wasm
