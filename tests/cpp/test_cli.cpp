// Tests for the `cpg` command line (cpp/cli/main.cpp): runs the real binary, parses its JSON and
// checks exit statuses and the messages of bad input.
//
// CPG_BINARY is the path of the built binary. Training runs are tiny (T = 8, S = 3, 20 steps of
// 32 sequences) so that the whole file takes a few seconds.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cpg_runner.hpp"
#include "rng.hpp"
#include "standard.hpp"
#include <sstream>
#include <string>
#include <vector>

using nlohmann::json;

namespace {

using cpg_test::expect_input_error;
using cpg_test::Outcome;
using cpg_test::temp_path;
Outcome run_cli(const std::vector<std::string>& args) { return cpg_test::run_cpg(args); }




// One JSON value per non-empty line.
std::vector<json> json_lines(const std::string& text) {
  std::vector<json> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line))
    if (!line.empty()) lines.push_back(json::parse(line));
  return lines;
}

std::string write_file(const std::string& name, const std::string& text) {
  const std::string path = temp_path(name);
  std::ofstream(path) << text;
  return path;
}

json zeros(int rows, int cols) { return json(std::vector<std::vector<double>>(rows, std::vector<double>(cols, 0.0))); }

// A `cpg grad` case with all parameters zero. d_0 = S + T, d_{l+1} = d_l (1 + H_l).
json zero_case(int S, int T, const std::vector<int>& heads, const json& tokens, const json& targets) {
  json A = json::array();
  int d = S + T;
  for (int h : heads) {
    json layer = json::array();
    for (int k = 0; k < h; ++k) layer.push_back(zeros(d, d));
    A.push_back(layer);
    d *= 1 + h;
  }
  return {{"S", S}, {"T", T}, {"heads", heads}, {"A", A}, {"W", zeros(d, S)}, {"tokens", tokens}, {"targets", targets}};
}

const std::vector<std::string> kTinyTraining = {"--S", "3", "--T", "8", "--steps", "20", "--batch", "32",
                                                 "--every", "10", "--test-size", "64", "--seed", "5"};

std::vector<std::string> with(std::vector<std::string> base, const std::vector<std::string>& more) {
  base.insert(base.end(), more.begin(), more.end());
  return base;
}


// ============================================================================================
// cpg train
// ============================================================================================

TEST(Cli, TrainPrintsMetricsLinesForChain) {
  const Outcome run = run_cli(with({"train"}, kTinyTraining));
  ASSERT_EQ(run.status, 0) << run.err;
  const std::vector<json> lines = json_lines(run.out);
  ASSERT_EQ(lines.size(), 3u) << run.out;  // steps 0, 10, 20
  const std::vector<int> steps = {0, 10, 20};
  for (size_t n = 0; n < lines.size(); ++n) {
    const json& line = lines[n];
    EXPECT_EQ(line.at("step").get<int>(), steps[n]);
    for (const char* key : {"test_loss", "bayes_loss", "uniform_loss", "one_parent_loss", "unigram_loss"}) {
      ASSERT_TRUE(line.at(key).is_number()) << key;
      EXPECT_TRUE(std::isfinite(line.at(key).get<double>())) << key;
    }
    EXPECT_NEAR(line.at("uniform_loss").get<double>(), std::log(3.0), 1e-12);
    EXPECT_LT(line.at("bayes_loss").get<double>(), line.at("uniform_loss").get<double>());
    EXPECT_EQ(line.at("diverged"), false);
    // Single-parent task, one first-layer head: one number in [0, 1].
    const json& recovery = line.at("parent_recovery");
    ASSERT_TRUE(recovery.is_array()) << recovery;
    ASSERT_EQ(recovery.size(), 1u) << recovery;
    ASSERT_TRUE(recovery[0].is_number()) << recovery;
    EXPECT_GE(recovery[0].get<double>(), 0.0);
    EXPECT_LE(recovery[0].get<double>(), 1.0);
  }
  // A = 0 and W = 0 at the start predict uniformly; twenty Adam steps already improve on that.
  EXPECT_NEAR(lines.front().at("test_loss").get<double>(), std::log(3.0), 1e-5);
  EXPECT_LT(lines.back().at("test_loss").get<double>(), lines.front().at("test_loss").get<double>() - 0.01);
  // The baselines are computed once on the fixed test set.
  EXPECT_EQ(lines.front().at("bayes_loss"), lines.back().at("bayes_loss"));
}

TEST(Cli, TrainIsDeterministicForASeed) {
  const Outcome a = run_cli(with({"train"}, kTinyTraining));
  const Outcome b = run_cli(with({"train"}, kTinyTraining));
  ASSERT_EQ(a.status, 0) << a.err;
  ASSERT_EQ(b.status, 0) << b.err;
  EXPECT_EQ(a.out, b.out);
}

