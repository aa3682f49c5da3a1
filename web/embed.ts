// The embed page: one preset, minimal chrome, for an iframe in a blog post. It reports its
// height to the parent page, pauses when scrolled off screen, and respects reduced motion.
import './styles.css';
import './embed.css';

import { TrainingClient } from './client';
import { Messages } from './messages';
import { PRESETS, parseSettings, settingsToSearch, toEngineConfig } from './settings';
import { createFigureViews, LiveFigure } from './views/live-figure';
import { AutoPace } from './views/pace';
import { headlineRecovery } from './views/vocabulary';

const $ = (id: string) => document.getElementById(id) as HTMLElement;
const reducedMotion = matchMedia('(prefers-reduced-motion: reduce)');
const messages = new Messages({ notices: $('notices'), error: $('error') });

// The embed's own options: ?autoplay (start at once, unless reduced motion), ?compact (fewer
// words and legends), ?height=N (at most N px tall, scrolling inside).
const options = new URLSearchParams(location.search);
const autoplay = options.has('autoplay') && options.get('autoplay') !== '0';
const compact = options.has('compact') && options.get('compact') !== '0';
const heightOption = Number(options.get('height'));
const maxHeight = Number.isInteger(heightOption) && heightOption >= 240 && heightOption <= 4000 ? heightOption : null;
if (options.has('height') && maxHeight === null) messages.notice(`height must be a whole number of pixels in [240, 4000] (got "${options.get('height')}"); the frame fits its content.`, false);
document.body.classList.toggle('compact', compact);
if (maxHeight !== null) {
  document.body.style.maxHeight = `${maxHeight}px`;
  document.body.style.overflowY = 'auto';
}
const { settings, notices } = parseSettings(location.search, { ignore: ['embed', 'autoplay', 'compact', 'height'] });
if (reducedMotion.matches && !new URLSearchParams(location.search).has('speed')) settings.speed = 10;
for (const text of notices) messages.notice(text, false);
$('embed-preset').textContent = PRESETS[settings.preset].title;
$('embed-description').textContent = PRESETS[settings.preset].description;
($('open-full') as HTMLAnchorElement).href = `./index.html?${settingsToSearch(settings)}`;

// The same figure as the playground's, without the blocks and the history.
const figure = new LiveFigure(
  createFigureViews(
    { attention: $('attention'), recovery: $('recovery'), queryStrip: $('query-strip'), lossChart: $('loss-chart'), graph: $('graph-view') },
    { lossChartHeight: 150 },
  ),
  {
    keepHistory: false,
    // At most 20 redraws a second (4 with reduced motion): attention changes slowly, and the worker needs the CPU.
    renderIntervalMs: reducedMotion.matches ? 250 : 50,
    counters: { step: $('train-step'), testLoss: $('test-loss') },
  },
);
figure.setView(settings.view);
const client = new TrainingClient(new Worker(new URL('./worker/training.worker.ts', import.meta.url), { type: 'module' }));

let playing = false;
let pausedBecauseHidden = false;

client.on('error', (error) => messages.showError(error.message));
client.on('status', (status) => {
  playing = status.state === 'playing';
  figure.setStatus(status);
  // One Play/Pause button, which keeps the focus when it flips.
  const button = $('play');
  button.dataset.testid = playing ? 'pause' : 'play';
  button.setAttribute('aria-label', playing ? 'Pause' : 'Play');
  button.querySelector('.play-icon')!.textContent = playing ? '❚❚' : '▶';
  button.querySelector('.play-text')!.textContent = playing ? 'Pause' : 'Play';
  if (status.state === 'diverged') messages.showError(`Training stopped: ${status.message} Press Reset to start again.`);
});
const pace = new AutoPace();
client.on('snapshot', (snapshot) => {
  figure.receive(snapshot);
  // The auto pace (speed 0), as on the playground: slower while layer 1 finds the graph.
  if (settings.speed === 0 && snapshot.parameters && snapshot.state === 'playing') {
    const limit = pace.observe(snapshot.step, headlineRecovery(snapshot.metrics.parent_recovery));
    if (limit !== null) void client.setSpeed(limit);
  }
});

const run = (action: () => Promise<unknown>) => messages.attempt(action);

async function restart(): Promise<void> {
  await client.configure(toEngineConfig(settings));
  pace.reset();
  await client.setSpeed(settings.speed);
}

$('play').addEventListener('click', () => void run(() => (playing ? client.pause() : client.play())));
$('step').addEventListener('click', () => void run(() => client.step(1)));
$('reset').addEventListener('click', () => void run(async () => {
  const wasPlaying = playing;
  messages.clearError();
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
  // The content's height (the document's scrollHeight is never less than the frame's own height).
  const height = Math.ceil(document.body.getBoundingClientRect().bottom + window.scrollY);
  window.parent.postMessage({ type: 'causal-playground:height', height: maxHeight === null ? height : Math.min(height, maxHeight) }, '*');
}
new ResizeObserver(postHeight).observe(document.body);
postHeight();

void run(async () => {
  await client.init();
  await restart();
  for (const id of ['play', 'step', 'reset']) ($(id) as HTMLButtonElement).disabled = false;
  if (autoplay && !reducedMotion.matches) await client.play();
});
