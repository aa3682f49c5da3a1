// cpg grad --case FILE [--path fast|dense]: the loss and every gradient, in double precision,
// for given parameters and data, so another framework can cross-check the engine.
#include <cmath>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "commands.hpp"
#include "grad_case.hpp"
#include "io.hpp"
#include "standard.hpp"

using nlohmann::json;

namespace cpg::cli {

namespace {

struct GradOptions {
  std::string case_path;
  std::string path_name = "fast";
};

json matrix_rows(const double* data, int rows, int cols) {
  json matrix = json::array();
  for (int r = 0; r < rows; ++r)
    matrix.push_back(std::vector<double>(data + static_cast<size_t>(r) * cols, data + static_cast<size_t>(r + 1) * cols));
  return matrix;
}

json vector_of(const double* data, int n) { return std::vector<double>(data, data + n); }

// {loss, grad: {wte, wpe, layers: [{A, V, W1, b1, W2, b2}], W}}
json standard_gradient(const ModelShape& shape, const Params<double>& grad) {
  const int d = shape.d(0);
  json layers = json::array();
  for (int l = 0; l < shape.layers(); ++l) {
    const int H = shape.heads[l], m = shape.hidden[l];
    json A = json::array();
    for (int h = 0; h < H; ++h) A.push_back(matrix_rows(grad.A(l, h), d, d));
    layers.push_back({{"A", A},
                      {"V", matrix_rows(grad.V(l), H * d, d)},
                      {"W1", matrix_rows(grad.W1(l), d, m)},
                      {"b1", vector_of(grad.b1(l), m)},
                      {"W2", matrix_rows(grad.W2(l), m, d)},
                      {"b2", vector_of(grad.b2(l), d)}});
  }
  return {{"wte", matrix_rows(grad.wte(), shape.S, d)},
          {"wpe", matrix_rows(grad.wpe(), shape.T, d)},
          {"layers", layers},
          {"W", matrix_rows(grad.W(), d, shape.S)}};
}

int run_grad(const GradOptions& options) {
  GradCase input = read_grad_case(read_json_file(options.case_path, "case"));
  const ModelShape& shape = input.shape;
  Params<double> grad(shape);
  const Path path = options.path_name == "dense" ? Path::dense : Path::fast;
  double loss = 0;
  if (shape.kind == ModelKind::standard) {
    StandardTransformer<double> model(shape);
    loss = model.loss_and_grad(input.params, input.batch, &grad, path);
  } else {
    CatFormer<double> model(shape);
    loss = model.loss_and_grad(input.params, input.batch, &grad, path);
  }
  // Huge weights or targets overflow double: say so instead of printing null.
  if (!std::isfinite(loss))
    throw NonFiniteError(std::string("the loss is not finite (") + (std::isnan(loss) ? "NaN" : "infinite") + ")" +
                         "; the weights or targets are too large for double precision");
  for (double g : grad.data)
    if (!std::isfinite(g))
      throw NonFiniteError("a gradient entry is not finite; the weights or targets are too large for double precision");
  if (shape.kind == ModelKind::standard) {
    write_line(std::cout, json{{"loss", loss}, {"grad", standard_gradient(shape, grad)}}.dump(), "stdout");
    return 0;
  }
  json dA = json::array();
  for (int l = 0; l < shape.layers(); ++l) {
    json layer = json::array();
    for (int h = 0; h < shape.heads[l]; ++h) layer.push_back(matrix_rows(grad.A(l, h), shape.d(l), shape.d(l)));
    dA.push_back(layer);
  }
  const json dW = matrix_rows(grad.W(), shape.d(shape.layers()), shape.S);
  write_line(std::cout, json{{"loss", loss}, {"dA", dA}, {"dW", dW}}.dump(), "stdout");
  return 0;
}

}  // namespace

Command add_grad_command(CLI::App& app) {
  auto options = std::make_shared<GradOptions>();
  CLI::App* command = app.add_subcommand("grad", "loss and gradients, in double precision, for a JSON case");
  command
      ->add_option("--case", options->case_path,
                   "JSON file {S, T, heads, A: [layer][head][row][col], W: [row][col], tokens: [batch][T], targets: "
                   "[batch][S]}, or a standard transformer's {model: \"standard\", S, T, heads, mlp_width, wte, wpe, "
                   "layers: [{A, V, W1, b1, W2, b2}], W, tokens, targets} (docs/science.md); at most 256 MiB and 16 "
                   "levels of nesting")
      ->required();
  command->add_option("--path", options->path_name, "fast (the engine) or dense (the reference formula)")
      ->check(CLI::IsMember({"fast", "dense"}));
  return {command, [options] { return run_grad(*options); }};
}

}  // namespace cpg::cli
