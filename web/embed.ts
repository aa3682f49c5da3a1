// The embed page: one preset, minimal chrome, for an iframe in a blog post. It reports its
// height to the parent page, pauses when scrolled off screen, and respects reduced motion.
import './styles.css';
import './embed.css';

import { TrainingClient } from './client';
import { Messages } from './messages';
import { collapseNotices, describeStartFailure, RunGuard } from './run-guard';
import { DEFAULT_PRESET, PRESETS, parseSettings, presetSettings, settingsToSearch, toEngineConfig, type Settings } from './settings';
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
if (options.has('height') && maxHeight === null) messages.notice(`height must be a whole number of pixels in [240, 4000] (got "${(options.get('height') ?? '').slice(0, 40)}"); the frame fits its content.`, false);
document.body.classList.toggle('compact', compact);
if (maxHeight !== null) {
  document.body.style.maxHeight = `${maxHeight}px`;
  document.body.style.overflowY = 'auto';
}
const parsed = parseSettings(location.search, { ignore: ['embed', 'autoplay', 'compact', 'height'] });
let settings: Settings = parsed.settings;
const notices = collapseNotices(parsed.notices);
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
const createWorker = () => new Worker(new URL('./worker/training.worker.ts', import.meta.url), { type: 'module' });
const client = new TrainingClient(createWorker());
const guard = new RunGuard<Settings>({
  client,
  createWorker,
  toConfig: toEngineConfig,
  // The auto pace (speed 0) starts each run slowly (views/pace.ts), then follows the climb.
  speed: () => (settings.speed === 0 ? pace.current : settings.speed),
  onCrash: (text) => messages.showError(text),
  onRestarted: () =>
    void run(restart).then(() =>
      messages.showError('The training engine stopped and a new one was started with the same settings, from step 0 (it cannot load saved weights).', false, {
        label: 'Resume',
        run: () => void run(() => client.play()).then(() => messages.clearError()),
      }),
    ),
  onStartFailed: (text) => messages.showError(text, false, { label: 'Retry', run: () => void start(true) }),
});

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

/** A new run of the settings; the previous run stays when the engine refuses them. */
async function restart(): Promise<void> {
  pace.reset();
  const outcome = await guard.configure(settings);
  if (outcome.ok === false) throw new Error(outcome.error);
  if (outcome.ok === true) messages.clearError();
}

/** Loads the engine and starts the run; a refused link falls back to the default preset. */
async function start(retry = false): Promise<void> {
  const fallback = { ...presetSettings(DEFAULT_PRESET), speed: settings.speed, view: settings.view };
  try {
    messages.clearError();
    const started = retry ? await guard.retryStart(() => settings, fallback) : await guard.start(() => settings, fallback);
    if (started.refused) {
      settings = started.settings;
      messages.showError(`The link's settings were refused: ${started.refused}. Training the ${PRESETS[settings.preset].title} preset instead.`);
      $('embed-preset').textContent = PRESETS[settings.preset].title;
      $('embed-description').textContent = PRESETS[settings.preset].description;
    }
    pace.reset();
    for (const id of ['play', 'step', 'reset']) ($(id) as HTMLButtonElement).disabled = false;
    if (autoplay && !reducedMotion.matches && !started.refused) await client.play();
  } catch (error) {
    messages.showError(describeStartFailure(error), false, { label: 'Retry', run: () => void start(true) });
  }
}

$('play').addEventListener('click', () => void run(() => (playing ? client.pause() : client.play())));
$('step').addEventListener('click', () => void run(() => client.step(1)));
$('reset').addEventListener('click', () => void run(restart));

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

void start();
