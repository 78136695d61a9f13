// Text files as people save them: a UTF-8 byte order mark (some Windows editors write one) is not
// part of the JSON after it.

/** A UTF-8 byte order mark's bytes. */
export const BYTE_ORDER_MARK = Buffer.from([0xef, 0xbb, 0xbf]);

/**
 * The bytes of a file without a leading UTF-8 byte order mark.
 *
 * @example
 * JSON.parse(withoutByteOrderMark(readFileSync(path)).toString('utf8'));
 */
export function withoutByteOrderMark(bytes: Buffer): Buffer {
  return bytes.subarray(0, 3).equals(BYTE_ORDER_MARK) ? bytes.subarray(3) : bytes;
}