// The sampler's thread changes when a batch is drawn, never what it holds: the same metrics lines,
// bit for bit, whether the next batch is drawn ahead or not.
TEST(Cli, TrainPrintsTheSameLinesWithOrWithoutTheSamplerThread) {
  const Outcome off = run_cli(with({"train", "--sample-ahead", "off"}, kTinyTraining));
  ASSERT_EQ(off.status, 0) << off.err;
  for (const char* mode : {"on", "auto"}) {
    const Outcome other = run_cli(with({"train", "--sample-ahead", mode}, kTinyTraining));
    ASSERT_EQ(other.status, 0) << other.err;
    EXPECT_EQ(other.out, off.out) << "--sample-ahead " << mode;
  }
}

TEST(Cli, UnknownSampleAheadListsTheChoices) {
  for (const char* command : {"train", "probe", "reproduce"}) {
    std::vector<std::string> args = {command};
    if (std::string(command) == "reproduce") args.push_back("fig9");
    for (const char* extra : {"--sample-ahead", "sometimes", "--steps", "1"}) args.push_back(extra);
    expect_input_error(args, {"--sample-ahead", "sometimes", "auto,on,off"});
  }
}

TEST(Cli, TrainReportsOneRecoveryListPerHeadForTrigram) {
  const Outcome run = run_cli(with({"train", "--graph", "trigram", "--heads", "2,1", "--init-std", "0.01"}, kTinyTraining));
  ASSERT_EQ(run.status, 0) << run.err;
  const std::vector<json> lines = json_lines(run.out);
  ASSERT_FALSE(lines.empty());
  for (const json& line : lines) {
    const json& recovery = line.at("parent_recovery");
    ASSERT_EQ(recovery.size(), 2u) << recovery;  // two first-layer heads
    for (const json& head : recovery) {
      ASSERT_TRUE(head.is_array()) << recovery;
      ASSERT_EQ(head.size(), 2u) << recovery;  // the predicted node has two parents
      for (const json& value : head) {
        EXPECT_GE(value.get<double>(), 0.0);
        EXPECT_LE(value.get<double>(), 1.0);
      }
    }
    EXPECT_LT(line.at("bayes_loss").get<double>(), line.at("one_parent_loss").get<double>());
  }
}

TEST(Cli, TrainOutWritesSnapshotWithParametersAndAttention) {
  const std::string out_path = temp_path("snapshot.json");
  const Outcome run = run_cli(with({"train", "--heads", "1,1", "--out", out_path}, kTinyTraining));
  ASSERT_EQ(run.status, 0) << run.err;
  std::ifstream in(out_path);
  ASSERT_TRUE(in) << "no snapshot at " << out_path;
  const json snapshot = json::parse(in);
  std::remove(out_path.c_str());

  const int S = 3, T = 8, d0 = S + T, d1 = 2 * d0, d2 = 2 * d1;
  ASSERT_TRUE(snapshot.contains("A"));
  ASSERT_TRUE(snapshot.contains("W"));
  ASSERT_TRUE(snapshot.contains("attention_parameter_view"));
  const json& A = snapshot.at("A");
  ASSERT_EQ(A.size(), 2u);
  ASSERT_EQ(A[0].size(), 1u);
  EXPECT_EQ(A[0][0].size(), static_cast<size_t>(d0));
  EXPECT_EQ(A[0][0][0].size(), static_cast<size_t>(d0));
  EXPECT_EQ(A[1][0].size(), static_cast<size_t>(d1));
  EXPECT_EQ(A[1][0][0].size(), static_cast<size_t>(d1));
  EXPECT_EQ(snapshot.at("W").size(), static_cast<size_t>(d2));
  EXPECT_EQ(snapshot.at("W")[0].size(), static_cast<size_t>(S));
  // Training moved the parameters away from the zero init.
  double largest = 0;
  for (const auto& row : snapshot.at("W"))
    for (const auto& value : row) largest = std::max(largest, std::fabs(value.get<double>()));
  EXPECT_GT(largest, 1e-3);

  // One (T, T) causal attention map per first-layer head; each row is a distribution.
  const json& view = snapshot.at("attention_parameter_view");
  ASSERT_EQ(view.size(), 1u);
  ASSERT_EQ(view[0].size(), static_cast<size_t>(T));
  for (int i = 0; i < T; ++i) {
    ASSERT_EQ(view[0][i].size(), static_cast<size_t>(T));
    double sum = 0;
    for (int j = 0; j < T; ++j) {
      const double value = view[0][i][j].get<double>();
      if (j > i) {
        EXPECT_EQ(value, 0.0) << "row " << i << " attends to the future";
      }
      sum += value;
    }
    EXPECT_NEAR(sum, 1.0, 1e-5) << "row " << i;
  }
  // The last metrics line and the snapshot's metrics agree.
  EXPECT_EQ(snapshot.at("metrics").at("step").get<int>(), 20);
  EXPECT_EQ(snapshot.at("metrics"), json_lines(run.out).back());
}

