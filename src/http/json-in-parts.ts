// JSON fed in chunks, parsed to the value JSON.parse gives, without ever holding the whole text as
// one string: a state import of a million records is larger than the longest string V8 can make.
// Only the structure around the records is followed here, byte by byte; every element of the
// top-level array, or of an array member of the top-level object, is handed to JSON.parse alone.

import { BACKSLASH, CLOSE_BRACE, CLOSE_BRACKET, COLON, COMMA, OPEN_BRACE, OPEN_BRACKET, QUOTE } from '../json-bytes.js';
import { BYTE_ORDER_MARK } from '../text-file.js';

function isSpace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

/** Where the followed structure is: what the next byte that is not a space may be. */
enum Expect {
  /** The first byte of the whole value. */
  Start,
  /** A key or `}` (the object is empty so far). */
  FirstKey,
  Key,
  Colon,
  /** A member's value: an array is followed, anything else taken whole. */
  MemberValue,
  /** An element or `]` (the array is empty so far). */
  FirstElement,
  Element,
  /** `,` or `]` after an element. */
  AfterElement,
  /** `,` or `}` after a member. */
  AfterMember,
  /** Nothing but spaces. */
  End,
}

/** What a value taken whole becomes once its last byte arrives. */
enum Taking {
  Key,
  MemberValue,
  Element,
  /** The whole text is not an object or an array: it is a single value. */
  Whole,
}

/**
 * A JSON text fed in chunks: {@link write} each, then {@link end} for the value. Throws a
 * SyntaxError where JSON.parse would (at the latest by `end`).
 *
 * @example
 * const parser = new JsonInParts();
 * for await (const chunk of request) parser.write(chunk);
 * const value = parser.end(); // as JSON.parse(text) would give
 */
export class JsonInParts {
  #expect = Expect.Start;
  /** The bytes of the first chunks until a byte order mark can be told from a value. */
  #head: Buffer | undefined = Buffer.alloc(0);
  /** The object or array being built, and the key of the member being read. */
  #root: Record<string, unknown> | unknown[] | undefined;
  #key = '';
  #array: unknown[] | undefined;
  /** The value taken whole at the moment: its parts so far and how deep it nests. */
  #taking: Taking | undefined;
  #parts: Buffer[] = [];
  #depth = 0;
  #inString = false;
  #escaped = false;
  /** A number, `true`, `false` or `null`: it ends at the first byte that cannot belong to it. */
  #bare = false;
  /** Where the value being taken begins in the chunk being scanned (0 when it began in an earlier one). */
  #start = 0;
  #empty = true;

  /** Whether any byte other than a byte order mark was written. */
  get empty(): boolean {
    return this.#empty;
  }

