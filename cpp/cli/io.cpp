#include "io.hpp"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <ostream>

namespace cpg::cli {

using nlohmann::json;

std::string clip(const std::string& text, size_t max_chars) {
  if (text.size() <= max_chars) return text;
  return text.substr(0, max_chars) + "... (" + std::to_string(text.size()) + " characters)";
}

std::string describe(const json& value) {
  switch (value.type()) {
    case json::value_t::array:
      return "a list of " + std::to_string(value.size()) + (value.size() == 1 ? " item" : " items");
    case json::value_t::object:
      return "an object with " + std::to_string(value.size()) + (value.size() == 1 ? " field" : " fields");
    case json::value_t::string:
      return "'" + clip(value.get_ref<const std::string&>()) + "'";
    default:
      return clip(value.dump());  // a number, true, false or null: short, not nested
  }
}

json parse_json(const std::string& text, const std::string& what) {
  // The parser itself is iterative; the limit keeps every later walk over the value (and any
  // message about it) shallow, and turns a hostile file into one clear message.
  const json::parser_callback_t limit_depth = [&what](int depth, json::parse_event_t event, json&) {
    if ((event == json::parse_event_t::object_start || event == json::parse_event_t::array_start) &&
        depth >= kMaxJsonDepth)
      throw InputError(what + ": JSON nests deeper than " + std::to_string(kMaxJsonDepth) + " levels");
    return true;
  };
  try {
    return json::parse(text, limit_depth);
  } catch (const json::parse_error& e) {
    throw InputError(what + ": not valid JSON: " + clip(e.what(), 200));
  } catch (const json::out_of_range& e) {  // a number such as 1e999 that no double holds
    throw InputError(what + ": a number is out of range: " + clip(e.what(), 200));
  }
}

json read_json_file(const std::string& path, const std::string& what) {
  std::error_code error;
  const bool regular = std::filesystem::is_regular_file(path, error);
  if (regular) {
    const std::uintmax_t bytes = std::filesystem::file_size(path, error);
    if (!error && bytes > kMaxJsonBytes)
      throw InputError(what + ": '" + clip(path) + "' is " + std::to_string(bytes >> 20) + " MiB; the limit is " +
                       std::to_string(kMaxJsonBytes >> 20) + " MiB");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(what + ": cannot open '" + clip(path) + "'");
  std::string text;
  // Stop at the limit, so a pipe or a device such as /dev/zero cannot grow memory without bound.
  std::istreambuf_iterator<char> it(in), end;
  for (std::uintmax_t n = 0; it != end; ++it, ++n) {
    if (n >= kMaxJsonBytes)
      throw InputError(what + ": '" + clip(path) + "' is larger than " + std::to_string(kMaxJsonBytes >> 20) + " MiB");
    text.push_back(*it);
  }
  if (in.bad()) throw InputError(what + ": cannot read '" + clip(path) + "'");
  return parse_json(text, what);
}

void write_line(std::ostream& out, const std::string& text, const std::string& where) {
  out << text << '\n';
  out.flush();
  if (!out) throw OutputError("cannot write to " + where + " (disk full, or the file or pipe closed)");
}

}  // namespace cpg::cli
