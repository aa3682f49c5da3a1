// cpg: the Causal Structure Playground engine on the command line.
//
//   cpg train   train a CatFormer and print one JSON metrics line every --every steps
//   cpg grad    loss and every gradient for given parameters and data, as JSON
//   cpg sample  sequences, targets and the graph, as JSON
//   cpg probe   train, then compare the model with a fixed law pi~ it never saw (out of distribution)
//   cpg fields  the table of settings (cpp/engine/config.hpp) as JSON, or as the page's .ts
//
// Every bad option or file ends with a message naming the field and its allowed range, and
// exit status 2. Runtime failures exit with 1.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

#include "commands.hpp"
#include "io.hpp"
#include "report.hpp"
#include "sample_ahead_option.hpp"
#include "trainer.hpp"

using nlohmann::json;

namespace {

using cpg::cli::InputError;
using cpg::cli::NonFiniteError;
using cpg::cli::OutputError;
using cpg::cli::write_line;

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
      // A bare flag means the row's implicit value (--mlp is --mlp on). CLI11 would hand a bare
      // flag the default string, so such a row shows its default in the description instead.
      if (!fields[i].implicit.empty())
        options[i]
            ->expected(0, 1)
            ->default_str("")
            ->description(fields[i].doc + "; allowed: " + fields[i].range + "; default " + fields[i].format(defaults) +
                          "; a bare " + flag_of(fields[i]) + " means " + fields[i].implicit);
    }
  }
  // The value given for row i: a bare flag takes the row's implicit value.
  std::string value_of(size_t i) const {
    const cpg::Field& field = cpg::config_fields()[i];
    if (!field.implicit.empty() && (options[i]->results().empty() || options[i]->results()[0].empty()))
      return field.implicit;
    return values[i];
  }
  cpg::TrainConfig finish() {
    cpg::TrainConfig config;
    const auto& fields = cpg::config_fields();
    for (size_t i = 0; i < fields.size(); ++i) {
      if (options[i] == nullptr || options[i]->count() == 0) continue;
      const std::string error = cpg::set_field_from_text(config, fields[i], value_of(i));
      // Text that is not a number at all also names the flag, as CLI11's own message would.
      const bool not_a_number = error.find(" must be a number") != std::string::npos;
      if (!error.empty()) throw InputError(not_a_number ? flag_of(fields[i]) + ": " + error : error);
    }
    const std::string error = cpg::validation_error(config);
    if (!error.empty()) throw InputError(error);
    return config;
  }
};

// --ablate L:H[:mode] (from step 0) and --at STEP:ACTION, checked against the model before any
// training, in the order they apply.
std::vector<cpg::ScheduledIntervention> read_schedule(const cpg::TrainConfig& config,
                                                      const std::vector<std::string>& ablate,
                                                      const std::vector<std::string>& at) {
  std::vector<cpg::ScheduledIntervention> schedule;
  for (const auto& head : ablate) schedule.push_back(cpg::parse_intervention("ablate=" + head, 0));
  for (const auto& item : at) schedule.push_back(cpg::parse_scheduled_intervention(item));
  const cpg::ModelShape shape = cpg::ModelShape::make(config.S, config.T, config.heads);
  for (const auto& event : schedule) {
    if ((event.kind == "ablate" || event.kind == "knockout") && config.model != "catformer")
      throw InputError("at: " + event.kind + " is for the CatFormer (model=catformer), not model=" + config.model);
    if (event.kind == "ablate" || event.kind == "restore") cpg::ablation_entries(shape, event.layer - 1, event.head - 1, event.mode);
    if (event.kind == "freeze") {
      cpg::TrainConfig next = config;
      next.freeze = event.blocks;
      const std::string error = cpg::validation_error(next);
      if (!error.empty()) throw InputError("at: " + error);
    }
    if (event.step > config.steps)
      throw InputError("at: step " + std::to_string(event.step) + " is after the last step (" + std::to_string(config.steps) + ")");
  }
  std::stable_sort(schedule.begin(), schedule.end(), [](const auto& a, const auto& b) { return a.step < b.step; });
  return schedule;
}

