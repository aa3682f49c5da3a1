// A loss curve of bounded size, whatever the length of the run.
//
// It holds at most `capacity` closed points. Each point is the mean of `bucket()` consecutive
// samples and carries the step of the last of them. When the points fill up, neighbours merge
// pairwise and the bucket doubles: memory stays fixed, and no sample is dropped, only averaged,
// so the curve keeps its level and shape. A run of 33 million steps keeps 4096 points of 8192
// steps each instead of 33 million points.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <vector>

namespace cpg {

struct LossPoint {
  int64_t step;
  double loss;
};

class LossHistory {
 public:
  static constexpr size_t kDefaultCapacity = 4096;

  explicit LossHistory(size_t capacity = kDefaultCapacity) : capacity_(capacity) {
    if (capacity_ < 2 || capacity_ % 2 != 0) throw std::invalid_argument("LossHistory capacity must be even and >= 2");
    points_.reserve(capacity_);
  }

  void add(int64_t step, double loss) {
    open_sum_ += loss;
    open_last_step_ = step;
    if (++open_count_ < bucket_) return;
    points_.push_back({open_last_step_, open_sum_ / static_cast<double>(open_count_)});
    open_sum_ = 0;
    open_count_ = 0;
    if (points_.size() == capacity_) merge_pairs();
  }

  void clear() {
    points_.clear();
    bucket_ = 1;
    open_sum_ = 0;
    open_count_ = 0;
  }

  // Closed points, oldest first, each the mean of bucket() samples.
  const std::vector<LossPoint>& points() const { return points_; }
  // The closed points and, when it holds any sample, the bucket still filling up (its mean so
  // far): the whole curve up to the last sample, for a final report.
  std::vector<LossPoint> all_points() const {
    std::vector<LossPoint> all = points_;
    if (open_count_ > 0) all.push_back({open_last_step_, open_sum_ / static_cast<double>(open_count_)});
    return all;
  }
  // Samples per closed point.
  int64_t bucket() const { return bucket_; }
  size_t capacity() const { return capacity_; }

 private:
  void merge_pairs() {
    // Both members of a pair hold bucket_ samples, so the plain mean is the weighted one.
    for (size_t k = 0; k < points_.size() / 2; ++k)
      points_[k] = {points_[2 * k + 1].step, 0.5 * (points_[2 * k].loss + points_[2 * k + 1].loss)};
    points_.resize(points_.size() / 2);
    bucket_ *= 2;
  }

  size_t capacity_;
  int64_t bucket_ = 1;
  std::vector<LossPoint> points_;
  double open_sum_ = 0;
  int64_t open_count_ = 0;
  int64_t open_last_step_ = 0;
};

}  // namespace cpg