  write(chunk: Buffer): void {
    let bytes = chunk;
    if (this.#head !== undefined) {
      bytes = Buffer.concat([this.#head, chunk]);
      if (bytes.length < BYTE_ORDER_MARK.length && BYTE_ORDER_MARK.subarray(0, bytes.length).equals(bytes)) {
        this.#head = bytes;
        return;
      }
      this.#head = undefined;
      if (bytes.subarray(0, BYTE_ORDER_MARK.length).equals(BYTE_ORDER_MARK)) bytes = bytes.subarray(BYTE_ORDER_MARK.length);
    }
    if (bytes.length > 0) this.#empty = false;
    this.#scan(bytes);
  }

  /** The value of the whole text; undefined when it held no bytes (a byte order mark at most). */
  end(): unknown {
    if (this.#head !== undefined) {
      const head = this.#head;
      this.#head = undefined;
      if (head.length > 0 && !BYTE_ORDER_MARK.subarray(0, head.length).equals(head)) this.write(head);
    }
    if (this.#empty) return undefined;
    if (this.#taking !== undefined) {
      // Only a bare value can end with the text; anything else taken is cut short.
      if (!this.#bare) throw new SyntaxError('Unexpected end of JSON input');
      this.#took(Buffer.alloc(0));
    }
    if (this.#expect !== Expect.End) throw new SyntaxError('Unexpected end of JSON input');
    return this.#root;
  }

  #scan(bytes: Buffer): void {
    let i = 0;
    while (i < bytes.length) {
      if (this.#taking !== undefined) {
        i = this.#take(bytes, i);
        continue;
      }
      const byte = bytes[i] as number;
      if (isSpace(byte)) {
        i++;
        continue;
      }
      switch (this.#expect) {
        case Expect.Start:
          if (byte === OPEN_BRACE) {
            this.#root = {};
            this.#expect = Expect.FirstKey;
          } else if (byte === OPEN_BRACKET) {
            this.#root = [];
            this.#array = this.#root;
            this.#expect = Expect.FirstElement;
          } else {
            this.#startTaking(Taking.Whole, byte);
            continue;
          }
          break;
        case Expect.FirstKey:
        case Expect.Key:
          if (byte === CLOSE_BRACE && this.#expect === Expect.FirstKey) this.#expect = Expect.End;
          else if (byte === QUOTE) {
            this.#startTaking(Taking.Key, byte);
            continue;
          } else unexpected(byte);
          break;
        case Expect.Colon:
          if (byte !== COLON) unexpected(byte);
          this.#expect = Expect.MemberValue;
          break;
        case Expect.MemberValue:
          if (byte === OPEN_BRACKET) {
            this.#array = [];
            this.#expect = Expect.FirstElement;
            break;
          }
          this.#startTaking(Taking.MemberValue, byte);
          continue;
        case Expect.FirstElement:
        case Expect.Element:
          if (byte === CLOSE_BRACKET && this.#expect === Expect.FirstElement) {
            this.#closeArray();
            break;
          }
          if (byte === CLOSE_BRACKET || byte === CLOSE_BRACE || byte === COMMA || byte === COLON) unexpected(byte);
          this.#startTaking(Taking.Element, byte);
          continue;
        case Expect.AfterElement:
          if (byte === COMMA) this.#expect = Expect.Element;
          else if (byte === CLOSE_BRACKET) this.#closeArray();
          else unexpected(byte);
          break;
        case Expect.AfterMember:
          if (byte === COMMA) this.#expect = Expect.Key;
          else if (byte === CLOSE_BRACE) this.#expect = Expect.End;
          else unexpected(byte);
          break;
        case Expect.End:
          unexpected(byte);
      }
      i++;
    }
    // A value that goes on in the next chunk keeps this chunk's part of it.
    if (this.#taking !== undefined) this.#parts.push(bytes.subarray(this.#start));
    this.#start = 0;
  }

  #startTaking(taking: Taking, byte: number): void {
    this.#taking = taking;
    this.#parts = [];
    this.#depth = 0;
    this.#inString = false;
    this.#escaped = false;
    this.#bare = byte !== QUOTE && byte !== OPEN_BRACE && byte !== OPEN_BRACKET;
    this.#fresh = true;
  }

  /** Whether the value being taken has not been scanned yet: it begins where scanning resumes. */
  #fresh = false;

  /** Reads on in the value being taken, from `from`; answers where scanning goes on. */
  #take(bytes: Buffer, from: number): number {
    if (this.#fresh) {
      this.#start = from;
      this.#fresh = false;
    }
    // Locals in the loop: a private field read per byte costs several times as much.
    let depth = this.#depth;
    let inString = this.#inString;
    let escaped = this.#escaped;
    let end = -1;
    if (this.#bare) {
      for (let i = from; i < bytes.length; i++) {
        const byte = bytes[i] as number;
        if (isSpace(byte) || byte === COMMA || byte === CLOSE_BRACKET || byte === CLOSE_BRACE) {
          this.#took(bytes.subarray(this.#start, i));
          return i;
        }
      }
      return bytes.length;
    }
    for (let i = from; i < bytes.length; i++) {
      const byte = bytes[i] as number;
      if (inString) {
        if (escaped) escaped = false;
        else if (byte === BACKSLASH) escaped = true;
        else if (byte === QUOTE) {
          inString = false;
          if (depth === 0) {
            end = i + 1;
            break;
          }
        }
      } else if (byte === QUOTE) inString = true;
      else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) depth++;
      else if ((byte === CLOSE_BRACE || byte === CLOSE_BRACKET) && --depth === 0) {
        end = i + 1;
        break;
      }
    }
    if (end === -1) {
      this.#depth = depth;
      this.#inString = inString;
      this.#escaped = escaped;
      return bytes.length;
    }
    this.#took(bytes.subarray(this.#start, end));
    return end;
  }

  /** A value taken whole is complete with `last`, its part in the chunk scanned: parses it and places it. */
  #took(last: Buffer): void {
    const taking = this.#taking as Taking;
    const parts = this.#parts;
    this.#taking = undefined;
    this.#parts = [];
    const text = (parts.length === 0 ? last : Buffer.concat([...parts, last])).toString('utf8');
    const value = JSON.parse(text) as unknown;
    switch (taking) {
      case Taking.Key:
        this.#key = value as string;
        this.#expect = Expect.Colon;
        break;
      case Taking.MemberValue:
        this.#setMember(value);
        this.#expect = Expect.AfterMember;
        break;
      case Taking.Element:
        (this.#array as unknown[]).push(value);
        this.#expect = Expect.AfterElement;
        break;
      case Taking.Whole:
        this.#root = value as Record<string, unknown>;
        this.#expect = Expect.End;
        break;
    }
  }

  #closeArray(): void {
    const array = this.#array as unknown[];
    this.#array = undefined;
    if (array === this.#root) {
      this.#expect = Expect.End;
      return;
    }
    this.#setMember(array);
    this.#expect = Expect.AfterMember;
  }

  /** As JSON.parse sets a member: an own property even when named `__proto__`, the last of a repeated key. */
  #setMember(value: unknown): void {
    Object.defineProperty(this.#root, this.#key, { value, writable: true, enumerable: true, configurable: true });
  }
}

function unexpected(byte: number): never {
  throw new SyntaxError(`Unexpected character ${JSON.stringify(String.fromCharCode(byte))} in JSON`);
}
