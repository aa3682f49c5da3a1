// Runs the real `cpg` binary (its path is the compile definition CPG_BINARY) for the CLI tests:
// exit status, stdout and stderr, through files in the test's temporary directory.
#pragma once

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace cpg_test {

struct Outcome {
  int status = -1;  // exit status, or -1 when the process did not exit normally
  std::string out, err;
};

inline std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// A path in the test's temporary directory, unique within this process.
inline std::string temp_path(const std::string& name) {
  static int counter = 0;
  return ::testing::TempDir() + "cpg_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++) + "_" + name;
}

// Single-quoted for /bin/sh.
inline std::string quoted(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// stdout_to: where stdout goes instead of a file that run.out is read from (e.g. /dev/full).
inline Outcome run_cpg(const std::vector<std::string>& args, const std::string& stdout_to = "") {
  const std::string out_path = stdout_to.empty() ? temp_path("stdout") : stdout_to, err_path = temp_path("stderr");
  std::string command = quoted(CPG_BINARY);
  for (const auto& arg : args) command += " " + quoted(arg);
  command += " >" + quoted(out_path) + " 2>" + quoted(err_path) + " </dev/null";
  const int raw = std::system(command.c_str());
  Outcome run;
  run.status = raw != -1 && WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  run.err = read_text(err_path);
  if (stdout_to.empty()) {
    run.out = read_text(out_path);
    std::remove(out_path.c_str());
  }
  std::remove(err_path.c_str());
  return run;
}

// Runs `args`, expects the input-error status 2, an empty stdout, and every piece in stderr.
inline void expect_input_error(const std::vector<std::string>& args, const std::vector<std::string>& pieces) {
  const Outcome run = run_cpg(args);
  std::string shown;
  for (const auto& a : args) shown += a + " ";
  EXPECT_EQ(run.status, 2) << shown << "\nstderr: " << run.err;
  EXPECT_TRUE(run.out.empty()) << shown << "\nstdout: " << run.out;
  for (const auto& piece : pieces)
    EXPECT_NE(run.err.find(piece), std::string::npos) << shown << "\nexpected '" << piece << "' in stderr: " << run.err;
}

}  // namespace cpg_test
