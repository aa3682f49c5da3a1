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

}  // namespace

GradCase read_grad_case(const json& input) {
  const int S = integer_in(field(input, "S"), "S", 2, 64);
  const int T = integer_in(field(input, "T"), "T", 3, 64);
  const json& heads_json = field(input, "heads");
  if (!heads_json.is_array() || heads_json.empty() || heads_json.size() > 4)
    throw InputError("case: heads must be a list of 1 to 4 layers such as [1, 1] (got " + describe(heads_json) + ")");
  std::vector<int> heads;
  for (size_t l = 0; l < heads_json.size(); ++l)
    heads.push_back(integer_in(heads_json[l], "heads[" + std::to_string(l) + "]", 1, 4));
  GradCase result;
  try {
    result.shape = ModelShape::make(S, T, heads);
  } catch (const std::invalid_argument& e) {
    throw InputError(std::string("case: ") + e.what());
  }
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
  const json& tokens = field(input, "tokens");
  if (!tokens.is_array() || tokens.empty() || tokens.size() > kMaxSequences)
    throw InputError("case: tokens must be a list of 1 to " + std::to_string(kMaxSequences) + " sequences (got " +
                     describe(tokens) + ")");
  const int B = static_cast<int>(tokens.size());
  Batch& batch = result.batch;
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
  return result;
}

}  // namespace cpg::cli
