// The table of settings (cpp/engine/config.hpp): every row's own range checks, the checks that
// involve several fields, numbers checked before they are narrowed, the live rows, the CLI
// options it generates, and the page's committed copy of it (web/settings/fields.generated.ts).
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <set>
#include <string>

#include "config.hpp"
#include "cpg_runner.hpp"
#include "trainer.hpp"

using namespace cpg;
using cpg_test::expect_input_error;
using cpg_test::run_cpg;

namespace {

bool starts_with(const std::string& text, const std::string& prefix) { return text.rfind(prefix, 0) == 0; }

// A value just outside [min, max] (or at min for (min, max]): the next integer for integer
// fields, the next double otherwise.
double below_min(const Field& f) {
  if (f.min_exclusive) return f.min;
  return f.integral() ? f.min - 1 : std::nextafter(f.min, -std::numeric_limits<double>::infinity());
}
double above_max(const Field& f) {
  return f.integral() ? f.max + 1 : std::nextafter(f.max, std::numeric_limits<double>::infinity());
}
// The smallest allowed value.
double lowest(const Field& f) {
  if (!f.min_exclusive) return f.min;
  return std::nextafter(f.min, std::numeric_limits<double>::infinity());
}

}  // namespace

// --------------------------------------------------------------------------------------------
// The table itself
// --------------------------------------------------------------------------------------------

TEST(Config, EveryRowHasANameATypeARangeAndADocAndItsDefaultIsValid) {
  const TrainConfig defaults;
  std::set<std::string> names;
  for (const Field& f : config_fields()) {
    EXPECT_TRUE(names.insert(f.name).second) << "duplicate row " << f.name;
    EXPECT_FALSE(f.range.empty()) << f.name;
    EXPECT_FALSE(f.doc.empty()) << f.name;
    EXPECT_EQ(f.error(defaults), "") << f.name;
    EXPECT_EQ(find_field(f.name), &f);
    // The type says what the member holds.
    const size_t index = f.member.index();
    switch (f.type) {
      case FieldType::Int: EXPECT_EQ(index, 0u) << f.name; break;
      case FieldType::Int64: EXPECT_EQ(index, 1u) << f.name; break;
      case FieldType::UInt32: EXPECT_EQ(index, 2u) << f.name; break;
      case FieldType::Double: EXPECT_EQ(index, 3u) << f.name; break;
      case FieldType::Enum:
      case FieldType::String: EXPECT_EQ(index, 4u) << f.name; break;
      case FieldType::Heads: EXPECT_EQ(index, 5u) << f.name; break;
      case FieldType::List: EXPECT_EQ(index, 6u) << f.name; break;
    }
    if (f.type == FieldType::Enum) {
      EXPECT_FALSE(f.choices.empty()) << f.name;
    }
  }
  EXPECT_EQ(validation_error(defaults), "");
  EXPECT_EQ(find_field("learning_rate"), nullptr);
  // field_ranges() is the same table in the shape --help and the lemma view use.
  ASSERT_EQ(field_ranges().size(), config_fields().size());
  for (size_t i = 0; i < config_fields().size(); ++i) {
    EXPECT_EQ(field_ranges()[i].field, config_fields()[i].name);
    EXPECT_EQ(field_ranges()[i].range, config_fields()[i].range);
  }
}

TEST(Config, RangesInWordsMatchTheNumbers) {
  EXPECT_EQ(find_field("S")->range, "[2, 64]");
  EXPECT_EQ(find_field("lr")->range, "(0, 10000]");
  EXPECT_EQ(find_field("alpha")->range, "[0.001, 100]");
  EXPECT_EQ(find_field("seed")->range, "[0, 4294967295]");
  EXPECT_EQ(find_field("steps")->range, "[1, 100000000]");
  EXPECT_EQ(find_field("optimizer")->range, "sgd|adam|adamw");
  EXPECT_EQ(find_field("graph")->range, "chain|icl|tree|dag|trigram|ngram|paper2|custom");
  EXPECT_EQ(find_field("heads")->range, "1 to 4 layers of 1 to 4 heads, e.g. 1,1");
}

TEST(Config, OnlyTheLearningRateAndFreezingAreLive) {
  std::vector<std::string> live;
  for (const Field& f : config_fields())
    if (f.live) live.push_back(f.name);
  EXPECT_EQ(live, (std::vector<std::string>{"lr", "freeze"}));
}

