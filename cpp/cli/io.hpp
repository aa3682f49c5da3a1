// What the command line reads and writes, with its failure classes in one place:
//   InputError      bad option or file: the message names the field and its range (exit 2)
//   OutputError     a write that did not reach its file or stdout (exit 1, naming the path)
//   NonFiniteError  a result that is NaN or infinite (exit 3, as a diverged `cpg train`)
// No message ever echoes unbounded input: values are clipped, and nested JSON is described by
// its type and size, never dumped.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

namespace cpg::cli {

struct InputError : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};
struct OutputError : std::runtime_error {
  using std::runtime_error::runtime_error;
};
struct NonFiniteError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Limits on a JSON input file: its size and how deeply arrays and objects may nest.
constexpr std::uintmax_t kMaxJsonBytes = 256u << 20;  // 256 MiB
constexpr int kMaxJsonDepth = 16;                     // a grad case needs 4 (A[layer][head][row][col])

// At most max_chars characters of text, with "..." and the full length when cut.
std::string clip(const std::string& text, size_t max_chars = 80);

// A JSON value as a message quotes it: a scalar clipped, a list or an object by its size only.
std::string describe(const nlohmann::json& value);

// Parses text as JSON with the depth limit; `what` names the input in messages ("case").
nlohmann::json parse_json(const std::string& text, const std::string& what);
// Reads and parses a file with the size and depth limits; throws InputError naming `what`.
nlohmann::json read_json_file(const std::string& path, const std::string& what);

// Writes text and a newline to out and flushes; throws OutputError naming `where` when the
// bytes did not get through (a full disk, a closed pipe).
void write_line(std::ostream& out, const std::string& text, const std::string& where);

}  // namespace cpg::cli
