// The tour's callout placement (web/tour.ts placeCallouts): on a phone, beside their anchors,
// never over each other or over their own anchor; on a wide screen at their preferred corners.
import { describe, expect, it } from 'vitest';

import { overlaps, placeCallouts, type CalloutRequest } from '../../web/tour';

// The phone layout at 375 x 812: the graph, the heat map right under it, the floating Play.
const graph = { left: 24, top: 520, width: 330, height: 90 };
const map = { left: 24, top: 640, width: 330, height: 330 };
const play = { left: 250, top: 754, width: 111, height: 44 };
const requests: CalloutRequest[] = [
  { anchor: graph, width: 220, height: 100, fixed: false, preferred: { left: 205, top: 587 } },
  { anchor: play, width: 220, height: 64, fixed: true, preferred: { left: 141, top: 682 } },
  { anchor: map, width: 220, height: 82, fixed: false, preferred: { left: 189, top: 712 } },
];

describe('placeCallouts', () => {
  it('on a phone: no callout over another, none over its own anchor, all on the page', () => {
    const boxes = placeCallouts(requests, 375, true);
    for (let a = 0; a < boxes.length; a++) {
      expect(overlaps(boxes[a], requests[a].anchor), `callout ${a + 1} over its anchor`).toBe(false);
      expect(boxes[a].left).toBeGreaterThanOrEqual(8);
      expect(boxes[a].left + boxes[a].width).toBeLessThanOrEqual(375 - 8);
      for (let b = a + 1; b < boxes.length; b++) expect(overlaps(boxes[a], boxes[b]), `callouts ${a + 1} and ${b + 1}`).toBe(false);
    }
    // The Play callout stays beside the floating button, on screen.
    expect(boxes[1].top + boxes[1].height).toBeLessThanOrEqual(812);
    expect(boxes[1].left + boxes[1].width).toBeLessThanOrEqual(play.left);
  });

  it('on a wide screen: at the preferred corner, pushed down only to clear another callout', () => {
    const wide = placeCallouts(requests.map((r) => ({ ...r, fixed: false })), 1280, false);
    expect(wide[0]).toEqual({ left: 205, top: 587, width: 220, height: 100 });
    expect(wide[1].top).toBeGreaterThanOrEqual(587 + 100);
    expect(overlaps(wide[1], wide[0])).toBe(false);
  });

  it('when nothing fits, stacks below whatever is in the way rather than over it', () => {
    const crowded: CalloutRequest[] = [0, 1, 2].map(() => ({
      anchor: { left: 8, top: 0, width: 359, height: 20 }, width: 359, height: 50, fixed: false, preferred: { left: 8, top: 0 },
    }));
    const boxes = placeCallouts(crowded, 375, true);
    expect(overlaps(boxes[0], boxes[1]) || overlaps(boxes[1], boxes[2]) || overlaps(boxes[0], boxes[2])).toBe(false);
  });
});