// ============================================================================================
// cpg sample
// ============================================================================================

TEST(Cli, SamplePrintsSequencesAndTheGraph) {
  const Outcome run = run_cli({"sample", "--S", "4", "--T", "5", "--n", "3", "--seed", "2"});
  ASSERT_EQ(run.status, 0) << run.err;
  const json output = json::parse(run.out);
  const json& graph = output.at("graph");
  EXPECT_EQ(graph.at("name"), "chain");
  EXPECT_EQ(graph.at("T"), 5);
  EXPECT_EQ(graph.at("multi_parent"), false);
  EXPECT_EQ(graph.at("spec"), "-;0;1;2;-");
  EXPECT_EQ(graph.at("parents"), json::parse("[[], [0], [1], [2], []]"));
  const json& sequences = output.at("sequences");
  ASSERT_EQ(sequences.size(), 3u);
  for (const json& sequence : sequences) {
    ASSERT_EQ(sequence.at("tokens").size(), 5u);
    for (const json& token : sequence.at("tokens")) {
      EXPECT_GE(token.get<int>(), 0);
      EXPECT_LT(token.get<int>(), 4);
    }
    ASSERT_EQ(sequence.at("target").size(), 4u);
    double sum = 0;
    for (const json& p : sequence.at("target")) sum += p.get<double>();
    EXPECT_NEAR(sum, 1.0, 1e-9);
  }
  EXPECT_NE(sequences[0], sequences[1]);
  EXPECT_EQ(output.at("config").at("S"), 4);
}

TEST(Cli, SampleHonoursCustomMultiParentSpec) {
  const Outcome run = run_cli({"sample", "--graph", "custom", "--T", "4", "--spec", "-;0;0,1;2;1,3", "--S", "2", "--n", "1"});
  ASSERT_EQ(run.status, 0) << run.err;
  const json graph = json::parse(run.out).at("graph");
  EXPECT_EQ(graph.at("multi_parent"), true);
  EXPECT_EQ(graph.at("spec"), "-;0;0,1;2;1,3");
}

// ============================================================================================
// cpg grad
// ============================================================================================

TEST(Cli, GradOfZeroParametersIsLogSWithShapedGradients) {
  const int S = 3, T = 4;
  const std::vector<int> heads = {2, 1};
  const json input = zero_case(S, T, heads, json::parse("[[0, 1, 2, 1], [2, 2, 0, 0]]"),
                               json::parse("[[1, 0, 0], [0, 0, 1]]"));
  const std::string path = write_file("case.json", input.dump());
  for (const char* path_name : {"fast", "dense"}) {
    const Outcome run = run_cli({"grad", "--case", path, "--path", path_name});
    ASSERT_EQ(run.status, 0) << run.err;
    const json output = json::parse(run.out);
    EXPECT_NEAR(output.at("loss").get<double>(), std::log(3.0), 1e-12) << path_name;
    const int d0 = S + T, d1 = d0 * 3, d2 = d1 * 2;
    const json& dA = output.at("dA");
    ASSERT_EQ(dA.size(), 2u);
    ASSERT_EQ(dA[0].size(), 2u);
    ASSERT_EQ(dA[1].size(), 1u);
    for (int h = 0; h < 2; ++h) {
      ASSERT_EQ(dA[0][h].size(), static_cast<size_t>(d0));
      for (const json& row : dA[0][h]) EXPECT_EQ(row.size(), static_cast<size_t>(d0));
    }
    ASSERT_EQ(dA[1][0].size(), static_cast<size_t>(d1));
    for (const json& row : dA[1][0]) EXPECT_EQ(row.size(), static_cast<size_t>(d1));
    const json& dW = output.at("dW");
    ASSERT_EQ(dW.size(), static_cast<size_t>(d2));
    for (const json& row : dW) EXPECT_EQ(row.size(), static_cast<size_t>(S));
  }
  std::remove(path.c_str());
}

TEST(Cli, GradOfZeroParametersGivesTheReadoutGradientByHand) {
  // S = 2, T = 3, heads [1], one sequence (0, 1, 1) with target (1, 0). At zero parameters the
  // head averages x_0..x_2 and the readout is uniform, so dW = x_L (f - y)^T with
  // x_L = [x_2, mean_j x_j] = [0, 1, 0, 0, 1, 1/3, 2/3, 1/3, 1/3, 1/3] and f - y = (-1/2, 1/2).
  const json input = zero_case(2, 3, {1}, json::parse("[[0, 1, 1]]"), json::parse("[[1, 0]]"));
  const std::string path = write_file("case.json", input.dump());
  const Outcome run = run_cli({"grad", "--case", path});
  std::remove(path.c_str());
  ASSERT_EQ(run.status, 0) << run.err;
  const json output = json::parse(run.out);
  EXPECT_NEAR(output.at("loss").get<double>(), std::log(2.0), 1e-12);
  const std::vector<double> x_L = {0, 1, 0, 0, 1, 1.0 / 3, 2.0 / 3, 1.0 / 3, 1.0 / 3, 1.0 / 3};
  const json& dW = output.at("dW");
  ASSERT_EQ(dW.size(), x_L.size());
  for (size_t r = 0; r < x_L.size(); ++r) {
    EXPECT_NEAR(dW[r][0].get<double>(), -0.5 * x_L[r], 1e-12) << "row " << r;
    EXPECT_NEAR(dW[r][1].get<double>(), 0.5 * x_L[r], 1e-12) << "row " << r;
  }
}