TEST(Config, ApplyLiveTakesEveryLiveFieldAndNothingElse) {
  TrainConfig config;
  config.batch = 8;
  config.test_size = 8;
  Trainer trainer(config);
  TrainConfig next = trainer.config();
  for (const Field& f : config_fields()) {
    if (f.live && f.numeric()) {
      ASSERT_EQ(f.set_number(next, f.max / 2), "") << f.name;
    }
  }
  next.freeze = {"W"};
  next.S = 12;  // not live: must not change
  trainer.apply_live(next);
  for (const Field& f : config_fields()) {
    if (f.live && f.numeric()) {
      EXPECT_EQ(f.number(trainer.config()), f.max / 2) << f.name << " is marked live but apply_live ignores it";
    }
  }
  EXPECT_EQ(trainer.config().freeze, std::vector<std::string>{"W"});
  EXPECT_EQ(trainer.config().S, config.S);
  EXPECT_DOUBLE_EQ(trainer.evaluate().learning_rate, find_field("lr")->max / 2);
}

// --------------------------------------------------------------------------------------------
// Each row's own checks, from the table
// --------------------------------------------------------------------------------------------

TEST(Config, EveryNumberAcceptsItsEndsAndRefusesJustOutside) {
  for (const Field& f : config_fields()) {
    if (!f.numeric()) continue;
    for (double ok : {lowest(f), f.max}) {
      TrainConfig c;
      ASSERT_EQ(f.set_number(c, ok), "") << f.name << " = " << ok;
      EXPECT_EQ(f.number(c), ok) << f.name;
      EXPECT_EQ(f.error(c), "") << f.name << " = " << ok;
    }
    for (double bad : {below_min(f), above_max(f)}) {
      TrainConfig c;
      const double before = f.number(c);
      const std::string error = f.set_number(c, bad);
      EXPECT_TRUE(starts_with(error, f.name + " must be in " + f.range + " (got ")) << f.name << ": " << error;
      EXPECT_EQ(f.number(c), before) << f.name << " changed although refused";
      EXPECT_EQ(f.number_error(bad), error) << f.name;
    }
  }
}

TEST(Config, ValidationRefusesEachNumberJustOutsideItsRangeNamingTheField) {
  // Fields narrower than a double are set through a wider value where the type can hold it.
  TrainConfig c;
  c.S = 65;
  EXPECT_EQ(validation_error(c), "S must be in [2, 64] (got 65)");
  c = TrainConfig{};
  c.T = 2;
  EXPECT_EQ(validation_error(c), "T must be in [3, 64] (got 2)");
  c = TrainConfig{};
  c.lr = 0;
  EXPECT_EQ(validation_error(c), "lr must be in (0, 10000] (got 0)");
  c = TrainConfig{};
  c.alpha = 100.5;
  EXPECT_EQ(validation_error(c), "alpha must be in [0.001, 100] (got 100.5)");
  c = TrainConfig{};
  c.steps = 100000001;
  EXPECT_EQ(validation_error(c), "steps must be in [1, 100000000] (got 100000001)");
  c = TrainConfig{};
  c.test_size = 0;
  EXPECT_EQ(validation_error(c), "test_size must be in [1, 65536] (got 0)");
  c = TrainConfig{};
  c.k = 5;
  EXPECT_EQ(validation_error(c), "k must be in [1, 4] (got 5)");
}

TEST(Config, NonFiniteNumbersAreRefused) {
  for (const Field& f : config_fields()) {
    if (!f.numeric()) continue;
    for (double bad : {std::nan(""), std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity()}) {
      TrainConfig c;
      const std::string error = f.set_number(c, bad);
      EXPECT_TRUE(starts_with(error, f.name + " must be in " + f.range)) << f.name << ": " << error;
    }
    if (f.type == FieldType::Double) {  // set directly, as C++ callers do: validation_error refuses it too
      TrainConfig c;
      c.*std::get<double TrainConfig::*>(f.member) = std::nan("");
      EXPECT_EQ(validation_error(c), f.name + " must be in " + f.range + " (got nan)");
    }
  }
}

TEST(Config, IntegersMustBeWhole) {
  TrainConfig c;
  EXPECT_EQ(find_field("S")->set_number(c, 2.5), "S must be an integer in [2, 64] (got 2.5)");
  EXPECT_EQ(c.S, 10);
  EXPECT_EQ(find_field("alpha")->set_number(c, 2.5), "");
  EXPECT_EQ(c.alpha, 2.5);
}

