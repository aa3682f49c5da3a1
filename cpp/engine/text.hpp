// Small text helpers for messages and specs. No iostreams: they would add about 90 KB of
// locale code to the WebAssembly module.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

namespace cpg::text {

// "a,b,,c" -> {"a", "b", "", "c"}; keeps empty items, including a trailing one.
inline std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> items(1);
  for (char c : text) {
    if (c == separator) items.emplace_back();
    else items.back() += c;
  }
  return items;
}

// A number as a message quotes it: 0.05, 1e-05, 1000 (like printf's %g).
inline std::string number(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%g", value);
  return buffer;
}

// A user's value as a message quotes it: in single quotes, clipped to max_chars so that a
// hostile or mistaken 10 kB input never comes back whole.
inline std::string quoted(const std::string& value, size_t max_chars = 60) {
  if (value.size() <= max_chars) return "'" + value + "'";
  return "'" + value.substr(0, max_chars) + "...' (" + std::to_string(value.size()) + " characters)";
}

}  // namespace cpg::text
