// The embed page: one preset, minimal chrome, for an iframe in a blog post. It reports its
// height to the parent page, pauses when scrolled off screen, and respects reduced motion.
import './styles.css';
import './embed.css';

import { TrainingClient } from './client';
import { Messages } from './messages';
import { PRESETS, parseSettings, settingsToSearch, toEngineConfig } from './settings';
import { createFigureViews, LiveFigure } from './views/live-figure';

const $ = (id: string) => document.getElementById(id) as HTMLElement;
const reducedMotion = matchMedia('(prefers-reduced-motion: reduce)');

const messages = new Messages({ notices: $('notices'), error: $('error') });
const { settings, notices } = parseSettings(location.search, { ignore: ['embed'] });
if (reducedMotion.matches && !new URLSearchParams(location.search).has('speed')) settings.speed = 10;
for (const text of notices) messages.notice(text, false);
$('embed-preset').textContent = PRESETS[settings.preset].title;
$('embed-description').textContent = PRESETS[settings.preset].description;
($('open-full') as HTMLAnchorElement).href = `./index.html?${settingsToSearch(settings)}`;

// The same figure as the playground's, without the graph, the blocks and the history.
const figure = new LiveFigure(
  createFigureViews({ attention: $('attention'), recovery: $('recovery'), queryStrip: $('query-strip'), lossChart: $('loss-chart') }),
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
  $('play').hidden = playing;
  $('pause').hidden = !playing;
  if (status.state === 'diverged') messages.showError(`Training stopped: ${status.message} Press Reset to start again.`);
});
client.on('snapshot', (snapshot) => figure.receive(snapshot));

const run = (action: () => Promise<unknown>) => messages.attempt(action);

async function restart(): Promise<void> {
  await client.configure(toEngineConfig(settings));
  await client.setSpeed(settings.speed);
}

$('play').addEventListener('click', () => void run(() => client.play()));
$('pause').addEventListener('click', () => void run(() => client.pause()));
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
  window.parent.postMessage({ type: 'causal-playground:height', height: Math.ceil(document.documentElement.scrollHeight) }, '*');
}
new ResizeObserver(postHeight).observe(document.body);
postHeight();

void run(async () => {
  await client.init();
  await restart();
  for (const id of ['play', 'step', 'reset']) ($(id) as HTMLButtonElement).disabled = false;
});
