#include "interventions.hpp"

#include <algorithm>
#include <stdexcept>

#include "text.hpp"

namespace cpg {

AblationMode parse_ablation_mode(const std::string& text) {
  if (text == "zero") return AblationMode::zero;
  if (text == "uniform") return AblationMode::uniform;
  throw std::invalid_argument("ablation must be one of zero|uniform (got " + text::quoted(text) + ")");
}

const char* ablation_mode_name(AblationMode mode) { return mode == AblationMode::zero ? "zero" : "uniform"; }

std::vector<size_t> ablation_entries(const ModelShape& shape, int layer, int head, AblationMode mode) {
  const int L = shape.layers();
  if (layer < 0 || layer >= L)
    throw std::invalid_argument("layer must be in [1, " + std::to_string(L) + "] (got " + std::to_string(layer + 1) + ")");
  if (head < 0 || head >= shape.heads[layer])
    throw std::invalid_argument("head must be in [1, " + std::to_string(shape.heads[layer]) + "] for layer " +
                                std::to_string(layer + 1) + " (got " + std::to_string(head + 1) + ")");
  std::vector<size_t> entries;
  if (mode == AblationMode::uniform) {
    const size_t begin = shape.A_offset[layer] + static_cast<size_t>(head) * shape.d(layer) * shape.d(layer);
    for (size_t k = 0; k < static_cast<size_t>(shape.d(layer)) * shape.d(layer); ++k) entries.push_back(begin + k);
    return entries;
  }
  // Coordinates of the stream entering layer m that carry the head's output or a copy of it.
  // x_{m+1} = [x_m, P_1 x_m, .., P_H x_m]: head k's output holds a copy of x_m at offset
  // d_m (1 + k), so whatever x_m carried is carried again there.
  const int d = shape.d(layer);
  std::vector<int> carried;
  for (int i = 0; i < d; ++i) carried.push_back(d * (1 + head) + i);
  for (int m = layer + 1; m <= L; ++m) {
    const int dm = shape.d(m);
    if (m < L) {
      // Every head of layer m reads x_m through A_{m,k}: hold row and column of each carried i.
      for (int k = 0; k < shape.heads[m]; ++k) {
        const size_t base = shape.A_offset[m] + static_cast<size_t>(k) * dm * dm;
        for (int i : carried)
          for (int j = 0; j < dm; ++j) {
            entries.push_back(base + static_cast<size_t>(i) * dm + j);
            entries.push_back(base + static_cast<size_t>(j) * dm + i);
          }
      }
      std::vector<int> next = carried;
      for (int k = 0; k < shape.heads[m]; ++k)
        for (int i : carried) next.push_back(dm * (1 + k) + i);
      carried = next;
    } else {
      for (int i : carried)
        for (int s = 0; s < shape.S; ++s) entries.push_back(shape.W_offset + static_cast<size_t>(i) * shape.S + s);
    }
  }
  std::sort(entries.begin(), entries.end());
  entries.erase(std::unique(entries.begin(), entries.end()), entries.end());
  return entries;
}

std::vector<size_t> knockout_entries(const ModelShape& shape, const Graph& graph, const std::string& what) {
  if (what != "parents" && what != "position")
    throw std::invalid_argument("knockout must be one of parents|position (got " + text::quoted(what) + ")");
  const int S = shape.S, T = shape.T, d = shape.d(0);
  std::vector<size_t> entries;
  for (int h = 0; h < shape.heads[0]; ++h) {
    const size_t base = shape.A_offset[0] + static_cast<size_t>(h) * d * d;
    for (int i = 0; i < T; ++i)
      for (int j = 0; j <= i; ++j) {
        const auto& parents = graph.parents[i];
        const bool parent = std::find(parents.begin(), parents.end(), j) != parents.end();
        if (what == "position" || parent) entries.push_back(base + static_cast<size_t>(S + i) * d + (S + j));
      }
  }
  return entries;
}

namespace {

const char* kInterventionGrammar = "ablate=L:H[:zero|uniform], restore=L:H, freeze=A1+W|none, knockout=parents|position";

// A small positive integer written in decimal, or -1.
int small_number(const std::string& text) {
  if (text.empty() || text.size() > 3 || !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return -1;
  return std::stoi(text);
}

std::invalid_argument bad_action(const std::string& action, const std::string& why) {
  return std::invalid_argument("at: " + why + " in " + text::quoted(action) + " (allowed: " + kInterventionGrammar + ")");
}

}  // namespace

ScheduledIntervention parse_intervention(const std::string& action, int64_t step) {
  ScheduledIntervention out;
  out.step = step;
  const size_t equals = action.find('=');
  if (equals == std::string::npos) throw bad_action(action, "no '='");
  out.kind = action.substr(0, equals);
  const std::string value = action.substr(equals + 1);
  if (out.kind == "ablate" || out.kind == "restore") {
    const std::vector<std::string> parts = text::split(value, ':');
    if (parts.size() < 2 || parts.size() > (out.kind == "ablate" ? 3u : 2u)) throw bad_action(action, "expected L:H");
    out.layer = small_number(parts[0]);
    out.head = small_number(parts[1]);
    if (out.layer < 1 || out.head < 1) throw bad_action(action, "layer and head are numbers from 1");
    if (parts.size() == 3) out.mode = parse_ablation_mode(parts[2]);
  } else if (out.kind == "freeze") {
    if (value != "none")
      for (const std::string& block : text::split(value, '+'))
        if (!block.empty()) out.blocks.push_back(block);
  } else if (out.kind == "knockout") {
    if (value != "parents" && value != "position") throw bad_action(action, "knockout takes parents or position");
    out.what = value;
  } else {
    throw bad_action(action, "unknown action " + text::quoted(out.kind));
  }
  return out;
}

ScheduledIntervention parse_scheduled_intervention(const std::string& text_in) {
  const size_t colon = text_in.find(':');
  const std::string step_text = text_in.substr(0, colon);
  const bool digits = !step_text.empty() && step_text.size() <= 9 &&
                      std::all_of(step_text.begin(), step_text.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (colon == std::string::npos || !digits)
    throw std::invalid_argument("at must be STEP:ACTION with STEP in [0, 999999999], e.g. 500:ablate=1:1 (got " +
                                text::quoted(text_in) + ")");
  return parse_intervention(text_in.substr(colon + 1), std::stoll(step_text));
}

}  // namespace cpg
