// The presets: one click each, two plain sentences each. A preset is a partial set of
// settings applied over the table's defaults (table.ts), and the base a shared link is written
// against (url.ts), so a link names its preset and only the settings that differ from it.
//
// These are tested recipes (tests/web/module.test.ts trains the chain and trigram ones): keep
// the numbers unless a test says otherwise.
import { DEFAULT_SETTINGS, copySettings, type PresetName, type Settings } from './table';

export interface Preset {
  name: PresetName;
  title: string;
  /** Exactly two plain-language sentences. */
  description: string;
  /** Applied over DEFAULT_SETTINGS; `preset` itself is set from `name`. */
  settings: Partial<Omit<Settings, 'preset'>>;
}

// The single-parent recipe most presets share: two layers of one head, Adam, zero init (the
// paper's init), a batch small enough to step quickly in a browser.
const SINGLE_PARENT = {
  S: 10,
  T: 20,
  alpha: 0.1,
  heads: [1, 1],
  optimizer: 'adam',
  lr: 0.05,
  batch: 128,
  init_std: 0,
  seed: 1,
} as const satisfies Partial<Settings>;

export const PRESETS: { readonly [N in PresetName]: Preset & { name: N } } = {
  induction: {
    name: 'induction',
    title: 'Induction head (in-context Markov chain)',
    description:
      'Every sequence follows its own random Markov chain, so the only way to predict the next token is to find ' +
      'where the last token appeared before and copy what came after it. ' +
      'Press Play and watch the first layer learn to look one step back while the second layer learns to find ' +
      'that earlier occurrence.',
    settings: { graph: 'chain', ...SINGLE_PARENT },
  },
  pairs: {
    name: 'pairs',
    title: 'In-context pairs (x → y)',
    description:
      'The sequence is a list of pairs where each y depends only on the x just before it, like worked examples ' +
      'in a prompt. ' +
      'The first layer should learn to link every y to its own x, so the model can answer the final x with what ' +
      'followed it earlier.',
    settings: { graph: 'icl', ...SINGLE_PARENT },
  },
  tree: {
    name: 'tree',
    title: 'Random tree',
    description:
      'Each position depends on one earlier position picked at random, so the hidden graph is a random tree ' +
      '(the graph seed picks which one). ' +
      'The first layer has to discover those hidden links from the data alone, and its attention should end up ' +
      'tracing the tree.',
    settings: { graph: 'tree', ...SINGLE_PARENT, graph_seed: 2 },
  },
  dag: {
    name: 'dag',
    title: 'Random DAG',
    description:
      'Each position has a parent with probability one half, picked at random among the earlier positions, and ' +
      'otherwise starts fresh. ' +
      'With only three token types the signal is weak, yet the first layer should still find most of the hidden ' +
      'links, as in the paper.',
    // Plain SGD as in the paper: with S = 3, Adam solves the task without its position block
    // pointing at the parents (parent attention 0.1-0.2); SGD lr 3, batch 64 reaches 0.86 by step 2000.
    settings: { graph: 'dag', ...SINGLE_PARENT, q: 0.5, S: 3, graph_seed: 1, optimizer: 'sgd', lr: 3, batch: 64 },
  },
  trigram: {
    name: 'trigram',
    title: 'Trigram: two heads split the parents',
    description:
      'Each token depends on the two tokens just before it, so predicting it needs two parents at once. ' +
      'The two first-layer heads start slightly different and learn to split the work, one head per parent.',
    settings: { graph: 'trigram', ...SINGLE_PARENT, S: 5, heads: [2, 1], init_std: 0.1 },
  },
  paper2: {
    name: 'paper2',
    title: "The paper's two-parent graph",
    description:
      'Each position has two parents, the position just before it and one about halfway back, as in the ' +
      "paper's two-parent experiments. " +
      'Expect a plateau first: both first-layer heads sit on the same parent for a while, and only then split, ' +
      'one head per parent.',
    // Tuned natively (cpg train --graph paper2 --S 5 --T 20 --heads 2,1 --lr 0.02 --init-std 0.1
    // --batch 128): the heads split the parents by step 2000 (0.71 and 0.87 of their attention).
    settings: { graph: 'paper2', ...SINGLE_PARENT, S: 5, heads: [2, 1], lr: 0.02, init_std: 0.1 },
  },
  custom: {
    name: 'custom',
    title: 'Custom graph',
    description:
      'Build your own causal graph: click a position, then the earlier position it depends on (Shift-click adds a second parent). ' +
      'The model then has to discover your graph from the data alone, just as it does for the built-in ones.',
    // One entry per position: '-' is a root, a number is the parent; the last '-' is the query.
    settings: { graph: 'custom', ...SINGLE_PARENT, S: 5, T: 8, spec: '-;0;1;0;3;4;5;-' },
  },
  standard: {
    name: 'standard',
    title: 'Standard transformer: the induction head forms too',
    description:
      'The same in-context Markov chain, learned by an ordinary transformer with added embeddings, value maps ' +
      "and MLPs, as in the paper's Figure 8. " +
      'Its stream has no position block to read, so the first-layer map shows its attention averaged over ' +
      'real sequences, and it too learns to look one step back.',
    // The authors' Figure 8 optimizer (AdamW lr 0.01, wd 2e-4, cosine) at batch 128 and 2000
    // steps; natively the head forms within 250 steps (tests/cpp/test_trainer.cpp).
    settings: {
      graph: 'chain', ...SINGLE_PARENT, model: 'standard', optimizer: 'adamw', lr: 0.01, wd: 2e-4, schedule: 'cosine',
      steps: 2000, view: 'batch',
    },
  },
};

/** The settings a preset stands for: its recipe over the defaults. A fresh object. */
export function presetSettings(name: PresetName): Settings {
  return copySettings({ ...DEFAULT_SETTINGS, ...PRESETS[name].settings, preset: name });
}
