#include "batch_stream.hpp"

#include <exception>
#include <optional>
#include <utility>

#ifndef CPG_NO_THREADS
#include <condition_variable>
#include <mutex>
#include <thread>
#endif

namespace cpg {

#ifndef CPG_NO_THREADS
// The thread holds the Rng while it runs and keeps at most one batch ready in `slot`. A batch
// being drawn when the thread is told to stop is still put in the slot, so none is lost and
// the Rng handed back is just past the slot's batch.
struct BatchStream::Ahead {
  std::mutex mutex;
  std::condition_variable changed;
  std::optional<Batch> slot;
  std::exception_ptr failure;
  bool stop = false;
  Rng rng;
  std::thread thread;

  Ahead(const Sampler& sampler, int B, Rng start) : rng(start) {
    thread = std::thread([this, &sampler, B] {
      for (;;) {
        {
          std::unique_lock<std::mutex> lock(mutex);
          changed.wait(lock, [&] { return stop || (!slot && !failure); });
          if (stop) return;
        }
        std::optional<Batch> batch;
        std::exception_ptr error;
        try {
          batch = sampler.sample_batch(B, rng);
        } catch (...) {
          error = std::current_exception();
        }
        {
          std::lock_guard<std::mutex> lock(mutex);
          slot = std::move(batch);
          failure = error;
        }
        changed.notify_all();
      }
    });
  }

  Batch take() {
    std::unique_lock<std::mutex> lock(mutex);
    changed.wait(lock, [&] { return slot.has_value() || failure; });
    if (failure) std::rethrow_exception(failure);
    Batch batch = std::move(*slot);
    slot.reset();
    lock.unlock();
    changed.notify_all();
    return batch;
  }

  // Stops the thread; returns the batch it had drawn ahead, if any.
  std::optional<Batch> finish() {
    {
      std::lock_guard<std::mutex> lock(mutex);
      stop = true;
    }
    changed.notify_all();
    thread.join();
    return std::move(slot);
  }
};
#else
struct BatchStream::Ahead {};
#endif

BatchStream::BatchStream(const Sampler& sampler, int B, Rng rng) : sampler_(sampler), B_(B), rng_(rng) {}

BatchStream::~BatchStream() { set_background(false); }

bool BatchStream::threads_available() {
#ifdef CPG_NO_THREADS
  return false;
#else
  return true;
#endif
}

bool BatchStream::spare_core(int jobs) {
#ifdef CPG_NO_THREADS
  (void)jobs;
  return false;
#else
  const unsigned cores = std::thread::hardware_concurrency();   // 0 when unknown
  return jobs >= 1 && cores >= 2u * static_cast<unsigned>(jobs);
#endif
}

bool BatchStream::draws_ahead(SampleAhead mode, int jobs) {
  switch (mode) {
    case SampleAhead::on: return threads_available();
    case SampleAhead::off: return false;
    case SampleAhead::automatic: break;
  }
  return spare_core(jobs);
}

bool BatchStream::background() const { return ahead_ != nullptr; }

void BatchStream::set_background(bool on) {
#ifndef CPG_NO_THREADS
  if (on && !ahead_) {
    ahead_ = std::make_unique<Ahead>(sampler_, B_, rng_);
  } else if (!on && ahead_) {
    std::optional<Batch> drawn = ahead_->finish();
    rng_ = ahead_->rng;
    if (drawn) pending_ = std::move(drawn);
    ahead_.reset();
  }
#else
  (void)on;
#endif
}

Batch BatchStream::next() {
  if (pending_) {
    Batch batch = std::move(*pending_);
    pending_.reset();
    return batch;
  }
#ifndef CPG_NO_THREADS
  if (ahead_) return ahead_->take();
#endif
  return sampler_.sample_batch(B_, rng_);
}

void BatchStream::restart(Rng rng) {
  const bool was_background = background();
  set_background(false);
  pending_.reset();
  rng_ = rng;
  set_background(was_background);
}

}  // namespace cpg