// ============================================================================================
// Bad input: exit status 2 and a message naming the field
// ============================================================================================

TEST(Cli, OutOfRangeVocabularyNamesSAndItsRange) {
  expect_input_error(with({"train"}, {"--S", "1", "--steps", "1"}), {"S", "[2, 64]", "got 1"});
}

TEST(Cli, NonNumericVocabularyNamesSAndItsRange) {
  expect_input_error(with({"train"}, {"--S", "abc", "--steps", "1"}), {"--S", "abc", "[2, 64]"});
}

TEST(Cli, UnknownGraphListsTheChoices) {
  expect_input_error({"train", "--graph", "nope", "--steps", "1"}, {"graph", "nope", "chain|icl|tree|dag"});
  expect_input_error({"sample", "--graph", "nope"}, {"graph", "nope"});
}

TEST(Cli, TooManyHeadsNamesHeadsAndItsRange) {
  expect_input_error({"train", "--heads", "1,9", "--steps", "1"}, {"heads", "layer 2", "[1, 4]"});
  expect_input_error({"train", "--heads", "1,x", "--steps", "1"}, {"heads", "1,x"});
}

TEST(Cli, NegativeLearningRateNamesLr) {
  expect_input_error({"train", "--lr", "-1", "--steps", "1"}, {"lr", "(0, 10000]", "got -1"});
}

TEST(Cli, UnknownOptimizerListsTheChoices) {
  expect_input_error({"train", "--optimizer", "foo", "--steps", "1"}, {"optimizer", "foo", "sgd|adam|adamw"});
}

TEST(Cli, CustomGraphWithoutSpecAsksForSpec) {
  expect_input_error({"train", "--graph", "custom", "--steps", "1"}, {"spec", "required"});
}

TEST(Cli, CustomGraphWithBadEntryNamesSpecAndPosition) {
  expect_input_error({"train", "--graph", "custom", "--T", "4", "--spec", "-;0;5;-", "--steps", "1"},
                     {"spec", "position 2", "parent 5"});
  expect_input_error({"sample", "--graph", "custom", "--T", "4", "--spec", "-;0;1;-;"}, {"spec", "';'"});
}

TEST(Cli, GradWithMissingFileNamesTheCase) {
  const std::string missing = temp_path("does_not_exist.json");
  expect_input_error({"grad", "--case", missing}, {"case", "cannot open", missing});
}

TEST(Cli, GradWithInvalidJsonSaysSo) {
  const std::string path = write_file("broken.json", "{\"S\": 2, \"T\": ");
  expect_input_error({"grad", "--case", path}, {"case", "not valid JSON"});
  std::remove(path.c_str());
}

TEST(Cli, GradWithWrongAShapeNamesTheMatrixAndItsSize) {
  json input = zero_case(2, 3, {1}, json::parse("[[0, 1, 1]]"), json::parse("[[1, 0]]"));
  input["A"][0][0] = zeros(4, 4);  // d_0 = 5
  const std::string path = write_file("bad_a.json", input.dump());
  expect_input_error({"grad", "--case", path}, {"case", "A[0][0]", "5"});
  std::remove(path.c_str());

  input = zero_case(2, 3, {1}, json::parse("[[0, 1, 1]]"), json::parse("[[1, 0]]"));
  input["A"][0][0][2] = std::vector<double>(4, 0.0);  // one short row
  const std::string short_row = write_file("short_row.json", input.dump());
  expect_input_error({"grad", "--case", short_row}, {"case", "A[0][0]", "[2]", "5 numbers"});
  std::remove(short_row.c_str());
}

TEST(Cli, GradWithTokenOutOfRangeNamesTheToken) {
  const json input = zero_case(2, 3, {1}, json::parse("[[0, 1, 2]]"), json::parse("[[1, 0]]"));
  const std::string path = write_file("bad_token.json", input.dump());
  expect_input_error({"grad", "--case", path}, {"case", "tokens[0][2]", "[0, 1]"});
  std::remove(path.c_str());
}

