// The embed page: one preset, minimal chrome, for an iframe in a blog post. It reports its
// height to the parent page, pauses when scrolled off screen, and respects reduced motion.
import './styles.css';
import './embed.css';

import { TrainingClient } from './client';
import { Messages } from './messages';
import { collapseNotices, describeStartFailure, RunGuard } from './run-guard';
import { DEFAULT_PRESET, PRESETS, parseSettings, presetSettings, settingsToSearch, toEngineConfig, type Settings } from './settings';
import { createFigureViews, LiveFigure } from './views/live-figure';

const $ = (id: string) => document.getElementById(id) as HTMLElement;
const reducedMotion = matchMedia('(prefers-reduced-motion: reduce)');

const messages = new Messages({ notices: $('notices'), error: $('error') });
const parsed = parseSettings(location.search, { ignore: ['embed'] });
let settings: Settings = parsed.settings;
const notices = collapseNotices(parsed.notices);
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
const createWorker = () => new Worker(new URL('./worker/training.worker.ts', import.meta.url), { type: 'module' });
const client = new TrainingClient(createWorker());
const guard = new RunGuard<Settings>({
  client,
  createWorker,
  toConfig: toEngineConfig,
  speed: () => settings.speed,
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
  $('play').hidden = playing;
  $('pause').hidden = !playing;
  if (status.state === 'diverged') messages.showError(`Training stopped: ${status.message} Press Reset to start again.`);
});
client.on('snapshot', (snapshot) => figure.receive(snapshot));

const run = (action: () => Promise<unknown>) => messages.attempt(action);

/** A new run of the settings; the previous run stays when the engine refuses them. */
async function restart(): Promise<void> {
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
    for (const id of ['play', 'step', 'reset']) ($(id) as HTMLButtonElement).disabled = false;
  } catch (error) {
    messages.showError(describeStartFailure(error), false, { label: 'Retry', run: () => void start(true) });
  }
}

$('play').addEventListener('click', () => void run(() => client.play()));
$('pause').addEventListener('click', () => void run(() => client.pause()));
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
  window.parent.postMessage({ type: 'causal-playground:height', height: Math.ceil(document.documentElement.scrollHeight) }, '*');
}
new ResizeObserver(postHeight).observe(document.body);
postHeight();

void start();
