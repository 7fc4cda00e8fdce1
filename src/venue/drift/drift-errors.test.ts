import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { classifyTransportError, findProgramError, programErrorFromCode } from './drift-errors.ts';

describe('Drift program errors', () => {
  it('finds the code in a transaction err, an error message or simulation logs', () => {
    assert.equal(findProgramError({ InstructionError: [1, { Custom: 6057 }] })?.reason, 'PostOnlyWouldCross');
    assert.equal(
      findProgramError(new Error('failed: custom program error: 0x17b7'))?.name,
      'UserOrderIdAlreadyInUse',
    );
    assert.equal(
      findProgramError(new Error('x'), ['Program log: Error Number: 6060.'])?.reason,
      'MaxNumberOfOrders',
    );
    assert.equal(findProgramError(new Error('fetch failed')), undefined);
  });

  it('maps unknown codes to InvalidOrder, keeping the code', () => {
    assert.deepEqual(programErrorFromCode(6999), {
      code: 6999,
      name: 'DriftError6999',
      reason: 'InvalidOrder',
    });
    assert.equal(programErrorFromCode(6003).reason, 'InsufficientCollateral');
  });
});

describe('the error codes the issue named, against the IDL the SDK ships', () => {
  const idl = JSON.parse(
    readFileSync(fileURLToPath(import.meta.resolve('@drift-labs/sdk/lib/node/idl/drift.json')), 'utf8'),
  ) as { errors: { code: number; name: string }[] };
  const named = new Map(idl.errors.map((e) => [e.code, e.name]));

  for (const [code, reason] of [
    [6117, 'BeingLiquidated'],
    [6046, 'ReduceOnlyWouldIncrease'],
    [6023, 'PriceBandsBreached'],
    [6154, 'MaxOpenInterest'],
    [6254, 'AccountReduceOnly'],
  ] as const) {
    it(`${code} ${named.get(code)} → ${reason}`, () => {
      const e = programErrorFromCode(code);
      assert.equal(e.name, named.get(code));
      assert.equal(e.reason, reason);
    });
  }

  it('every mapped code carries the IDL name of that code', () => {
    for (const code of named.keys()) {
      const e = programErrorFromCode(code);
      if (e.name.startsWith('DriftError')) continue;
      assert.equal(e.name, named.get(code), `code ${code}`);
    }
  });
});

describe('classifyTransportError', () => {
  it('sorts RPC failures into retryable kinds and fatal', () => {
    assert.equal(classifyTransportError(new Error('429 Too Many Requests')), 'rate-limited');
    assert.equal(classifyTransportError(new Error('Blockhash not found')), 'blockhash-expired');
    assert.equal(classifyTransportError(Object.assign(new Error('x'), { code: 'ETIMEDOUT' })), 'timeout');
    assert.equal(classifyTransportError(new Error('fetch failed')), 'network');
    assert.equal(classifyTransportError(new Error('Invalid param: WrongSize')), 'fatal');
  });
});
