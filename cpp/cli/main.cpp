// cpg: the Causal Structure Playground engine on the command line.
//
//   cpg train   train a CatFormer and print one JSON metrics line every --every steps
//   cpg grad    loss and every gradient for given parameters and data, as JSON
//   cpg sample  sequences, targets and the graph, as JSON
//   cpg fields  the table of settings (cpp/engine/config.hpp) as JSON, or as the page's .ts
//
// Every bad option or file ends with a message naming the field and its allowed range, and
// exit status 2. Runtime failures exit with 1.
#include <CLI/CLI.hpp>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

#include "commands.hpp"
#include "report.hpp"
#include "trainer.hpp"

using nlohmann::json;

namespace {

// A user-facing input error: message already names the field.
struct InputError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A field's flag: its name with '-' for '_' (--graph-seed, --init-std, --test-size).
std::string flag_of(const cpg::Field& field) {
  std::string flag = "--" + field.name;
  for (auto& c : flag) c = c == '_' ? '-' : c;
  return flag;
}

// What --help writes after a flag.
const char* type_label(cpg::FieldType type) {
  switch (type) {
    case cpg::FieldType::Int:
    case cpg::FieldType::Int64:
    case cpg::FieldType::UInt32: return "INT";
    case cpg::FieldType::Double: return "FLOAT";
    case cpg::FieldType::Heads:
    case cpg::FieldType::List: return "LIST";
    default: return "TEXT";
  }
}

// The options shared by train and sample: one per row of cpg::config_fields(), read as text and
// set through the table, so numbers are range-checked before they are narrowed.
struct ConfigOptions {
  std::vector<std::string> values = std::vector<std::string>(cpg::config_fields().size());
  std::vector<CLI::Option*> options = std::vector<CLI::Option*>(cpg::config_fields().size(), nullptr);

