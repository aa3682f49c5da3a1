// Engine results as JS arrays, for cpp/wasm/bindings.cpp and js_full_module.cpp: typed arrays JS
// owns (the elements are copied into the answer's bytes, so the copy stays valid when the heap
// grows or the trainer is replaced) and plain arrays of arrays.
#pragma once

#include <cstddef>
#include <vector>

#include "js_value.hpp"

namespace cpg::wasm {

// A typed array JS owns: the elements are copied into the answer's bytes.
template <typename Number>
JsValue copy_to_typed_array(const Number* data, size_t count) {
  return JsValue::typed(data, count);
}

template <typename Number>
JsValue array_of_arrays(const std::vector<std::vector<Number>>& rows) {
  JsValue out = JsValue::array();
  for (const auto& row : rows) out.push(JsValue(row));
  return out;
}

}  // namespace cpg::wasm
