#include "grad_case.hpp"

#include <cmath>
#include <string>
#include <vector>

#include "io.hpp"

namespace cpg::cli {

using nlohmann::json;

namespace {

constexpr size_t kMaxSequences = 65536;

const json& field(const json& object, const std::string& name) {
  if (!object.is_object()) throw InputError("case: must be a JSON object {S, T, heads, A, W, tokens, targets} (got " +
                                            describe(object) + ")");
  if (!object.contains(name)) throw InputError("case: field '" + name + "' is missing");
  return object.at(name);
}

// An integer in [low, high], checked as a number before it is narrowed to int.
int integer_in(const json& value, const std::string& path, int64_t low, int64_t high) {
  const bool integral = value.is_number_integer() ||
                        (value.is_number_float() && std::isfinite(value.get<double>()) &&
                         std::floor(value.get<double>()) == value.get<double>());
  if (!integral) throw InputError("case: " + path + " must be an integer in [" + std::to_string(low) + ", " +
                                  std::to_string(high) + "] (got " + describe(value) + ")");
  // Unsigned values above INT64_MAX and floats beyond it fail the range check as doubles.
  const double as_double = value.get<double>();
  if (as_double < static_cast<double>(low) || as_double > static_cast<double>(high))
    throw InputError("case: " + path + " must be an integer in [" + std::to_string(low) + ", " +
                     std::to_string(high) + "] (got " + describe(value) + ")");
  return static_cast<int>(value.get<int64_t>());
}

// Reads a (rows, cols) matrix of finite numbers at `path` into out.
void read_matrix(const json& value, const std::string& path, int rows, int cols, double* out) {
  if (!value.is_array() || static_cast<int64_t>(value.size()) != rows)
    throw InputError("case: " + path + " must be a list of " + std::to_string(rows) + " rows (got " + describe(value) + ")");
  for (int r = 0; r < rows; ++r) {
    const json& row = value[r];
    const std::string row_path = path + "[" + std::to_string(r) + "]";
    if (!row.is_array() || static_cast<int64_t>(row.size()) != cols)
      throw InputError("case: " + row_path + " must be a list of " + std::to_string(cols) + " numbers (got " +
                       describe(row) + ")");
    for (int c = 0; c < cols; ++c) {
      if (!row[c].is_number() || !std::isfinite(row[c].get<double>()))
        throw InputError("case: " + row_path + "[" + std::to_string(c) + "] must be a finite number (got " +
                         describe(row[c]) + ")");
      out[static_cast<size_t>(r) * cols + c] = row[c].get<double>();
    }
  }
}

// Reads a vector of n finite numbers at `path` into out.
void read_vector(const json& value, const std::string& path, int n, double* out) {
  if (!value.is_array() || static_cast<int64_t>(value.size()) != n)
    throw InputError("case: " + path + " must be a list of " + std::to_string(n) + " numbers (got " + describe(value) + ")");
  for (int k = 0; k < n; ++k) {
    if (!value[k].is_number() || !std::isfinite(value[k].get<double>()))
      throw InputError("case: " + path + "[" + std::to_string(k) + "] must be a finite number (got " + describe(value[k]) +
                       ")");
    out[k] = value[k].get<double>();
  }
}

std::string shape_text(int rows, int cols) { return std::to_string(rows) + " x " + std::to_string(cols); }

std::vector<int> read_heads(const json& input) {
  const json& heads_json = field(input, "heads");
  if (!heads_json.is_array() || heads_json.empty() || heads_json.size() > 4)
    throw InputError("case: heads must be a list of 1 to 4 layers such as [1, 1] (got " + describe(heads_json) + ")");
  std::vector<int> heads;
  for (size_t l = 0; l < heads_json.size(); ++l)
    heads.push_back(integer_in(heads_json[l], "heads[" + std::to_string(l) + "]", 1, 4));
  return heads;
}

ModelShape make_shape(int S, int T, const std::vector<int>& heads, ModelKind kind, int mlp_width) {
  try {
    return ModelShape::make(S, T, heads, kind, false, mlp_width);
  } catch (const std::invalid_argument& e) {
    throw InputError(std::string("case: ") + e.what());
  }
}

// tokens (B, T) and targets (B, S).
void read_batch(const json& input, int S, int T, Batch& batch) {
  const json& tokens = field(input, "tokens");
  if (!tokens.is_array() || tokens.empty() || tokens.size() > kMaxSequences)
    throw InputError("case: tokens must be a list of 1 to " + std::to_string(kMaxSequences) + " sequences (got " +
                     describe(tokens) + ")");
  const int B = static_cast<int>(tokens.size());
  batch.B = B;
  batch.T = T;
  batch.S = S;
  batch.tokens.resize(static_cast<size_t>(B) * T);
  batch.targets.resize(static_cast<size_t>(B) * S);
  std::vector<double> token_values(static_cast<size_t>(B) * T);
  read_matrix(tokens, "tokens", B, T, token_values.data());
  for (size_t k = 0; k < token_values.size(); ++k) {
    const double v = token_values[k];
    if (v != std::floor(v) || v < 0 || v >= S)
      throw InputError("case: tokens[" + std::to_string(k / T) + "][" + std::to_string(k % T) +
                       "] must be an integer in [0, S-1] = [0, " + std::to_string(S - 1) + "]");
    batch.tokens[k] = static_cast<int32_t>(v);
  }
  read_matrix(field(input, "targets"), "targets", B, S, batch.targets.data());
  for (double v : batch.targets)
    if (v < 0) throw InputError("case: targets must be non-negative (a distribution over S per sequence)");
}

// {model: "standard", S, T, heads, mlp_width, wte, wpe, layers: [{A, V, W1, b1, W2, b2}], W, tokens, targets}
GradCase read_standard_case(const json& input) {
  const int S = integer_in(field(input, "S"), "S", 2, 64);
  const int T = integer_in(field(input, "T"), "T", 3, 64);
  const std::vector<int> heads = read_heads(input);
  const int mlp_width = integer_in(field(input, "mlp_width"), "mlp_width", 0, ModelShape::kMaxMlpWidth);
  GradCase result;
  result.shape = make_shape(S, T, heads, ModelKind::standard, mlp_width);
  const ModelShape& shape = result.shape;
  Params<double>& params = result.params;
  params = Params<double>(shape);
  const int d = shape.d(0);
  read_matrix(field(input, "wte"), "wte (S x d = " + shape_text(S, d) + ")", S, d, params.wte());
  read_matrix(field(input, "wpe"), "wpe (T x d = " + shape_text(T, d) + ")", T, d, params.wpe());
  const json& layers = field(input, "layers");
  if (!layers.is_array() || static_cast<int>(layers.size()) != shape.layers())
    throw InputError("case: layers must hold " + std::to_string(shape.layers()) + " layers, one per entry of heads (got " +
                     describe(layers) + ")");
  for (int l = 0; l < shape.layers(); ++l) {
    const std::string at = "layers[" + std::to_string(l) + "].";
    const json& layer = layers[l];
    if (!layer.is_object())
      throw InputError("case: layers[" + std::to_string(l) + "] must be an object {A, V, W1, b1, W2, b2} (got " +
                       describe(layer) + ")");
    for (const char* name : {"A", "V", "W1", "b1", "W2", "b2"})
      if (!layer.contains(name)) throw InputError("case: " + at + name + " is missing");
    const int H = heads[l], m = shape.hidden[l];
    const json& A = field(layer, "A");
    if (!A.is_array() || static_cast<int>(A.size()) != H)
      throw InputError("case: " + at + "A must hold " + std::to_string(H) + " heads (got " + describe(A) + ")");
    for (int h = 0; h < H; ++h)
      read_matrix(A[h], at + "A[" + std::to_string(h) + "] (d x d = " + shape_text(d, d) + ")", d, d, params.A(l, h));
    read_matrix(field(layer, "V"), at + "V (H*d x d = " + shape_text(H * d, d) + ")", H * d, d, params.V(l));
    read_matrix(field(layer, "W1"), at + "W1 (d x m = " + shape_text(d, m) + ")", d, m, params.W1(l));
    read_vector(field(layer, "b1"), at + "b1 (m = " + std::to_string(m) + ")", m, params.b1(l));
    read_matrix(field(layer, "W2"), at + "W2 (m x d = " + shape_text(m, d) + ")", m, d, params.W2(l));
    read_vector(field(layer, "b2"), at + "b2 (d = " + std::to_string(d) + ")", d, params.b2(l));
  }
  read_matrix(field(input, "W"), "W (d x S = " + shape_text(d, S) + ")", d, S, params.W());
  read_batch(input, S, T, result.batch);
  return result;
}

}  // namespace

GradCase read_grad_case(const json& input) {
  if (input.is_object() && input.contains("model")) {
    const json& model = input.at("model");
    if (!model.is_string() || (model.get<std::string>() != "catformer" && model.get<std::string>() != "standard"))
      throw InputError("case: model must be \"catformer\" or \"standard\" (got " + describe(model) + ")");
    if (model.get<std::string>() == "standard") return read_standard_case(input);
  }
  const int S = integer_in(field(input, "S"), "S", 2, 64);
  const int T = integer_in(field(input, "T"), "T", 3, 64);
  const std::vector<int> heads = read_heads(input);
  GradCase result;
  result.shape = make_shape(S, T, heads, ModelKind::catformer, 0);
  const ModelShape& shape = result.shape;
  result.params = Params<double>(shape);
  const json& A = field(input, "A");
  if (!A.is_array() || static_cast<int>(A.size()) != shape.layers())
    throw InputError("case: A must hold " + std::to_string(shape.layers()) + " layers (got " + describe(A) + ")");
  for (int l = 0; l < shape.layers(); ++l) {
    if (!A[l].is_array() || static_cast<int>(A[l].size()) != heads[l])
      throw InputError("case: A[" + std::to_string(l) + "] must hold " + std::to_string(heads[l]) + " heads (got " +
                       describe(A[l]) + ")");
    for (int h = 0; h < heads[l]; ++h)
      read_matrix(A[l][h], "A[" + std::to_string(l) + "][" + std::to_string(h) + "] (d_" + std::to_string(l) +
                               " = " + std::to_string(shape.d(l)) + " square)",
                  shape.d(l), shape.d(l), result.params.A(l, h));
  }
  read_matrix(field(input, "W"),
              "W (d_L x S = " + std::to_string(shape.d(shape.layers())) + " x " + std::to_string(S) + ")",
              shape.d(shape.layers()), S, result.params.W());
  read_batch(input, S, T, result.batch);
  return result;
}

}  // namespace cpg::cli