int run_train(ConfigOptions& options, const std::string& out_path, const std::vector<std::string>& ablate,
              const std::vector<std::string>& at, cpg::SampleAhead sample_ahead) {
  const cpg::TrainConfig config = options.finish();
  const std::vector<cpg::ScheduledIntervention> schedule = read_schedule(config, ablate, at);
  std::ofstream out_file;
  if (!out_path.empty()) {
    out_file.open(out_path);
    if (!out_file) throw InputError("out: cannot write to '" + cpg::cli::clip(out_path) + "'");
  }
  for (const auto& warning : cpg::config_warnings(config)) std::cerr << "cpg: warning: " << warning << "\n";
  cpg::Trainer trainer(config);
  trainer.sample_in_background(cpg::BatchStream::draws_ahead(sample_ahead, 1));   // the same run, sooner
  size_t next_event = 0;
  // Applies what is due now; each intervention gets its own metrics line, marked with it.
  const auto apply_due = [&]() {
    bool applied = false;
    while (next_event < schedule.size() && schedule[next_event].step == trainer.step()) {
      trainer.apply(schedule[next_event++]);
      applied = true;
    }
    return applied;
  };
  const auto print = [&](const cpg::Metrics& metrics, const std::string& intervention) {
    json line = cpg::metrics_json(metrics, trainer.graph());
    if (!intervention.empty()) line["intervention"] = intervention;
    write_line(std::cout, line.dump(), "stdout");
  };
  const auto interventions_since = [&](size_t first) {
    std::string text;
    for (size_t k = first; k < trainer.interventions().size(); ++k)
      text += (text.empty() ? "" : "; ") + trainer.interventions()[k].action;
    return text;
  };
  cpg::Metrics metrics = trainer.evaluate();
  print(metrics, "");
  size_t logged = 0;
  if (apply_due()) {
    print(metrics = trainer.evaluate(), interventions_since(logged));
    logged = trainer.interventions().size();
  }
  while (trainer.step() < config.steps && !trainer.diverged()) {
    int64_t chunk = std::min(config.every - trainer.step() % config.every, config.steps - trainer.step());
    if (next_event < schedule.size()) chunk = std::min(chunk, schedule[next_event].step - trainer.step());
    trainer.run(chunk);
    metrics = trainer.evaluate();
    const bool on_period = trainer.step() % config.every == 0 || trainer.step() == config.steps;
    if (on_period || trainer.diverged()) print(metrics, "");
    if (!trainer.diverged() && apply_due()) {
      print(metrics = trainer.evaluate(), interventions_since(logged));
      logged = trainer.interventions().size();
    }
  }
  if (out_file.is_open())
    write_line(out_file, cpg::snapshot_json(trainer, metrics).dump(), "'" + cpg::cli::clip(out_path) + "'");
  if (trainer.diverged()) {
    std::cerr << "cpg train: " << trainer.divergence_message() << "\n";
    return 3;
  }
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
  write_line(std::cout,
             json{{"config", cpg::config_json(config)}, {"graph", cpg::graph_json(graph)}, {"sequences", sequences}}.dump(),
             "stdout");
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
  std::string text = as_typescript ? fields_typescript() : cpg::fields_json().dump(2) + "\n";
  text.pop_back();  // write_line ends the line
  write_line(std::cout, text, "stdout");
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
  std::vector<std::string> ablate_heads, scheduled;
  train->add_option("--ablate", ablate_heads, "ablate a head from the start: L:H[:zero|uniform] (1-based; repeatable)");
  train->add_option("--at", scheduled,
                    "intervene mid-run: STEP:ACTION with ACTION ablate=L:H[:zero|uniform], restore=L:H, freeze=A1+W|none, "
                    "knockout=parents|position (repeatable), e.g. --at 500:ablate=1:1");
  train->add_option("--out", out_path, "write the final snapshot (attention, A, W, loss history) as JSON to this file");
  cpg::SampleAhead train_sample_ahead = cpg::SampleAhead::automatic;
  cpg::cli::add_sample_ahead_option(train, train_sample_ahead);

  ConfigOptions sample_options;
  int count = 4;
  CLI::App* sample = app.add_subcommand("sample", "print sequences, targets and the graph as JSON");
  sample_options.add_options(sample, cpg::FieldGroup::Task);
  sample->add_option("--n", count, "sequences to print; allowed: [1, 10000]")->capture_default_str();

  ConfigOptions probe_config;
  cpg::cli::ProbeOptions probe_options;
  CLI::App* probe = app.add_subcommand(
      "probe", "train as `cpg train` does, then probe the model on a fixed transition law pi~ it never saw");
  probe_config.add_options(probe, cpg::FieldGroup::Task);
  probe_config.add_options(probe, cpg::FieldGroup::Training);
  cpg::cli::add_probe_options(probe, probe_options);
  cpg::SampleAhead probe_sample_ahead = cpg::SampleAhead::automatic;
  cpg::cli::add_sample_ahead_option(probe, probe_sample_ahead);

  bool fields_as_typescript = false;
  CLI::App* fields = app.add_subcommand("fields", "print the table of settings (name, type, default, range, doc, live) as JSON");
  fields->add_flag("--ts", fields_as_typescript,
                   "print web/settings/fields.generated.ts instead (the page's copy of the table)");

  const std::vector<cpg::cli::Command> commands = {cpg::cli::add_grad_command(app), cpg::cli::add_lemma_command(app),
                                                   cpg::cli::add_reproduce_command(app)};

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help
    // CLI11 quotes the value it could not convert: clip it, so a 10 kB argument never comes back.
    std::string message = cpg::cli::clip(e.what(), 300);
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
    if (*train) return run_train(train_options, out_path, ablate_heads, scheduled, train_sample_ahead);
    if (*sample) return run_sample(sample_options, count);
    if (*fields) return run_fields(fields_as_typescript);
    if (*probe) return cpg::cli::run_probe(probe_config.finish(), probe_options, probe_sample_ahead);
    for (const auto& command : commands)
      if (*command.app) return command.run();
  } catch (const OutputError& e) {
    std::cerr << "cpg: " << e.what() << "\n";
    return 1;
  } catch (const NonFiniteError& e) {
    std::cerr << "cpg: " << e.what() << "\n";
    return 3;
  } catch (const std::invalid_argument& e) {  // InputError too
    std::cerr << "cpg: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "cpg: internal error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
