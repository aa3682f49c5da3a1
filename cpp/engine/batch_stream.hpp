// The training batches of a run, in order: batch t is the t-th call of Sampler::sample_batch on
// one Rng, so it depends only on the seed and t.
//
// With a thread of its own (native builds), the stream draws batch t + 1 while the caller trains
// on batch t: the sampler is about 40% of a step at the paper's chain setting, and on a spare core
// it then costs no time. The batches are the same, bit for bit, with or without the thread
// (tests/cpp/test_batch_stream.cpp): only one thread touches the Rng at a time, in the same order.
// WebAssembly builds are compiled without threads (CPG_NO_THREADS) and always draw in the caller.
#pragma once

#include <memory>
#include <optional>

#include "rng.hpp"
#include "sampler.hpp"

namespace cpg {

// Whether a run draws its batches ahead on a thread of its own: `automatic` when the machine has a
// core to spare for it (BatchStream::spare_core), or always (`on`, where threads are built) or
// never (`off`). The batches, and so the results, are the same in all three.
enum class SampleAhead { automatic, on, off };

class BatchStream {
 public:
  // `sampler` must outlive the stream. B >= 1.
  BatchStream(const Sampler& sampler, int B, Rng rng);
  ~BatchStream();
  BatchStream(const BatchStream&) = delete;
  BatchStream& operator=(const BatchStream&) = delete;

  // The next batch of the stream.
  Batch next();
  // Starts the stream again from `rng` (a reset); a batch drawn ahead is dropped.
  void restart(Rng rng);

  // Whether batches are drawn ahead on a thread of the stream's own. Turning it on or off keeps
  // the stream where it is. Off by default; on has no effect where threads are not built.
  void set_background(bool on);
  bool background() const;

  // Whether this build can draw on a thread (false in WebAssembly).
  static bool threads_available();
  // Whether a run that shares the machine with `jobs - 1` others has a core to spare for its
  // sampler: at least 2 * jobs hardware threads.
  static bool spare_core(int jobs);
  // What `mode` decides for a run that shares the machine with `jobs - 1` others.
  static bool draws_ahead(SampleAhead mode, int jobs);

 private:
  struct Ahead;   // the thread and its one-batch slot (batch_stream.cpp)
  const Sampler& sampler_;
  int B_;
  Rng rng_;                       // the stream's position when no thread holds it
  std::optional<Batch> pending_;  // drawn ahead before the thread stopped: the next batch
  std::unique_ptr<Ahead> ahead_;
};

}  // namespace cpg
