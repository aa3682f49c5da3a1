// Fuzz target: the `cpg grad` case reader (cpp/cli/io.hpp parse_json, cpp/cli/grad_case.hpp).
// Any bytes must either be refused with an InputError or give a case whose loss the fast path
// and the dense reference agree on; never crash, overflow the stack or allocate without bound.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>

#include "catformer.hpp"
#include "grad_case.hpp"
#include "io.hpp"
#include "standard.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    cpg::cli::GradCase input = cpg::cli::read_grad_case(cpg::cli::parse_json(text, "case"));
    // The reader accepts models of up to 2^24 parameters; compute only on small ones, so that
    // the fuzzer spends its time on the reader rather than on one large forward pass.
    if (input.shape.size > 20000 || input.batch.B > 64) return 0;
    double fast = 0, dense = 0;
    if (input.shape.kind == cpg::ModelKind::standard) {
      cpg::StandardTransformer<double> model(input.shape);
      fast = model.loss_and_grad(input.params, input.batch, nullptr, cpg::Path::fast);
      dense = model.loss_and_grad(input.params, input.batch, nullptr, cpg::Path::dense);
    } else {
      cpg::CatFormer<double> model(input.shape);
      fast = model.loss_and_grad(input.params, input.batch, nullptr, cpg::Path::fast);
      dense = model.loss_and_grad(input.params, input.batch, nullptr, cpg::Path::dense);
    }
    if (std::isfinite(fast) != std::isfinite(dense)) __builtin_trap();
    if (std::isfinite(fast) && std::fabs(fast - dense) > 1e-6 * (1 + std::fabs(dense))) __builtin_trap();
  } catch (const cpg::cli::InputError& e) {
    if (std::string(e.what()).size() > 2000) __builtin_trap();  // messages never echo unbounded input
  }
  return 0;
}
