// The tour's callout placement (web/tour.ts placeCallouts): on a phone, beside their anchors,
// never over each other or over their own anchor; on a wide screen too, preferring the corner asked for.
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

  it('on a wide screen: beside its anchor when the preferred corner would cover it, never over another callout', () => {
    // The desk layout at 1280: the graph and the heat map in the left column, Play at the top.
    const deskGraph = { left: 70, top: 240, width: 305, height: 36 };
    const deskMap = { left: 70, top: 385, width: 302, height: 300 };
    const deskPlay = { left: 24, top: 62, width: 106, height: 38 };
    const desk: CalloutRequest[] = [
      { anchor: deskGraph, width: 240, height: 85, fixed: false, preferred: { left: 238, top: 267 } },
      { anchor: deskPlay, width: 240, height: 48, fixed: false, preferred: { left: 24, top: 108 } },
      { anchor: deskMap, width: 240, height: 85, fixed: false, preferred: { left: 221, top: 451 } },
    ];
    const wide = placeCallouts(desk, 1280, false);
    for (let a = 0; a < wide.length; a++) {
      for (const request of desk) expect(overlaps(wide[a], request.anchor), `callout ${a + 1} over an anchor`).toBe(false);
      for (let b = a + 1; b < wide.length; b++) expect(overlaps(wide[a], wide[b]), `callouts ${a + 1} and ${b + 1}`).toBe(false);
    }
    // Play's preferred corner (below it) is clear, so it stays; the others go to the right of theirs.
    expect(wide[1]).toEqual({ left: 24, top: 108, width: 240, height: 48 });
    expect(wide[0].left).toBe(deskGraph.left + deskGraph.width + 8);
    expect(wide[2].left).toBe(deskMap.left + deskMap.width + 8);
    expect(wide[2].top).toBe(451);
  });

  it('keeps off the controls: below the row of preset pills rather than over it, and off the title', () => {
    // The desk layout at 1280: Play under the title, the preset pills under Play, the graph lower down.
    const title = { left: 24, top: 8, width: 310, height: 28 };
    const pills = [24, 180, 330].map((left) => ({ left, top: 114, width: 140, height: 28 }));
    const deskPlay = { left: 24, top: 62, width: 92, height: 38 };
    const deskGraph = { left: 70, top: 240, width: 305, height: 36 };
    const desk: CalloutRequest[] = [{ anchor: deskPlay, width: 240, height: 48, fixed: false, preferred: { left: 24, top: 108 } }];
    const unaware = placeCallouts(desk, 1280, false);
    expect(pills.some((pill) => overlaps(unaware[0], pill))).toBe(true);  // what happened before controls counted
    const [box] = placeCallouts(desk, 1280, false, [title, ...pills]);
    for (const control of [title, ...pills]) expect(overlaps(box, control)).toBe(false);
    expect(box.top).toBe(114 + 28 + 8);  // just below the pills, still near Play
    // Too far below its anchor (past a tall form), it goes back over a control rather than far away.
    const form = { left: 0, top: 104, width: 1280, height: 400 };
    const [far] = placeCallouts([...desk, { anchor: deskGraph, width: 240, height: 85, fixed: false, preferred: { left: 238, top: 267 } }], 1280, false, [title, form]);
    expect(far.top).toBeLessThan(form.top + form.height);
    expect(overlaps(far, deskPlay)).toBe(false);
  });

  it('when nothing fits, stacks below whatever is in the way rather than over it', () => {
    const crowded: CalloutRequest[] = [0, 1, 2].map(() => ({
      anchor: { left: 8, top: 0, width: 359, height: 20 }, width: 359, height: 50, fixed: false, preferred: { left: 8, top: 0 },
    }));
    const boxes = placeCallouts(crowded, 375, true);
    expect(overlaps(boxes[0], boxes[1]) || overlaps(boxes[1], boxes[2]) || overlaps(boxes[0], boxes[2])).toBe(false);
  });
});