TEST(Cli, GradWithMissingFieldNamesIt) {
  json input = zero_case(2, 3, {1}, json::parse("[[0, 1, 1]]"), json::parse("[[1, 0]]"));
  input.erase("targets");
  const std::string path = write_file("no_targets.json", input.dump());
  expect_input_error({"grad", "--case", path}, {"case", "targets", "missing"});
  std::remove(path.c_str());
}

TEST(Cli, MissingSubcommandFails) {
  const Outcome run = run_cli({});
  EXPECT_NE(run.status, 0);
  EXPECT_FALSE(run.err.empty());
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Failure classes, for every subcommand: hostile JSON, unwritable output, non-finite results,
// integers that do not fit, and values that must not be echoed whole.
// ---------------------------------------------------------------------------------------------
namespace {

// The smallest valid invocation of each subcommand that writes to stdout.
const std::vector<std::vector<std::string>> kQuickRuns = {
    {"train", "--S", "3", "--T", "4", "--steps", "2", "--every", "1", "--batch", "4", "--test-size", "8"},
    {"sample", "--S", "3", "--T", "4", "--n", "1"},
    {"lemma", "--S", "3", "--T", "4", "--batch", "16", "--mi-samples", "10"},
    {"reproduce", "fig9", "--graphs", "1", "--steps", "2", "--batch", "4", "--T", "4"},
};

}  // namespace

TEST(CliFailures, GradOnDeeplyNestedJsonFailsCleanly) {
  // 100,000 levels used to overflow the stack while the message dumped the value.
  const std::string deep = "{\"S\": " + std::string(100000, '[') + std::string(100000, ']') + "}";
  const std::string path = write_file("deep.json", deep);
  expect_input_error({"grad", "--case", path}, {"case", "nests deeper than 16 levels"});
  std::remove(path.c_str());
}

TEST(CliFailures, GradOnANumberNoDoubleHoldsIsAnInputError) {
  // Found by fuzz_grad_case: nlohmann throws out_of_range, not parse_error, for 1e999.
  const std::string path = write_file("huge_number.json", "{\"S\": 1e999}");
  expect_input_error({"grad", "--case", path}, {"case", "number is out of range"});
  std::remove(path.c_str());
}

TEST(CliFailures, GradNeverEchoesAHugeValue) {
  json input = zero_case(2, 3, {1}, json::parse("[[0, 1, 1]]"), json::parse("[[1, 0]]"));
  input["S"] = std::string(10000, '7');
  const std::string path = write_file("huge_s.json", input.dump());
  const Outcome run = run_cli({"grad", "--case", path});
  EXPECT_EQ(run.status, 2) << run.err;
  EXPECT_NE(run.err.find("S must be an integer in [2, 64]"), std::string::npos) << run.err;
  EXPECT_LT(run.err.size(), 400u) << "the message echoes the whole value";
  std::remove(path.c_str());
}

TEST(CliFailures, GradRejectsIntegersThatDoNotFitBeforeNarrowing) {
  // 4294967297 = 2^32 + 1 used to be read as 1 head.
  for (const char* heads : {"[4294967297]", "[-4294967295]", "[1e300]", "[1.5]", "[\"1\"]"}) {
    json input = zero_case(2, 3, {1}, json::parse("[[0, 1, 1]]"), json::parse("[[1, 0]]"));
    input["heads"] = json::parse(heads);
    const std::string path = write_file("heads.json", input.dump());
    expect_input_error({"grad", "--case", path}, {"case", "heads[0]", "[1, 4]"});
    std::remove(path.c_str());
  }
  json input = zero_case(2, 3, {1}, json::parse("[[0, 1, 1]]"), json::parse("[[1, 0]]"));
  input["T"] = json::parse("18446744073709551615");
  const std::string path = write_file("t.json", input.dump());
  expect_input_error({"grad", "--case", path}, {"case", "T must be an integer in [3, 64]"});
  std::remove(path.c_str());
}

TEST(CliFailures, GradWithOverflowingNumbersExitsThreeInsteadOfPrintingNull) {
  json input = zero_case(2, 3, {1, 1}, json::parse("[[0, 1, 1]]"), json::parse("[[1e308, 1e308]]"));
  for (auto& row : input["W"])
    for (auto& value : row) value = 1e308;
  const std::string path = write_file("overflow.json", input.dump());
  const Outcome run = run_cli({"grad", "--case", path});
  EXPECT_EQ(run.status, 3) << run.err;
  EXPECT_TRUE(run.out.empty()) << run.out;
  EXPECT_NE(run.err.find("not finite"), std::string::npos) << run.err;
  std::remove(path.c_str());
}

TEST(CliFailures, GradRefusesAnInputLargerThanTheLimit) {
  // /dev/zero never ends: the reader must stop at the size limit rather than grow without bound.
  expect_input_error({"grad", "--case", "/dev/zero"}, {"case", "larger than 256 MiB"});
}

TEST(CliFailures, TrainOutToAFullDiskExitsNonZeroNamingThePath) {
  const Outcome run = run_cli({"train", "--S", "3", "--T", "4", "--steps", "2", "--every", "2", "--out", "/dev/full"});
  EXPECT_EQ(run.status, 1) << run.err;
  EXPECT_NE(run.err.find("/dev/full"), std::string::npos) << run.err;
}

TEST(CliFailures, EverySubcommandReportsAFailedWriteToStdout) {
  std::vector<std::vector<std::string>> runs = kQuickRuns;
  json input = zero_case(2, 3, {1}, json::parse("[[0, 1, 1]]"), json::parse("[[1, 0]]"));
  const std::string path = write_file("ok_case.json", input.dump());
  runs.push_back({"grad", "--case", path});
  for (const auto& args : runs) {
    const Outcome run = cpg_test::run_cpg(args, "/dev/full");
    EXPECT_EQ(run.status, 1) << args[0] << ": " << run.err;
    EXPECT_NE(run.err.find("cannot write to stdout"), std::string::npos) << args[0] << ": " << run.err;
  }
  std::remove(path.c_str());
}

TEST(CliFailures, EverySubcommandRejectsNonFiniteHugeNegativeAndWrongTypeOptions) {
  struct Case {
    std::vector<std::string> args;
    std::string field;
  };
  const std::vector<Case> cases = {
      {{"train", "--lr", "nan"}, "lr"},
      {{"train", "--S", "4294967298"}, "S"},
      {{"train", "--batch", "-3"}, "batch"},
      {{"train", "--T", "abc"}, "T"},
      {{"train", "--alpha", "1e999"}, "alpha"},
      {{"sample", "--seed", "-1"}, "seed"},
      {{"sample", "--n", "4294967297"}, "n"},
      {{"sample", "--alpha", "inf"}, "alpha"},
      {{"lemma", "--beta", "nan"}, "beta"},
      {{"lemma", "--S", "99999999999"}, "S"},
      {{"lemma", "--batch", "-1"}, "batch"},
      {{"reproduce", "fig9", "--graphs", "-1"}, "graphs"},
      {{"reproduce", "fig9", "--lr", "inf"}, "lr"},
      {{"reproduce", "fig9", "--steps", "1e400"}, "steps"},
  };
  for (const auto& c : cases) expect_input_error(c.args, {c.field});
}

TEST(CliFailures, AHugeStringOptionIsClippedInTheMessage) {
  const std::string huge(10000, 'x');
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"train", "--graph", huge, "--steps", "1"},
           {"train", "--optimizer", huge, "--steps", "1"},
           {"sample", "--graph", "custom", "--T", "4", "--spec", huge},
           {"lemma", "--graph", huge},
           {"train", "--S", std::string(10000, '9')},
           {"reproduce", huge}}) {
    const Outcome run = run_cli(args);
    EXPECT_EQ(run.status, 2) << run.err.substr(0, 300);
    EXPECT_LT(run.err.size(), 600u) << args[1] << ": the message echoes the whole value";
  }
}

