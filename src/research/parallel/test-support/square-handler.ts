/** A pool handler for the pool's own test: x → x² + offset; negative input throws. */
export function createHandler(init: { offset: number }) {
  return (x: number): number => {
    if (x < 0) throw new Error('negative input');
    return x * x + init.offset;
  };
}
