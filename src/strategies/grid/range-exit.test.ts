import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { levelPrice, makeLattice } from './lattice.ts';
import { initialGridState, layRange, movedMaterially, snapRange } from './range-exit.ts';

const lattice = makeLattice(100, 0.005);
const at = (j: number, nudge = 1) => levelPrice(lattice, j) * nudge;

describe('laid range', () => {
  it('snaps the blended range inwards onto the lattice; a range inside one step becomes its middle level', () => {
    assert.deepEqual(snapRange(lattice, { lo: at(-3, 0.999), hi: at(4, 1.001) }), { loIdx: -3, hiIdx: 4 });
    assert.deepEqual(snapRange(lattice, { lo: at(-3, 1.001), hi: at(4, 0.999) }), { loIdx: -2, hiIdx: 3 });
    assert.deepEqual(snapRange(lattice, { lo: at(2, 1.001), hi: at(2, 1.002) }), { loIdx: 2, hiIdx: 2 });
  });

  it('is laid at the first range and kept while the blended range wobbles around it', () => {
    const first = layRange(lattice, { lo: at(-3), hi: at(3) }, initialGridState());
    assert.deepEqual([first.loIdx, first.hiIdx], [-3, 3]);
    // shifted by two levels and a little narrower: same place, same curve, no allocation
    const wobble = layRange(lattice, { lo: at(-1), hi: at(4) }, first.state);
    assert.equal(wobble.state, first.state);
  });

  it('is re-laid when the blended range has left it or its width doubled or halved', () => {
    const laid = { loIdx: -3, hiIdx: 3 };
    assert.equal(movedMaterially(laid, { loIdx: 4, hiIdx: 10 }), true, 'no overlap');
    assert.equal(movedMaterially(laid, { loIdx: 3, hiIdx: 9 }), false, 'still touching');
    assert.equal(movedMaterially(laid, { loIdx: -7, hiIdx: 7 }), true, 'width 14 > 2 × 6');
    assert.equal(movedMaterially(laid, { loIdx: -1, hiIdx: 1 }), true, 'width 2 < 6 / 2');
    const s = layRange(lattice, { lo: at(-3), hi: at(3) }, initialGridState()).state;
    const moved = layRange(lattice, { lo: at(5), hi: at(11) }, s);
    assert.deepEqual([moved.loIdx, moved.hiIdx], [5, 11]);
  });

  it('a re-chosen lattice re-lays the range on it; no input and no memory means no range', () => {
    const s = layRange(lattice, { lo: at(-3), hi: at(3) }, initialGridState()).state;
    const wider = makeLattice(100, 0.01);
    const r = layRange(wider, { lo: at(-3), hi: at(3) }, s);
    assert.equal(r.state.lattice, wider);
    assert.deepEqual([r.loIdx, r.hiIdx], [-1, 1]);
    assert.ok(Number.isNaN(layRange(lattice, undefined, initialGridState()).loIdx));
    assert.deepEqual([layRange(lattice, undefined, s).loIdx, layRange(lattice, undefined, s).hiIdx], [-3, 3]);
  });
});