// ---------------------------------------------------------------------------------------------
// cpg probe
// ---------------------------------------------------------------------------------------------
TEST(CliProbe, PrintsTheThreeErrorsAndAnExample) {
  const Outcome run = run_cli({"probe", "--S", "4", "--T", "10", "--steps", "50", "--batch", "16", "--law", "sticky",
                           "--sequences", "100"});
  ASSERT_EQ(run.status, 0) << run.err;
  const json out = json::parse(run.out);
  EXPECT_EQ(out["sequences"], 100);
  EXPECT_EQ(out["law"]["name"], "sticky");
  for (const char* key : {"model", "counts", "uniform"}) {
    EXPECT_TRUE(out["error"][key].is_number()) << key;
    EXPECT_GE(out["error"][key].get<double>(), 0.0) << key;
    EXPECT_LE(out["error"][key].get<double>(), 1.0) << key;
  }
  EXPECT_EQ(out["example"]["tokens"].size(), 10u);
  EXPECT_EQ(out["example"]["model"].size(), 4u);
}

TEST(CliProbe, BadLawsAndGraphsAreInputErrors) {
  expect_input_error({"probe", "--law", "spiral", "--steps", "1"}, {"law", "cycle|sticky|random"});
  expect_input_error({"probe", "--sequences", "0", "--steps", "1"}, {"sequences", "[1, 100000]"});
  expect_input_error({"probe", "--graph", "trigram", "--steps", "1"}, {"single-parent"});
  const std::string path = write_file("law.json", "[[0.5, 0.6], [0, 1]]");
  expect_input_error({"probe", "--S", "2", "--law-file", path, "--steps", "1"}, {"row 0", "sum to 1"});
  std::remove(path.c_str());
}