TEST(Config, EveryEnumAcceptsItsChoicesAndNamesThemOtherwise) {
  for (const Field& f : config_fields()) {
    if (f.type != FieldType::Enum) continue;
    ASSERT_FALSE(f.choices.empty()) << f.name;
    for (const std::string& choice : f.choices) {
      TrainConfig c;
      f.text(c) = choice;
      EXPECT_EQ(f.error(c), "") << f.name << " = " << choice;
    }
    TrainConfig c;
    f.text(c) = "nope";
    EXPECT_EQ(f.error(c), f.name + " must be one of " + f.range + " (got 'nope')");
    EXPECT_EQ(validation_error(c), f.error(c));
  }
}

TEST(Config, HeadsAreCheckedPerLayer) {
  TrainConfig c;
  c.heads = {1, 9};
  EXPECT_EQ(validation_error(c), "heads: layer 2 has 9 heads; allowed range is [1, 4]");
  c.heads = {};
  EXPECT_EQ(validation_error(c), "heads must list 1 to 4 layers (got 0)");
  c.heads = {1, 1, 1, 1, 1};
  EXPECT_EQ(validation_error(c), "heads must list 1 to 4 layers (got 5)");
  c.heads = {4, 4};
  EXPECT_EQ(validation_error(c), "");
  c.heads = {1, 1, 1, 1};
  EXPECT_EQ(validation_error(c), "");
}

// --------------------------------------------------------------------------------------------
// Numbers are checked before they are narrowed
// --------------------------------------------------------------------------------------------

TEST(Config, NumbersBeyondTheTypeAreRefusedNotWrapped) {
  TrainConfig c;
  EXPECT_EQ(find_field("S")->set_number(c, 4294967298.0), "S must be in [2, 64] (got 4294967298)");
  EXPECT_EQ(c.S, 10);
  EXPECT_EQ(find_field("seed")->set_number(c, 4294967296.0), "seed must be in [0, 4294967295] (got 4294967296)");
  EXPECT_EQ(find_field("seed")->set_number(c, -1), "seed must be in [0, 4294967295] (got -1)");
  EXPECT_EQ(c.seed, 0u);
  EXPECT_EQ(find_field("seed")->set_number(c, 4294967295.0), "");
  EXPECT_EQ(c.seed, 4294967295u);
  EXPECT_EQ(set_field_from_text(c, *find_field("T"), "4294967299"), "T must be in [3, 64] (got 4294967299)");
  EXPECT_EQ(c.T, 20);
}

TEST(Config, HeadsBeyondAnIntAreRefusedNotWrapped) {
  EXPECT_EQ(find_field("heads")->heads_error(0, 4294967297.0), "heads: layer 1 has 4294967297 heads; allowed range is [1, 4]");
  try {
    parse_heads("1,4294967297");
    FAIL() << "parse_heads read 4294967297";
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()), "heads: layer 2 has 4294967297 heads; allowed range is [1, 4]");
  }
  EXPECT_THROW(parse_heads("1,x"), std::invalid_argument);
  EXPECT_THROW(parse_heads("-1"), std::invalid_argument);
  EXPECT_EQ(parse_heads("2,1"), (std::vector<int>{2, 1}));
}

TEST(Config, TextSetsEveryKindOfField) {
  TrainConfig c;
  EXPECT_EQ(set_field_from_text(c, *find_field("S"), "12"), "");
  EXPECT_EQ(set_field_from_text(c, *find_field("lr"), "1e-3"), "");
  EXPECT_EQ(set_field_from_text(c, *find_field("heads"), "2,1"), "");
  EXPECT_EQ(set_field_from_text(c, *find_field("freeze"), "A1,,W"), "");
  EXPECT_EQ(set_field_from_text(c, *find_field("graph"), "tree"), "");
  EXPECT_EQ(set_field_from_text(c, *find_field("spec"), "-;0"), "");
  EXPECT_EQ(c.S, 12);
  EXPECT_EQ(c.lr, 1e-3);
  EXPECT_EQ(c.heads, (std::vector<int>{2, 1}));
  EXPECT_EQ(c.freeze, (std::vector<std::string>{"A1", "W"}));
  EXPECT_EQ(c.graph, "tree");
  EXPECT_EQ(c.spec, "-;0");
  for (const char* bad : {"", " 3", "3 ", "abc", "3x"})
    EXPECT_EQ(set_field_from_text(c, *find_field("S"), bad),
              std::string("S must be a number (allowed: [2, 64]; got '") + bad + "')");
  EXPECT_EQ(c.S, 12);
}

TEST(Config, FormatAndTextRoundTripEveryDefault) {
  const TrainConfig defaults;
  for (const Field& f : config_fields()) {
    TrainConfig c;
    if (f.type == FieldType::String && f.format(defaults).empty()) continue;
    ASSERT_EQ(set_field_from_text(c, f, f.format(defaults)), "") << f.name;
    EXPECT_EQ(f.format(c), f.format(defaults)) << f.name;
  }
}

