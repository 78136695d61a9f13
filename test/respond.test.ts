// sendJsonChunks: an answer made in chunks lets other work run between its chunks, even when the
// connection takes every chunk at once (its write callbacks then come before the event loop polls).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Response } from 'express';
import { sendJsonChunks } from '../src/http/respond.js';

/** A response whose connection takes each write at once, as a socket with room does: the callback comes on the next tick. */
function fastResponse(): { res: Response; headers: Map<string, unknown>; written: Buffer[]; ended: Promise<void> } {
  const written: Buffer[] = [];
  let end!: () => void;
  const ended = new Promise<void>((resolve) => {
    end = resolve;
  });
  const headers = new Map<string, unknown>();
  const res = {
    statusCode: 0,
    destroyed: false,
    setHeader: (name: string, value: unknown) => headers.set(name.toLowerCase(), value),
    write: (chunk: Buffer | string, callback: () => void) => {
      written.push(Buffer.from(chunk));
      process.nextTick(callback);
      return true;
    },
    end: (chunk?: Buffer) => {
      if (chunk !== undefined) written.push(Buffer.from(chunk));
      end();
    },
  };
  return { res: res as unknown as Response, headers, written, ended };
}

describe('sendJsonChunks', () => {
  it('gives the event loop a turn between the chunks of a large answer', async () => {
    const { res, written, ended } = fastResponse();
    const chunkBytes = 600 * 1024;
    const chunks = 6;
    // Each chunk, once made, schedules an immediate; the next chunk is asked for only after it ran.
    const ranBeforeNext: boolean[] = [];
    let ran = true;
    function* parts(): Generator<Buffer | string> {
      yield '[';
      for (let i = 0; i < chunks; i++) {
        if (i > 0) ranBeforeNext.push(ran);
        ran = false;
        setImmediate(() => {
          ran = true;
        });
        yield `${i > 0 ? ',' : ''}"${'x'.repeat(chunkBytes)}"`;
      }
      yield ']';
    }
    await sendJsonChunks(res, 200, parts());
    await ended;
    // The first megabyte is gathered before anything is sent (to answer it whole if that were all).
    assert.deepEqual(ranBeforeNext, [false, true, true, true, true]);
    const body = JSON.parse(Buffer.concat(written).toString()) as string[];
    assert.equal(body.length, chunks);
    assert.ok(body.every((text) => text.length === chunkBytes));
  });

  it('answers up to a megabyte whole, with its length', async () => {
    const { res, headers, written, ended } = fastResponse();
    await sendJsonChunks(res, 200, ['{"clients":', Buffer.from('[1,2]'), '}']);
    await ended;
    assert.equal(Buffer.concat(written).toString(), '{"clients":[1,2]}');
    assert.equal(headers.get('content-length'), 17);
  });

  it('stops the maker when the connection closes half-way', async () => {
    const { res, written } = fastResponse();
    const response = res as unknown as { destroyed: boolean; write: (chunk: Buffer, callback: () => void) => boolean };
    const write = response.write;
    // The connection closes once two chunks are out.
    response.write = (chunk, callback) => {
      const taken = write(chunk, callback);
      if (written.length === 2) response.destroyed = true;
      return taken;
    };
    let made = 0;
    let stopped = false;
    function* parts(): Generator<string> {
      try {
        for (; made < 10; made++) yield 'x'.repeat(600 * 1024);
      } finally {
        stopped = true;
      }
    }
    await sendJsonChunks(res, 200, parts());
    assert.equal(written.length, 2);
    assert.ok(made < 10);
    assert.equal(stopped, true);
  });
});
