// The embed page: one preset, minimal chrome, for an iframe in a blog post. It reports its
// height to the parent page, pauses when scrolled off screen, and respects reduced motion.
import './styles.css';
import './embed.css';

import { TrainingClient } from './client';
import { formatLoss, headlineRecovery, inductionTargets, parentSlotNames } from './figure-data';
import { PRESETS, parseSettings, settingsToSearch, toEngineConfig } from './settings';
import { AttentionPanel } from './views/attention-panel';
import { detectPhaseTransition, LossChart } from './views/loss-chart';
import { QueryStrip } from './views/query-strip';
import { RecoveryBars } from './views/recovery-bars';
import type { GraphInfo, Snapshot } from './worker/protocol';

const $ = (id: string) => document.getElementById(id) as HTMLElement;
const reducedMotion = matchMedia('(prefers-reduced-motion: reduce)');

const { settings, notices } = parseSettings(location.search, { ignore: ['embed'] });
if (reducedMotion.matches && !new URLSearchParams(location.search).has('speed')) settings.speed = 10;
for (const text of notices) {
  const item = document.createElement('p');
  item.className = 'notice';
  item.dataset.testid = 'notice';
  item.textContent = text;
  $('notices').append(item);
}
$('embed-preset').textContent = PRESETS[settings.preset].title;
$('embed-description').textContent = PRESETS[settings.preset].description;
($('open-full') as HTMLAnchorElement).href = `./index.html?${settingsToSearch(settings)}`;

const attention = new AttentionPanel($('attention'));
const recovery = new RecoveryBars($('recovery'));
const queryStrip = new QueryStrip($('query-strip'));
const lossChart = new LossChart($('loss-chart'));
const client = new TrainingClient(new Worker(new URL('./worker/training.worker.ts', import.meta.url), { type: 'module' }));

let graph: GraphInfo | null = null;
let playing = false;
let pausedBecauseHidden = false;
let lastTestStep = -1;
let frame = 0;
let latest: Snapshot | null = null;
const recoveryPoints: { step: number; recovery: number }[] = [];

function showError(text: string): void {
  $('error').textContent = text;
  $('error').hidden = false;
}

client.on('error', (error) => showError(error.message));
client.on('status', (status) => {
  playing = status.state === 'playing';
  if (status.graph) graph = status.graph;
  $('play').hidden = playing;
  $('pause').hidden = !playing;
  if (status.state === 'diverged') showError(`Training stopped: ${status.message} Press Reset to start again.`);
});
client.on('snapshot', (snapshot) => {
  if (snapshot.lossSteps.length) lossChart.appendTrain(snapshot.lossSteps, snapshot.losses);
  if (snapshot.parameters) recoveryPoints.push({ step: snapshot.metrics.step, recovery: headlineRecovery(snapshot.metrics.parent_recovery) });
  if (snapshot.metrics.step !== lastTestStep) {
    lastTestStep = snapshot.metrics.step;
    lossChart.addTest(snapshot.metrics.step, snapshot.metrics.test_loss);
    lossChart.setPhaseMarker(detectPhaseTransition(recoveryPoints), 'phase transition');
  }
  $('train-step').textContent = snapshot.step.toLocaleString('en-US');
  $('test-loss').textContent = formatLoss(snapshot.metrics.test_loss);
  latest = snapshot;
  // At most 20 redraws a second: attention changes slowly, and the worker needs the CPU.
  if (!frame) frame = window.setTimeout(() => requestAnimationFrame(render), reducedMotion.matches ? 250 : 50);
});

function render(): void {
  frame = 0;
  const snapshot = latest;
  if (!snapshot || !graph) return;
  const view = settings.view;
  const scores = view === 'parameter' ? snapshot.metrics.parent_recovery : snapshot.metrics.parent_recovery_batch;
  attention.update({
    T: snapshot.T,
    heads: view === 'parameter' ? snapshot.attentionParameterView : snapshot.attentionBatchView,
    parents: graph.parents,
    view,
    recovery: scores,
  });
  recovery.update(scores, parentSlotNames(graph));
  queryStrip.update({
    tokens: snapshot.sampleTokens,
    attention: snapshot.sampleQueryAttention,
    highlight: inductionTargets(graph, snapshot.sampleTokens),
    S: settings.S,
  });
}

async function run(action: () => Promise<unknown>): Promise<void> {
  try {
    await action();
  } catch (error) {
    showError((error as Error).message);
  }
}

async function restart(): Promise<void> {
  const status = await client.configure(toEngineConfig(settings));
  graph = status.graph;
  lastTestStep = -1;
  recoveryPoints.length = 0;
  await client.setSpeed(settings.speed);
}

client.on('snapshot', function resetChartOnce(snapshot) {
  if (snapshot.metrics.step === 0 && snapshot.lossSteps.length === 0 && graph)
    lossChart.reset({
      bayes: snapshot.metrics.bayes_loss,
      one_parent: snapshot.metrics.one_parent_loss,
      unigram: snapshot.metrics.unigram_loss,
      uniform: snapshot.metrics.uniform_loss,
      multiParent: graph.multi_parent,
    });
});

$('play').addEventListener('click', () => void run(() => client.play()));
$('pause').addEventListener('click', () => void run(() => client.pause()));
$('step').addEventListener('click', () => void run(() => client.step(1)));
$('reset').addEventListener('click', () => void run(async () => {
  const wasPlaying = playing;
  $('error').hidden = true;
  await restart();
  if (wasPlaying) await client.play();
}));

// Pause while scrolled off screen; resume when back, if it was playing.
new IntersectionObserver((entries) => {
  const visible = entries.some((entry) => entry.isIntersecting);
  if (!visible && playing) {
    pausedBecauseHidden = true;
    void client.pause();
  } else if (visible && pausedBecauseHidden) {
    pausedBecauseHidden = false;
    void client.play();
  }
}).observe(document.body);

// Tell the parent page our height, so the iframe can fit its content.
function postHeight(): void {
  if (window.parent === window) return;
  window.parent.postMessage({ type: 'causal-playground:height', height: Math.ceil(document.documentElement.scrollHeight) }, '*');
}
new ResizeObserver(postHeight).observe(document.body);
postHeight();

void run(async () => {
  await client.init();
  await restart();
  for (const id of ['play', 'step', 'reset']) ($(id) as HTMLButtonElement).disabled = false;
});