// --------------------------------------------------------------------------------------------
// What involves several fields stays explicit
// --------------------------------------------------------------------------------------------

TEST(Config, CrossFieldChecks) {
  TrainConfig c;
  c.graph = "ngram";
  c.T = 4;
  c.k = 4;
  EXPECT_EQ(validation_error(c), "k must be in [1, 3] for T = 4 (got 4)");
  c.k = 3;
  EXPECT_EQ(validation_error(c), "");

  c = TrainConfig{};
  c.graph = "custom";
  EXPECT_TRUE(starts_with(validation_error(c), "spec is required for graph=custom"));
  c.T = 4;
  c.spec = "-;0;5;-";
  EXPECT_TRUE(starts_with(validation_error(c), "spec")) << validation_error(c);
  c.spec = "-;0;1;-";
  EXPECT_EQ(validation_error(c), "");

  c = TrainConfig{};
  c.init = "lemma";
  c.heads = {2, 1};
  EXPECT_EQ(validation_error(c), "init=lemma needs heads 1,1 (the lemma's two one-head layers)");

  c = TrainConfig{};
  c.freeze = {"A3"};
  EXPECT_EQ(validation_error(c), "freeze must name blocks among A1..A2 and W (got 'A3')");
  c.freeze = {"A2", "W"};
  EXPECT_EQ(validation_error(c), "");

  c = TrainConfig{};
  c.S = 64;
  c.T = 64;
  c.heads = {4, 4, 4, 4};
  EXPECT_TRUE(starts_with(validation_error(c), "model too large")) << validation_error(c);

  c = TrainConfig{};
  c.graph = "ngram";
  c.k = 4;
  c.S = 64;
  EXPECT_NE(validation_error(c).find("S^(k+1)"), std::string::npos) << validation_error(c);
}

// --------------------------------------------------------------------------------------------
// The CLI's options come from the table
// --------------------------------------------------------------------------------------------

TEST(Config, TrainHelpListsEveryRowWithItsRange) {
  const cpg_test::Outcome run = run_cpg({"train", "--help"});
  ASSERT_EQ(run.status, 0) << run.err;
  for (const Field& f : config_fields()) {
    std::string flag = "--" + f.name;
    for (auto& ch : flag) ch = ch == '_' ? '-' : ch;
    EXPECT_NE(run.out.find(flag + " "), std::string::npos) << flag;
    EXPECT_NE(run.out.find(f.range), std::string::npos) << f.name;
  }
}

TEST(Config, CliRefusesIntegersBeyondTheirTypeWithTheRange) {
  expect_input_error({"train", "--S", "4294967298", "--steps", "1"}, {"S must be in [2, 64] (got 4294967298)"});
  expect_input_error({"train", "--seed", "-1", "--steps", "1"}, {"seed must be in [0, 4294967295] (got -1)"});
  expect_input_error({"train", "--seed", "4294967296", "--steps", "1"}, {"seed must be in [0, 4294967295]"});
  expect_input_error({"train", "--heads", "4294967297", "--steps", "1"}, {"heads: layer 1 has 4294967297 heads"});
  expect_input_error({"train", "--batch", "2.5", "--steps", "1"}, {"batch must be an integer in [1, 8192]"});
  expect_input_error({"sample", "--graph-seed", "x"}, {"--graph-seed", "graph_seed must be a number", "[0, 4294967295]"});
}

TEST(Config, CliJsonHasEveryField) {
  const cpg_test::Outcome run = run_cpg({"sample", "--n", "1", "--T", "5"});
  ASSERT_EQ(run.status, 0) << run.err;
  for (const Field& f : config_fields())
    EXPECT_NE(run.out.find("\"" + f.name + "\":"), std::string::npos) << f.name;
}

// --------------------------------------------------------------------------------------------
// The page's copy of the table
// --------------------------------------------------------------------------------------------

TEST(Config, ThePagesGeneratedFieldsAreCurrent) {
  const cpg_test::Outcome run = run_cpg({"fields", "--ts"});
  ASSERT_EQ(run.status, 0) << run.err;
  const std::string committed = cpg_test::read_text(std::string(CPG_SOURCE_DIR) + "/web/settings/fields.generated.ts");
  EXPECT_EQ(committed, run.out)
      << "web/settings/fields.generated.ts is stale: run `bash scripts/build-native.sh` (it rewrites the file) and commit it";
}