// ---------------------------------------------------------------------------------------------
// cpg train --ablate / --at
// ---------------------------------------------------------------------------------------------
TEST(CliInterventions, AScheduledAblationIsAppliedAtItsStepAndLogged) {
  const std::string out = temp_path("interventions.json");
  const Outcome run = run_cli({"train", "--S", "3", "--T", "8", "--batch", "16", "--steps", "20", "--every", "10", "--at",
                           "5:ablate=1:1", "--at", "15:restore=1:1", "--out", out});
  ASSERT_EQ(run.status, 0) << run.err;
  std::vector<std::pair<int, std::string>> marked;
  for (const json& line : json_lines(run.out))
    if (line.contains("intervention")) marked.push_back({line["step"].get<int>(), line["intervention"].get<std::string>()});
  ASSERT_EQ(marked.size(), 2u) << run.out;
  EXPECT_EQ(marked[0], (std::pair<int, std::string>{5, "ablate 1:1 zero"}));
  EXPECT_EQ(marked[1], (std::pair<int, std::string>{15, "restore 1:1"}));
  const json snapshot = json::parse(cpg_test::read_text(out));
  ASSERT_EQ(snapshot["interventions"].size(), 2u);
  EXPECT_EQ(snapshot["interventions"][0]["step"], 5);
  std::remove(out.c_str());
}

TEST(CliInterventions, BadSchedulesAreInputErrors) {
  expect_input_error({"train", "--steps", "10", "--at", "5:ablate=3:1"}, {"layer must be in [1, 2]"});
  expect_input_error({"train", "--steps", "10", "--at", "50:ablate=1:1"}, {"at", "after the last step"});
  expect_input_error({"train", "--steps", "10", "--at", "5:freeze=A7"}, {"freeze"});
  expect_input_error({"train", "--steps", "10", "--ablate", "1:1:sideways"}, {"ablation", "zero|uniform"});
  expect_input_error({"train", "--steps", "10", "--at", "five:ablate=1:1"}, {"at must be STEP:ACTION"});
}

// ============================================================================================
// cpg grad, standard transformer cases
// ============================================================================================

namespace {

json random_matrix(int rows, int cols, cpg::Rng& rng, double scale) {
  json m = json::array();
  for (int r = 0; r < rows; ++r) {
    std::vector<double> row(cols);
    for (double& v : row) v = scale * rng.normal();
    m.push_back(row);
  }
  return m;
}

json random_vector(int n, cpg::Rng& rng, double scale) {
  std::vector<double> v(n);
  for (double& x : v) x = scale * rng.normal();
  return v;
}

// {model: "standard", ...} with random parameters; d = S + T, m = mlp_width or d.
json standard_case(int S, int T, const std::vector<int>& heads, int mlp_width, const json& tokens, const json& targets) {
  cpg::Rng rng(17, 0);
  const int d = S + T, m = mlp_width > 0 ? mlp_width : d;
  json layers = json::array();
  for (int H : heads) {
    json A = json::array();
    for (int h = 0; h < H; ++h) A.push_back(random_matrix(d, d, rng, 0.3));
    layers.push_back({{"A", A},
                      {"V", random_matrix(H * d, d, rng, 0.3)},
                      {"W1", random_matrix(d, m, rng, 0.3)},
                      {"b1", random_vector(m, rng, 0.3)},
                      {"W2", random_matrix(m, d, rng, 0.3)},
                      {"b2", random_vector(d, rng, 0.3)}});
  }
  return {{"model", "standard"}, {"S", S},          {"T", T},
          {"heads", heads},      {"mlp_width", mlp_width},
          {"wte", random_matrix(S, d, rng, 0.5)},   {"wpe", random_matrix(T, d, rng, 0.5)},
          {"layers", layers},    {"W", random_matrix(d, S, rng, 0.5)},
          {"tokens", tokens},    {"targets", targets}};
}

}  // namespace

