#include "theory.hpp"

#include <Eigen/Dense>
#include <cmath>
#include <stdexcept>

#include "sampler.hpp"
#include "text.hpp"

namespace cpg {

namespace {

// Streams of config.seed used by the view, apart from the trainer's (1 train, 2 test, 3 init),
// so that the lemma's batch is not the first training batch by accident.
constexpr uint64_t kLemmaDataStream = 11, kLemmaInformationStream = 12;

// A pair j < i of input positions that share a tree, with their depths below the lowest common
// ancestor. Pairs in different trees are left out: their information is 0 for every pi.
struct TreePair {
  int i, j;
  int depth_i, depth_j;
};

void require_single_parent(const Graph& graph) {
  if (graph.multi_parent)
    throw std::invalid_argument("graph: the key lemma needs a single-parent task (chain, icl, tree, dag, or a custom "
                                "spec with T entries); " + text::quoted(graph.name) + " has several parents per position");
}

// Input positions are 0..T-2; the query T-1 has no parent and is independent of them.
std::vector<TreePair> tree_pairs(const Graph& graph) {
  require_single_parent(graph);
  const int inputs = graph.T - 1;
  std::vector<int> depth(inputs, 0);
  for (int i = 0; i < inputs; ++i) depth[i] = graph.parents[i].empty() ? 0 : depth[graph.parents[i][0]] + 1;
  auto parent = [&](int i) { return graph.parents[i][0]; };
  std::vector<TreePair> pairs;
  for (int i = 0; i < inputs; ++i)
    for (int j = 0; j < i; ++j) {
      // Climb the deeper one until both sit at the same depth, then climb both together.
      int a = i, b = j;
      while (depth[a] > depth[b]) a = parent(a);
      while (depth[b] > depth[a]) b = parent(b);
      while (a != b && !graph.parents[a].empty() && !graph.parents[b].empty()) {
        a = parent(a);
        b = parent(b);
      }
      if (a != b) continue;  // two different roots: different trees
      pairs.push_back({i, j, depth[i] - depth[a], depth[j] - depth[a]});
    }
  return pairs;
}

// pi^0 .. pi^max_power.
std::vector<Eigen::MatrixXd> matrix_powers(const Eigen::MatrixXd& pi, int max_power) {
  std::vector<Eigen::MatrixXd> powers(max_power + 1);
  powers[0] = Eigen::MatrixXd::Identity(pi.rows(), pi.cols());
  for (int d = 1; d <= max_power; ++d) powers[d] = powers[d - 1] * pi;
  return powers;
}

// I_chi2 of every tree pair for one law, written symmetrically into information (T, T).
void add_information_for_law(const std::vector<TreePair>& pairs, int T, const xt::xtensor<double, 2>& pi_tensor,
                             double weight, std::vector<double>& information) {
  const int S = static_cast<int>(pi_tensor.shape(0));
  Eigen::MatrixXd pi(S, S);
  for (int r = 0; r < S; ++r)
    for (int c = 0; c < S; ++c) pi(r, c) = pi_tensor(r, c);
  const xt::xtensor<double, 1> mu_tensor = stationary_distribution(pi_tensor);
  Eigen::VectorXd mu(S);
  for (int s = 0; s < S; ++s) mu(s) = mu_tensor(s);
  int max_depth = 0;
  for (const auto& pair : pairs) max_depth = std::max({max_depth, pair.depth_i, pair.depth_j});
  const std::vector<Eigen::MatrixXd> powers = matrix_powers(pi, max_depth);
  for (const auto& pair : pairs) {
    // P(s_i=x, s_j=y) = sum_z mu(z) pi^{d_i}(z, x) pi^{d_j}(z, y)
    const Eigen::MatrixXd joint = powers[pair.depth_i].transpose() * mu.asDiagonal() * powers[pair.depth_j];
    // The joint's own marginals are mu up to rounding; dividing by them keeps the sum >= 0
    // term by term even where mu underflows (tiny alpha), and cells of a zero marginal drop out.
    const Eigen::VectorXd marginal_i = joint.rowwise().sum(), marginal_j = joint.colwise().sum().transpose();
    double sum = 0.0;
    for (int x = 0; x < S; ++x)
      for (int y = 0; y < S; ++y)
        if (marginal_i(x) > 0.0 && marginal_j(y) > 0.0)
          sum += joint(x, y) * joint(x, y) / (marginal_i(x) * marginal_j(y));
    const double value = weight * (sum - 1.0);
    information[static_cast<size_t>(pair.i) * T + pair.j] += value;
    information[static_cast<size_t>(pair.j) * T + pair.i] += value;
  }
}

std::string out_of_range(const std::string& field, double value) {
  for (const auto& row : lemma_field_ranges())
    if (row.field == field) return field + " must be in " + row.range + " (got " + text::number(value) + ")";
  return field + " is out of range";
}

}  // namespace

// ==========================================================================================
// Chi-square mutual information
// ==========================================================================================

std::vector<double> chi_square_information_for_law(const Graph& graph, const xt::xtensor<double, 2>& pi) {
  std::vector<double> information(static_cast<size_t>(graph.T) * graph.T, 0.0);
  add_information_for_law(tree_pairs(graph), graph.T, pi, 1.0, information);
  return information;
}

std::vector<double> chi_square_mutual_information(const Graph& graph, int S, double alpha, int samples, Rng& rng) {
  if (samples < 1) throw std::invalid_argument("mi_samples must be at least 1 (got " + std::to_string(samples) + ")");
  const std::vector<TreePair> pairs = tree_pairs(graph);
  std::vector<double> information(static_cast<size_t>(graph.T) * graph.T, 0.0);
  xt::xtensor<double, 2> pi = xt::zeros<double>({static_cast<size_t>(S), static_cast<size_t>(S)});
  for (int n = 0; n < samples; ++n) {
    // Rows drawn in the order the sampler draws them.
    rng.dirichlet_symmetric_rows(alpha, pi.data(), S, S);
    add_information_for_law(pairs, graph.T, pi, 1.0 / samples, information);
  }
  return information;
}

// ==========================================================================================
// The lemma initialization
// ==========================================================================================
// catformer.hpp's stream, for heads [1, 1]:
//   layer-2 input  x_i = [onehot(s_i) 0..S-1, onehot(i) S..d_0-1 | out1_i d_0..d_1-1]
//   out1_i = sum_k P1_ik x^{(0)}_k, so its token part sum_k P1_ik onehot(s_k) is d_0 .. d_0+S-1
//   final row      [x_q 0..d_1-1 | out2_q d_1..d_2-1],  out2_q = sum_j P2_j x_j,
//   so the token part of out2_q, sum_j P2_j onehot(s_j), is d_1 .. d_1+S-1.
// Score of key j for the query q: x_q^T A_2 x_j = beta <onehot(s_q), out1_j token part>, which
// once layer 1 attends to parents is beta [s_{p(j)} = s_q]: the induction head.

template <typename Real>
Params<Real> lemma_initialization(const ModelShape& shape, double beta, double w) {
  if (shape.heads != std::vector<int>{1, 1}) {
    std::string got;
    for (size_t l = 0; l < shape.heads.size(); ++l) got += (l ? "," : "") + std::to_string(shape.heads[l]);
    throw std::invalid_argument("heads: the lemma initialization needs heads 1,1 (two layers of one head; got " + got +
                                ")");
  }
  const int S = shape.S, d0 = shape.d(0), d1 = shape.d(1);
  Params<Real> params(shape);  // all zero, so A_1 = 0
  Real* A2 = params.A(1, 0);   // (d_1, d_1)
  Real* W = params.W();        // (d_2, S)
  for (int r = 0; r < S; ++r) {
    A2[static_cast<size_t>(r) * d1 + d0 + r] = static_cast<Real>(beta);
    W[static_cast<size_t>(d1 + r) * S + r] = static_cast<Real>(w);
  }
  return params;
}

template Params<float> lemma_initialization<float>(const ModelShape&, double, double);
template Params<double> lemma_initialization<double>(const ModelShape&, double, double);

// ==========================================================================================
// The lemma view
// ==========================================================================================
// What the gradient is, to first order in beta w (A_1 = 0, so layer 1 averages the i + 1 visible
// positions; layer 2 and the readout are then nearly uniform), with y = pi[s_q] the target:
//   -dL/dA_1[S+i, S+j] ~ beta w / (T (i+1)) E[(y(s_i) - mean_k y(s_k)) ([s_j = s_q] - mean_{k<=i} [s_k = s_q])]
// The query is uniform and independent, so E[y(s_i) [s_j = s_q]] = E[pi(s_j, s_i)] / S: how well
// s_i follows s_j through pi. It is largest at the parent for every pi: s_j -> s_{p(i)} -> s_i, and
// by Cauchy-Schwarz sum_{x,z} P(s_j=x, s_{p(i)}=z) <pi_x, pi_z> <= sum_z mu(z) |pi_z|^2 since both
// marginals are mu. I_chi2 peaks there too; away from the parent the two are different
// functionals of the joint law, so they track each other without being proportional.
// Three things keep the row-centred correlation below 1, and none is sampling noise (it moves by
// about 0.01 across data seeds): the 1 / (i+1) weight of each row, a term that depends on j
// only (from mean_k y(s_k)), and the gap between E[pi(s_j, s_i)] and the chi-square form.
//
// Why beta = w = 1 by default: the gradient above is linear in beta w and so is the sampling
// noise, so smaller scales buy nothing; beyond a few units the softmaxes of layer 2 and of the
// readout saturate and higher-order terms blur the picture (at beta = w = 10 some rows of some
// random trees no longer peak at the parent). 1 and 1 sit in the linear regime.

const std::vector<FieldRange>& lemma_field_ranges() {
  static const std::vector<FieldRange> table = {
      {"beta", "(0, 100]", "second-layer scale of the lemma initialization"},
      {"w", "(0, 100]", "readout scale of the lemma initialization"},
      {"batch", "[1, 8192]", "sequences in the gradient evaluation"},
      {"mi_samples", "[1, 100000]", "Monte Carlo draws of pi for the information matrix"},
  };
  return table;
}

std::string lemma_validation_error(const TrainConfig& config, const LemmaSettings& settings) {
  const std::string error = validation_error(config);
  if (!error.empty()) return error;
  if (config.heads != std::vector<int>{1, 1}) return "heads: the lemma view uses heads 1,1 (two layers of one head)";
  try {
    require_single_parent(make_graph(config));
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  auto in_range = [](double value, double low, double high) { return std::isfinite(value) && value > low && value <= high; };
  if (!in_range(settings.beta, 0, 100)) return out_of_range("beta", settings.beta);
  if (!in_range(settings.w, 0, 100)) return out_of_range("w", settings.w);
  if (settings.batch < 1 || settings.batch > 8192) return out_of_range("batch", settings.batch);
  if (settings.mi_samples < 1 || settings.mi_samples > 100000) return out_of_range("mi_samples", settings.mi_samples);
  return "";
}

double pearson_correlation(const std::vector<double>& x, const std::vector<double>& y) {
  const size_t n = std::min(x.size(), y.size());
  if (n == 0) return 0.0;
  double mean_x = 0, mean_y = 0;
  for (size_t k = 0; k < n; ++k) {
    mean_x += x[k];
    mean_y += y[k];
  }
  mean_x /= n;
  mean_y /= n;
  double xy = 0, xx = 0, yy = 0;
  for (size_t k = 0; k < n; ++k) {
    xy += (x[k] - mean_x) * (y[k] - mean_y);
    xx += (x[k] - mean_x) * (x[k] - mean_x);
    yy += (y[k] - mean_y) * (y[k] - mean_y);
  }
  return xx > 0 && yy > 0 ? xy / std::sqrt(xx * yy) : 0.0;
}

LemmaView lemma_view(const TrainConfig& config, const LemmaSettings& settings) {
  const std::string error = lemma_validation_error(config, settings);
  if (!error.empty()) throw std::invalid_argument(error);

  LemmaView view;
  view.graph = make_graph(config);
  const int S = config.S, T = config.T;
  view.S = S;
  view.T = T;

  // --- the gradient at the lemma initialization, in double precision -------------------
  const Sampler sampler(view.graph, S, config.alpha);
  Rng data_rng(config.seed, kLemmaDataStream);
  const Batch batch = sampler.sample_batch(settings.batch, data_rng);
  const ModelShape shape = ModelShape::make(S, T, {1, 1});
  const Params<double> params = lemma_initialization<double>(shape, settings.beta, settings.w);
  CatFormer<double> model(shape);
  Params<double> grad(shape);
  view.loss = model.loss_and_grad(params, batch, &grad, Path::fast);
  const int d0 = shape.d(0);
  const double* dA1 = grad.A(0, 0);
  view.gradient.assign(static_cast<size_t>(T) * T, 0.0);
  for (int i = 0; i < T; ++i)
    for (int j = 0; j < T; ++j) view.gradient[static_cast<size_t>(i) * T + j] = -dA1[static_cast<size_t>(S + i) * d0 + S + j];

  // --- the information matrix -----------------------------------------------------------
  Rng information_rng(config.seed, kLemmaInformationStream);
  view.mutual_information = chi_square_mutual_information(view.graph, S, config.alpha, settings.mi_samples, information_rng);

  // --- where each row's largest gradient entry points -------------------------------------
  view.parent.assign(T, -1);
  view.gradient_argmax.assign(T, -1);
  for (int i = 0; i < T; ++i) {
    if (!view.graph.parents[i].empty()) view.parent[i] = view.graph.parents[i][0];
    for (int j = 0; j < i; ++j)
      if (view.gradient_argmax[i] < 0 ||
          view.gradient[static_cast<size_t>(i) * T + j] > view.gradient[static_cast<size_t>(i) * T + view.gradient_argmax[i]])
        view.gradient_argmax[i] = j;
    if (view.parent[i] >= 0) {
      ++view.positions_with_parent;
      if (view.gradient_argmax[i] == view.parent[i]) ++view.parent_hits;
    }
  }

  // --- row-centred scatter ---------------------------------------------------------------
  // Rows 0 and 1 have at most one entry j < i, which centres to (0, 0) and says nothing. The
  // query's row stays in: its information is 0, and the lemma says its gradient is flat too.
  std::vector<double> gradients, informations;
  for (int i = 2; i < T; ++i) {
    double gradient_mean = 0, information_mean = 0;
    for (int j = 0; j < i; ++j) {
      gradient_mean += view.gradient[static_cast<size_t>(i) * T + j] / i;
      information_mean += view.mutual_information[static_cast<size_t>(i) * T + j] / i;
    }
    for (int j = 0; j < i; ++j) {
      LemmaPoint point;
      point.i = i;
      point.j = j;
      point.gradient = view.gradient[static_cast<size_t>(i) * T + j] - gradient_mean;
      point.information = view.mutual_information[static_cast<size_t>(i) * T + j] - information_mean;
      view.scatter.push_back(point);
      gradients.push_back(point.gradient);
      informations.push_back(point.information);
    }
  }
  view.pearson_row_centred = pearson_correlation(gradients, informations);
  return view;
}

}  // namespace cpg
