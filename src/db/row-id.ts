/**
 * Ids for rows written on the hot path: UUID version 7 (RFC 9562), a millisecond timestamp followed
 * by random bits. Consecutive ids sort together, so a primary-key or foreign-key index grows at its
 * end instead of touching a random page per row (random UUIDs made every insert dirty pages all over
 * the index, and SQLite's commits and checkpoints write each of those pages).
 */
import { randomFillSync } from "node:crypto";

/** 256 ids' worth of random bytes at a time: one call into OpenSSL instead of one per id. */
const POOL_IDS = 256;
const pool = Buffer.alloc(16 * POOL_IDS);
let next = POOL_IDS;
let lastMs = -1;
let sequence = 0;

export function newRowId(now = Date.now()): string {
  if (next === POOL_IDS) {
    randomFillSync(pool);
    next = 0;
  }
  const bytes = pool.subarray(next * 16, next * 16 + 16);
  next++;
  // Within one millisecond a 12-bit counter (rand_a, RFC 9562 method 1) keeps ids in order.
  if (now <= lastMs) {
    sequence = (sequence + 1) & 0xfff;
    if (sequence === 0) lastMs++;
  } else {
    lastMs = now;
    sequence = bytes[6] & 0x07; // a random start, leaving room to count up
  }
  bytes.writeUIntBE(lastMs, 0, 6);
  bytes[6] = 0x70 | (sequence >> 8);
  bytes[7] = sequence & 0xff;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