TEST(Cli, GradOfAStandardCaseMatchesTheEngineBlockByBlock) {
  const int S = 3, T = 4, m = 5;
  const std::vector<int> heads = {2, 1};
  const json input = standard_case(S, T, heads, m, json::parse("[[0, 1, 2, 1], [2, 2, 0, 0]]"),
                                   json::parse("[[1, 0, 0], [0.25, 0.25, 0.5]]"));
  const std::string path = write_file("standard_case.json", input.dump());
  // The same parameters in the engine's flat buffer, from the JSON.
  const cpg::ModelShape shape = cpg::ModelShape::make(S, T, heads, cpg::ModelKind::standard, true, m);
  cpg::Params<double> params(shape);
  const int d = S + T;
  auto put = [](const json& matrix, double* out) {
    for (const json& row : matrix)
      for (const json& v : row) *out++ = v.get<double>();
  };
  put(input["wte"], params.wte());
  put(input["wpe"], params.wpe());
  put(input["W"], params.W());
  for (int l = 0; l < 2; ++l) {
    const json& layer = input["layers"][l];
    for (int h = 0; h < heads[l]; ++h) put(layer["A"][h], params.A(l, h));
    put(layer["V"], params.V(l));
    put(layer["W1"], params.W1(l));
    put(layer["W2"], params.W2(l));
    for (int k = 0; k < m; ++k) params.b1(l)[k] = layer["b1"][k].get<double>();
    for (int k = 0; k < d; ++k) params.b2(l)[k] = layer["b2"][k].get<double>();
  }
  cpg::Batch batch;
  batch.B = 2;
  batch.T = T;
  batch.S = S;
  batch.tokens = {0, 1, 2, 1, 2, 2, 0, 0};
  batch.targets = {1, 0, 0, 0.25, 0.25, 0.5};
  cpg::StandardTransformer<double> model(shape);
  cpg::Params<double> expected(shape);
  const double expected_loss = model.loss_and_grad(params, batch, &expected, cpg::Path::dense);

  for (const char* path_name : {"fast", "dense"}) {
    const Outcome run = run_cli({"grad", "--case", path, "--path", path_name});
    ASSERT_EQ(run.status, 0) << run.err;
    const json output = json::parse(run.out);
    EXPECT_NEAR(output.at("loss").get<double>(), expected_loss, 1e-12);
    const json& grad = output.at("grad");
    cpg::Params<double> got(shape);
    put(grad.at("wte"), got.wte());
    put(grad.at("wpe"), got.wpe());
    put(grad.at("W"), got.W());
    ASSERT_EQ(grad.at("layers").size(), 2u);
    for (int l = 0; l < 2; ++l) {
      const json& layer = grad.at("layers")[l];
      ASSERT_EQ(layer.at("A").size(), static_cast<size_t>(heads[l]));
      for (int h = 0; h < heads[l]; ++h) put(layer.at("A")[h], got.A(l, h));
      put(layer.at("V"), got.V(l));
      put(layer.at("W1"), got.W1(l));
      put(layer.at("W2"), got.W2(l));
      ASSERT_EQ(layer.at("b1").size(), static_cast<size_t>(m));
      ASSERT_EQ(layer.at("b2").size(), static_cast<size_t>(d));
      for (int k = 0; k < m; ++k) got.b1(l)[k] = layer.at("b1")[k].get<double>();
      for (int k = 0; k < d; ++k) got.b2(l)[k] = layer.at("b2")[k].get<double>();
    }
    double largest = 0;
    for (size_t k = 0; k < shape.size; ++k) {
      EXPECT_NEAR(got.data[k], expected.data[k], 1e-10 * (1 + std::abs(expected.data[k]))) << path_name << " entry " << k;
      largest = std::max(largest, std::abs(expected.data[k]));
    }
    EXPECT_GT(largest, 1e-3);  // not a vacuous comparison of zeros
  }
  std::remove(path.c_str());
}

TEST(Cli, GradOfAStandardCaseNamesTheBadField) {
  const json tokens = json::parse("[[0, 1, 1]]"), targets = json::parse("[[1, 0]]");
  const json good = standard_case(2, 3, {1}, 0, tokens, targets);
  const auto expect_error = [&](const json& input, const std::vector<std::string>& words) {
    const std::string path = write_file("bad_standard.json", input.dump());
    expect_input_error({"grad", "--case", path}, words);
    std::remove(path.c_str());
  };
  json bad = good;
  bad["model"] = "gpt";
  expect_error(bad, {"case", "model", "standard"});
  bad = good;
  bad["mlp_width"] = 2000;
  expect_error(bad, {"case", "mlp_width", "[0, 1024]"});
  bad = good;
  bad["mlp_width"] = 2.5;
  expect_error(bad, {"case", "mlp_width", "integer"});
  bad = good;
  bad.erase("mlp_width");
  expect_error(bad, {"case", "mlp_width", "missing"});
  bad = good;
  bad["layers"][0].erase("V");
  expect_error(bad, {"case", "layers[0].V", "missing"});
  bad = good;
  bad["layers"][0]["W1"] = zeros(5, 4);  // m = d = 5
  expect_error(bad, {"case", "layers[0].W1", "5 x 5"});
  bad = good;
  bad["layers"][0]["b2"] = std::vector<double>(4, 0.0);
  expect_error(bad, {"case", "layers[0].b2", "5 numbers"});
  bad = good;
  bad["wpe"] = zeros(2, 5);
  expect_error(bad, {"case", "wpe", "3 rows"});
  bad = good;
  bad["layers"] = json::array();
  expect_error(bad, {"case", "layers", "1 layers"});
  bad = good;
  bad["layers"][0]["b1"][1] = "x";
  expect_error(bad, {"case", "layers[0].b1", "[1]", "finite number"});
}