  // The rows of one group: task (train and sample) or training (train only).
  void add_options(CLI::App* app, cpg::FieldGroup group) {
    const cpg::TrainConfig defaults;
    const auto& fields = cpg::config_fields();
    for (size_t i = 0; i < fields.size(); ++i) {
      if (fields[i].group != group) continue;
      options[i] = app->add_option(flag_of(fields[i]), values[i], fields[i].doc + "; allowed: " + fields[i].range)
                       ->default_str(fields[i].format(defaults))
                       ->type_name(type_label(fields[i].type));
    }
  }
  cpg::TrainConfig finish() {
    cpg::TrainConfig config;
    const auto& fields = cpg::config_fields();
    for (size_t i = 0; i < fields.size(); ++i) {
      if (options[i] == nullptr || options[i]->count() == 0) continue;
      const std::string error = cpg::set_field_from_text(config, fields[i], values[i]);
      // Text that is not a number at all also names the flag, as CLI11's own message would.
      const bool not_a_number = error.find(" must be a number") != std::string::npos;
      if (!error.empty()) throw InputError(not_a_number ? flag_of(fields[i]) + ": " + error : error);
    }
    const std::string error = cpg::validation_error(config);
    if (!error.empty()) throw InputError(error);
    return config;
  }
};

int run_train(ConfigOptions& options, const std::string& out_path) {
  const cpg::TrainConfig config = options.finish();
  std::ofstream out_file;
  if (!out_path.empty()) {
    out_file.open(out_path);
    if (!out_file) throw InputError("out: cannot write to '" + out_path + "'");
  }
  for (const auto& warning : cpg::config_warnings(config)) std::cerr << "cpg: warning: " << warning << "\n";
  cpg::Trainer trainer(config);
  cpg::Metrics metrics = trainer.evaluate();
  std::cout << cpg::metrics_json(metrics, trainer.graph()).dump() << "\n" << std::flush;
  while (trainer.step() < config.steps && !trainer.diverged()) {
    const int64_t chunk = std::min(config.every - trainer.step() % config.every, config.steps - trainer.step());
    trainer.run(chunk);
    metrics = trainer.evaluate();
    std::cout << cpg::metrics_json(metrics, trainer.graph()).dump() << "\n" << std::flush;
  }
  if (out_file.is_open()) out_file << cpg::snapshot_json(trainer, metrics).dump() << "\n";
  if (trainer.diverged()) {
    std::cerr << "cpg train: " << trainer.divergence_message() << "\n";
    return 3;
  }
  return 0;
}

// --- cpg grad --------------------------------------------------------------------------------

const json& field(const json& object, const std::string& name) {
  if (!object.is_object() || !object.contains(name)) throw InputError("case: field '" + name + "' is missing");
  return object.at(name);
}

int integer_field(const json& object, const std::string& name, int low, int high) {
  const json& value = field(object, name);
  if (!value.is_number_integer() || value.get<int64_t>() < low || value.get<int64_t>() > high)
    throw InputError("case: " + name + " must be an integer in [" + std::to_string(low) + ", " +
                     std::to_string(high) + "] (got " + value.dump() + ")");
  return value.get<int>();
}

// Reads a (rows, cols) matrix of finite numbers at `path` into out.
void read_matrix(const json& value, const std::string& path, int rows, int cols, double* out) {
  if (!value.is_array() || static_cast<int>(value.size()) != rows)
    throw InputError("case: " + path + " must be a list of " + std::to_string(rows) + " rows");
  for (int r = 0; r < rows; ++r) {
    const json& row = value[r];
    const std::string row_path = path + "[" + std::to_string(r) + "]";
    if (!row.is_array() || static_cast<int>(row.size()) != cols)
      throw InputError("case: " + row_path + " must be a list of " + std::to_string(cols) + " numbers");
    for (int c = 0; c < cols; ++c) {
      if (!row[c].is_number() || !std::isfinite(row[c].get<double>()))
        throw InputError("case: " + row_path + "[" + std::to_string(c) + "] must be a finite number");
      out[static_cast<size_t>(r) * cols + c] = row[c].get<double>();
    }
  }
}

int run_grad(const std::string& case_path, const std::string& path_name) {
  std::ifstream in(case_path);
  if (!in) throw InputError("case: cannot open '" + case_path + "'");
  json input;
  try {
    input = json::parse(in);
  } catch (const json::parse_error& e) {
    throw InputError(std::string("case: not valid JSON: ") + e.what());
  }
  const int S = integer_field(input, "S", 2, 64);
  const int T = integer_field(input, "T", 3, 64);
  const json& heads_json = field(input, "heads");
  std::vector<int> heads;
  if (!heads_json.is_array()) throw InputError("case: heads must be a list such as [1, 1]");
  for (const auto& h : heads_json) {
    if (!h.is_number_integer()) throw InputError("case: heads must be a list of integers such as [1, 1]");
    heads.push_back(h.get<int>());
  }
  cpg::ModelShape shape;
  try {
    shape = cpg::ModelShape::make(S, T, heads);
  } catch (const std::invalid_argument& e) {
    throw InputError(std::string("case: ") + e.what());
  }
  cpg::Params<double> params(shape);
  const json& A = field(input, "A");
  if (!A.is_array() || static_cast<int>(A.size()) != shape.layers())
    throw InputError("case: A must hold " + std::to_string(shape.layers()) + " layers");
  for (int l = 0; l < shape.layers(); ++l) {
    if (!A[l].is_array() || static_cast<int>(A[l].size()) != heads[l])
      throw InputError("case: A[" + std::to_string(l) + "] must hold " + std::to_string(heads[l]) + " heads");
    for (int h = 0; h < heads[l]; ++h)
      read_matrix(A[l][h], "A[" + std::to_string(l) + "][" + std::to_string(h) + "] (d_" + std::to_string(l) +
                               " = " + std::to_string(shape.d(l)) + " square)",
                  shape.d(l), shape.d(l), params.A(l, h));
  }
  read_matrix(field(input, "W"), "W (d_L x S = " + std::to_string(shape.d(shape.layers())) + " x " + std::to_string(S) + ")",
              shape.d(shape.layers()), S, params.W());
  const json& tokens = field(input, "tokens");
  if (!tokens.is_array() || tokens.empty() || tokens.size() > 65536)
    throw InputError("case: tokens must be a list of 1 to 65536 sequences");
  const int B = static_cast<int>(tokens.size());
  cpg::Batch batch;
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

  cpg::CatFormer<double> model(shape);
  cpg::Params<double> grad(shape);
  const double loss = model.loss_and_grad(params, batch, &grad, path_name == "dense" ? cpg::Path::dense : cpg::Path::fast);
  json dA = json::array();
  for (int l = 0; l < shape.layers(); ++l) {
    json layer = json::array();
    for (int h = 0; h < heads[l]; ++h) {
      json matrix = json::array();
      for (int r = 0; r < shape.d(l); ++r)
        matrix.push_back(std::vector<double>(grad.A(l, h) + static_cast<size_t>(r) * shape.d(l),
                                             grad.A(l, h) + static_cast<size_t>(r + 1) * shape.d(l)));
      layer.push_back(matrix);
    }
    dA.push_back(layer);
  }
  json dW = json::array();
  for (int r = 0; r < shape.d(shape.layers()); ++r)
    dW.push_back(std::vector<double>(grad.W() + static_cast<size_t>(r) * S, grad.W() + static_cast<size_t>(r + 1) * S));
  std::cout << json{{"loss", loss}, {"dA", dA}, {"dW", dW}}.dump() << "\n";
  return 0;
}

// --- cpg sample ------------------------------------------------------------------------------

int run_sample(ConfigOptions& options, int count) {
  if (count < 1 || count > 10000) throw InputError("n must be in [1, 10000] (got " + std::to_string(count) + ")");
  const cpg::TrainConfig config = options.finish();
  const cpg::Graph graph = cpg::make_graph(config);
  const cpg::Sampler sampler(graph, config.S, config.alpha);
  cpg::Rng rng(config.seed, 1);  // the training stream: these are the first training sequences
  const cpg::Batch batch = sampler.sample_batch(count, rng);
  json sequences = json::array();
  for (int b = 0; b < count; ++b)
    sequences.push_back({{"tokens", std::vector<int32_t>(batch.tokens_of(b), batch.tokens_of(b) + batch.T)},
                         {"target", std::vector<double>(batch.target_of(b), batch.target_of(b) + batch.S)}});
  std::cout << json{{"config", cpg::config_json(config)}, {"graph", cpg::graph_json(graph)}, {"sequences", sequences}}.dump()
            << "\n";
  return 0;
}

// --- cpg fields ------------------------------------------------------------------------------

// The page's generated copy of the table; tests/cpp/test_config.cpp checks the committed one is current.
std::string fields_typescript() {
  return "// Generated by `cpg fields --ts` (scripts/build-native.sh) from cpp/engine/config.cpp: do not edit.\n"
         "// Every engine setting: name, type, default, range, doc, and whether it applies to a running run.\n"
         "export const ENGINE_FIELDS = " +
         cpg::fields_json().dump(2) + " as const;\n";
}

int run_fields(bool as_typescript) {
  std::cout << (as_typescript ? fields_typescript() : cpg::fields_json().dump(2) + "\n");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"cpg: train the disentangled transformer on causal-graph tasks (Causal Structure Playground)"};
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "help for every subcommand");

  ConfigOptions train_options;
  std::string out_path;
  CLI::App* train = app.add_subcommand("train", "train a CatFormer; prints a JSON metrics line every --every steps");
  train_options.add_options(train, cpg::FieldGroup::Task);
  train_options.add_options(train, cpg::FieldGroup::Training);
  train->add_option("--out", out_path, "write the final snapshot (attention, A, W, loss history) as JSON to this file");

  std::string case_path, path_name = "fast";
  CLI::App* grad = app.add_subcommand("grad", "loss and gradients, in double precision, for a JSON case");
  grad->add_option("--case", case_path,
                   "JSON file {S, T, heads, A: [layer][head][row][col], W: [row][col], tokens: [batch][T], targets: [batch][S]}")
      ->required();
  grad->add_option("--path", path_name, "fast (the engine) or dense (the reference formula)")
      ->check(CLI::IsMember({"fast", "dense"}));

  ConfigOptions sample_options;
  int count = 4;
  CLI::App* sample = app.add_subcommand("sample", "print sequences, targets and the graph as JSON");
  sample_options.add_options(sample, cpg::FieldGroup::Task);
  sample->add_option("--n", count, "sequences to print; allowed: [1, 10000]")->capture_default_str();

  bool fields_as_typescript = false;
  CLI::App* fields = app.add_subcommand("fields", "print the table of settings (name, type, default, range, doc, live) as JSON");
  fields->add_flag("--ts", fields_as_typescript,
                   "print web/settings/fields.generated.ts instead (the page's copy of the table)");

  const std::vector<cpg::cli::Command> commands = {cpg::cli::add_lemma_command(app), cpg::cli::add_reproduce_command(app)};

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help
    std::string message = e.what();
    // A value that did not convert: add the field's range to CLI11's message.
    for (const auto& field : cpg::config_fields()) {
      const std::string flag = flag_of(field);
      if (message.find(flag + " ") != std::string::npos || message.find(flag + ":") != std::string::npos ||
          message.find(flag + "=") != std::string::npos) {
        message += " (" + field.name + " allowed: " + field.range + ")";
        break;
      }
    }
    std::cerr << "cpg: " << message << "\nRun with --help for the options and their ranges.\n";
    return 2;
  }
  try {
    if (*train) return run_train(train_options, out_path);
    if (*grad) return run_grad(case_path, path_name);
    if (*sample) return run_sample(sample_options, count);
    if (*fields) return run_fields(fields_as_typescript);
    for (const auto& command : commands)
      if (*command.app) return command.run();
  } catch (const InputError& e) {
    std::cerr << "cpg: " << e.what() << "\n";
    return 2;
  } catch (const std::invalid_argument& e) {
    std::cerr << "cpg: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "cpg: internal error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
