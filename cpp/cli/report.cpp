#include "report.hpp"

namespace cpg {

using nlohmann::json;

namespace {

// (rows, cols) row-major -> [[..], ..]
template <typename Number>
json matrix_json(const Number* data, int rows, int cols) {
  json out = json::array();
  for (int r = 0; r < rows; ++r)
    out.push_back(std::vector<Number>(data + static_cast<size_t>(r) * cols, data + static_cast<size_t>(r + 1) * cols));
  return out;
}

// Single-parent tasks: one number per head. Multi-parent tasks: one list per head.
json recovery_json(const std::vector<std::vector<double>>& per_head, const Graph& graph) {
  json out = json::array();
  for (const auto& head : per_head) {
    if (graph.multi_parent) out.push_back(head);
    else if (head.empty()) out.push_back(nullptr);
    else out.push_back(head[0]);
  }
  return out;
}

}  // namespace

json config_json(const TrainConfig& c) {
  json out = json::object();
  for (const Field& field : config_fields()) std::visit([&](auto member) { out[field.name] = c.*member; }, field.member);
  return out;
}

nlohmann::ordered_json fields_json() {
  const TrainConfig defaults;
  nlohmann::ordered_json rows = nlohmann::ordered_json::array();
  for (const Field& field : config_fields()) {
    nlohmann::ordered_json row = {{"name", field.name}, {"type", type_name(field.type)}};
    std::visit([&](auto member) { row["default"] = defaults.*member; }, field.member);
    if (field.numeric() || field.type == FieldType::Heads) {
      if (field.type == FieldType::Double) {
        row["min"] = field.min;
        row["max"] = field.max;
      } else {
        row["min"] = static_cast<int64_t>(field.min);
        row["max"] = static_cast<int64_t>(field.max);
      }
      row["min_exclusive"] = field.min_exclusive;
    }
    if (field.type == FieldType::Heads) row["max_layers"] = field.max_layers;
    if (field.type == FieldType::Enum) row["choices"] = field.choices;
    row["range"] = field.range;
    row["doc"] = field.doc;
    row["live"] = field.live;
    rows.push_back(row);
  }
  return rows;
}

json graph_json(const Graph& graph) {
  return {{"name", graph.name},
          {"T", graph.T},
          {"multi_parent", graph.multi_parent},
          {"parents", graph.parents},
          {"spec", graph.to_spec()}};
}

json metrics_json(const Metrics& m, const Graph& graph) {
  return {{"step", m.step},
          {"train_loss", m.train_loss},
          {"test_loss", m.test_loss},
          {"bayes_loss", m.baselines.bayes},
          {"one_parent_loss", m.baselines.one_parent},
          {"unigram_loss", m.baselines.unigram},
          {"uniform_loss", m.baselines.uniform},
          {"parent_recovery", recovery_json(m.parent_recovery, graph)},
          {"parent_recovery_view", m.parent_recovery_view},
          {"parent_recovery_batch", recovery_json(m.parent_recovery_batch, graph)},
          {"parent_recovery_batch_view", "data"},
          {"lr", m.learning_rate},
          {"diverged", m.diverged},
          {"status", m.status}};
}

json snapshot_json(Trainer& trainer, const Metrics& metrics) {
  const ModelShape& shape = trainer.shape();
  const Params<float>& params = trainer.params();
  const int T = shape.T;
  json A = json::array(), position_view = json::array(), batch_view = json::array();
  for (int l = 0; l < shape.layers(); ++l) {
    json layer = json::array(), attention = json::array();
    for (int h = 0; h < shape.heads[l]; ++h) {
      layer.push_back(matrix_json(params.A(l, h), shape.d(l), shape.d(l)));
      attention.push_back(matrix_json(trainer.batch_attention()[l][h].data(), T, T));
    }
    A.push_back(layer);
    batch_view.push_back(attention);
  }
  // The standard model has no position block: its only view is the data view.
  if (shape.kind == ModelKind::catformer)
    for (int h = 0; h < shape.heads[0]; ++h) position_view.push_back(matrix_json(position_attention(params, h).data(), T, T));
  json interventions = json::array();
  for (const auto& event : trainer.interventions()) interventions.push_back({{"step", event.step}, {"action", event.action}});
  json train_history = json::array(), test_history = json::array();
  for (const auto& point : trainer.train_history().all_points()) train_history.push_back({point.step, point.loss});
  for (const auto& point : trainer.test_history().all_points()) test_history.push_back({point.step, point.loss});
  return {{"config", config_json(trainer.config())},
          {"graph", graph_json(trainer.graph())},
          {"metrics", metrics_json(metrics, trainer.graph())},
          {"widths", shape.width},
          {"attention_parameter_view", position_view},
          {"attention_batch_view", batch_view},
          {"A", A},
          {"W", matrix_json(params.W(), shape.d(shape.layers()), shape.S)},
          // Bounded: each point is the mean loss of `train_loss_history_bucket` consecutive steps.
          {"interventions", interventions},
          {"train_loss_history", train_history},
          {"train_loss_history_bucket", trainer.train_history().bucket()},
          {"test_loss_history", test_history}};
}

}  // namespace cpg
