// Tests for batch_stream.hpp: drawing ahead on a thread gives the same batches, in the same
// order, as drawing in the caller, through restarts and switches; and a Trainer that samples in
// the background trains to the same bits.
#include <gtest/gtest.h>

#include <vector>

#include "batch_stream.hpp"
#include "graph.hpp"
#include "trainer.hpp"

namespace {

using cpg::Batch;
using cpg::BatchStream;
using cpg::Rng;
using cpg::Sampler;

bool same(const Batch& a, const Batch& b) {
  return a.B == b.B && a.T == b.T && a.S == b.S && a.tokens == b.tokens && a.targets == b.targets;
}

Sampler chain_sampler() {
  cpg::TrainConfig config;
  config.graph = "chain";
  config.S = 5;
  config.T = 12;
  return Sampler(cpg::make_graph(config), config.S, config.alpha);
}

// The plain formula: sample_batch called in turn on one Rng.
std::vector<Batch> drawn_in_turn(const Sampler& sampler, int B, Rng rng, int count) {
  std::vector<Batch> out;
  for (int k = 0; k < count; ++k) out.push_back(sampler.sample_batch(B, rng));
  return out;
}

TEST(BatchStream, DrawingAheadGivesTheBatchesOfTheCallersRng) {
  if (!BatchStream::threads_available()) GTEST_SKIP() << "no threads in this build";
  const Sampler sampler = chain_sampler();
  const std::vector<Batch> expected = drawn_in_turn(sampler, 64, Rng(7, 1), 12);
  BatchStream stream(sampler, 64, Rng(7, 1));
  stream.set_background(true);
  EXPECT_TRUE(stream.background());
  for (int k = 0; k < 12; ++k) EXPECT_TRUE(same(stream.next(), expected[k])) << "batch " << k;
}

TEST(BatchStream, SwitchingTheThreadOnAndOffKeepsThePlace) {
  if (!BatchStream::threads_available()) GTEST_SKIP() << "no threads in this build";
  const Sampler sampler = chain_sampler();
  const std::vector<Batch> expected = drawn_in_turn(sampler, 32, Rng(3, 1), 10);
  BatchStream stream(sampler, 32, Rng(3, 1));
  // off, on, off straight after a batch was drawn ahead, on twice, ...
  const bool pattern[10] = {false, true, false, true, true, false, false, true, false, true};
  for (int k = 0; k < 10; ++k) {
    stream.set_background(pattern[k]);
    EXPECT_TRUE(same(stream.next(), expected[k])) << "batch " << k;
  }
}

TEST(BatchStream, RestartDropsWhatWasDrawnAhead) {
  const Sampler sampler = chain_sampler();
  const std::vector<Batch> first = drawn_in_turn(sampler, 16, Rng(1, 1), 3);
  const std::vector<Batch> second = drawn_in_turn(sampler, 16, Rng(2, 1), 3);
  BatchStream stream(sampler, 16, Rng(1, 1));
  stream.set_background(true);
  EXPECT_TRUE(same(stream.next(), first[0]));
  stream.restart(Rng(2, 1));
  EXPECT_EQ(stream.background(), BatchStream::threads_available());
  for (int k = 0; k < 3; ++k) EXPECT_TRUE(same(stream.next(), second[k])) << "batch " << k;
}

TEST(BatchStream, WithoutAThreadEveryBatchIsDrawnInTheCaller) {
  const Sampler sampler = chain_sampler();
  const std::vector<Batch> expected = drawn_in_turn(sampler, 8, Rng(5, 1), 4);
  BatchStream stream(sampler, 8, Rng(5, 1));
  EXPECT_FALSE(stream.background());
  for (int k = 0; k < 4; ++k) EXPECT_TRUE(same(stream.next(), expected[k]));
}

TEST(BatchStream, SpareCoreNeedsTwoHardwareThreadsPerJob) {
  EXPECT_FALSE(BatchStream::spare_core(0));
  EXPECT_FALSE(BatchStream::spare_core(1 << 20));
}

TEST(BatchStream, SampleAheadModesDecideAsDocumented) {
  using cpg::SampleAhead;
  EXPECT_FALSE(BatchStream::draws_ahead(SampleAhead::off, 1));
  EXPECT_EQ(BatchStream::draws_ahead(SampleAhead::on, 1 << 20), BatchStream::threads_available());
  EXPECT_FALSE(BatchStream::draws_ahead(SampleAhead::automatic, 1 << 20));   // no machine has 2^21 threads
  EXPECT_EQ(BatchStream::draws_ahead(SampleAhead::automatic, 1), BatchStream::spare_core(1));
}

// A run with the sampler on its own thread is the same run: same losses, same parameters, bit
// for bit, through a reset with a new seed.
TEST(BatchStream, ATrainerSamplingInTheBackgroundTrainsToTheSameBits) {
  if (!BatchStream::threads_available()) GTEST_SKIP() << "no threads in this build";
  cpg::TrainConfig config;
  config.graph = "chain";
  config.S = 5;
  config.T = 10;
  config.batch = 64;
  config.test_size = 32;
  config.init_std = 0.1;
  cpg::Trainer plain(config), threaded(config);
  threaded.sample_in_background(true);
  ASSERT_TRUE(threaded.sampling_in_background());
  for (int round = 0; round < 2; ++round) {
    plain.run(7);
    threaded.run(3);
    threaded.run(4);
    EXPECT_EQ(plain.params().data, threaded.params().data) << "round " << round;
    EXPECT_EQ(plain.evaluate().train_loss, threaded.evaluate().train_loss) << "round " << round;
    plain.reset(11);
    threaded.reset(11);
  }
  EXPECT_TRUE(threaded.sampling_in_background());
}

}  // namespace
