// JsonInParts: JSON fed in chunks gives what JSON.parse gives, wherever the chunks are cut, and
// refuses what JSON.parse refuses.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JsonInParts } from '../src/http/json-in-parts.js';

const VALID = [
  '{}',
  '[]',
  '{"clients":[]}',
  ' { "a" : [ 1 , "x\\"]" , {"b":[1,{"c":"]}"}]} , null , -2.5e3 , true ] , "b" : 5 , "c" : {"d":[]} } ',
  '{"k\\"ey":[1],"\\u0041":"\\\\"}',
  '{"a":1,"a":[2]}',
  '{"__proto__":[1],"constructor":{}}',
  '{"text":["é", "😀", "\\ud800"]}',
  '[1,"two",{"three":[3]}]',
  '"a string"',
  ' 42 ',
  'null',
  '\ufeff{"clients":[{"id":"x"}]}',
];

const INVALID = [
  '{"a":[1,]}',
  '{"a":[,1]}',
  '{,}',
  '{"a":1,}',
  '{"a" 1}',
  '{"a":1 2}',
  '[1 2]',
  '{"a":[tru]}',
  '{"a":[1]',
  '{"a":',
  '[',
  '{"a":[1]} x',
  '{"a":[1]}}',
  '{"a":[{"b":1}{"c":2}]}',
  '{"a":"unterminated}',
  '{a:1}',
  'nul',
];

/** The value (as JSON) or 'SyntaxError' of feeding `bytes` cut at `first`, then in pieces of `size`. */
function fed(bytes: Buffer, first: number, size: number): string | undefined {
  const parser = new JsonInParts();
  try {
    parser.write(bytes.subarray(0, first));
    for (let at = first; at < bytes.length; at += size) parser.write(bytes.subarray(at, at + size));
    const value = parser.end();
    return value === undefined ? undefined : JSON.stringify(value);
  } catch (error) {
    assert.ok(error instanceof SyntaxError, String(error));
    return 'SyntaxError';
  }
}

function expected(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text.replace(/^\ufeff/, '')));
  } catch {
    return 'SyntaxError';
  }
}

describe('JsonInParts', () => {
  for (const text of [...VALID, ...INVALID]) {
    it(`${JSON.stringify(text)}: ${expected(text) === 'SyntaxError' ? 'refused' : 'parsed'} as JSON.parse does, cut anywhere`, () => {
      const bytes = Buffer.from(text, 'utf8');
      for (let first = 0; first <= bytes.length; first++) {
        for (const size of [1, 2, 7, bytes.length || 1])
          assert.equal(fed(bytes, first, size), expected(text), `cut at ${first}, then by ${size}`);
      }
    });
  }

  it('answers undefined for no bytes or a byte order mark alone', () => {
    assert.equal(fed(Buffer.alloc(0), 0, 1), undefined);
    assert.equal(fed(Buffer.from('\ufeff'), 1, 1), undefined);
  });

  it('sets a member named __proto__ as an own property, as JSON.parse does', () => {
    const parser = new JsonInParts();
    parser.write(Buffer.from('{"__proto__":[1]}'));
    const value = parser.end() as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(value), Object.prototype);
    assert.deepEqual(Object.keys(value), ['__proto__']);
  });
});
