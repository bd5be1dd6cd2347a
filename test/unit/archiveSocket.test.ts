/**
 * The HTTP/1.1 reading of archiveSocket.ts (the direct archive GET): a response head and a body
 * chunked, sized by Content-Length or ended by the connection, fed in reads split anywhere. The
 * real engine's answers are checked in test/integration/pull.test.ts.
 */
import * as assert from 'node:assert/strict';
import { BodyDecoder, HeadParser } from '../../src/core/docker/archiveSocket';

/** A small deterministic generator: splits are different in every case, the same in every run. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function bytesOf(n: number, random: () => number): Uint8Array {
  return Uint8Array.from({ length: n }, () => Math.floor(random() * 256));
}

const latin1 = (s: string) => Uint8Array.from(Buffer.from(s, 'latin1'));

function concat(parts: Uint8Array[]): Uint8Array {
  return Uint8Array.from(Buffer.concat(parts));
}

/** `body` chunked as an engine would send it, chunk sizes drawn at random, some with extensions and a trailer. */
function chunked(body: Uint8Array, random: () => number): Uint8Array {
  const parts: Uint8Array[] = [];
  for (let at = 0; at < body.length; ) {
    const n = Math.min(body.length - at, 1 + Math.floor(random() * 5000));
    const ext = random() < 0.2 ? ';name=value' : '';
    parts.push(latin1(`${n.toString(16)}${ext}\r\n`), body.subarray(at, at + n), latin1('\r\n'));
    at += n;
  }
  parts.push(latin1(random() < 0.5 ? '0\r\n\r\n' : '0\r\nX-Trailer: yes\r\n\r\n'));
  return concat(parts);
}

/** Splits `wire` into reads of random sizes, some of one byte. */
function reads(wire: Uint8Array, random: () => number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let at = 0; at < wire.length; ) {
    const n = random() < 0.1 ? 1 : 1 + Math.floor(random() * 9000);
    out.push(wire.subarray(at, Math.min(wire.length, at + n)));
    at += n;
  }
  return out;
}

/** Runs the wire through HeadParser then BodyDecoder, as getArchiveDirect does. */
function receive(wire: Uint8Array, random: () => number): { status: number; headers: Record<string, string>; body: Uint8Array; done: boolean } {
  const head = new HeadParser();
  let decoder: BodyDecoder | undefined;
  let status = 0;
  let headers: Record<string, string> = {};
  const body: Uint8Array[] = [];
  for (const read of reads(wire, random)) {
    let bytes = read;
    if (!decoder) {
      const parsed = head.feed(bytes);
      if (!parsed) continue;
      ({ status, headers } = parsed.head);
      decoder = new BodyDecoder(headers);
      bytes = parsed.rest;
    }
    // Copies, as a listener must: the views point into the read.
    for (const piece of decoder.feed(bytes)) body.push(Uint8Array.from(piece));
  }
  return { status, headers, body: concat(body), done: decoder?.done ?? false };
}

describe('archiveSocket: the archive answer read off the socket', () => {
  const HEAD = 'HTTP/1.1 200 OK\r\nContent-Type: application/x-tar\r\nX-Docker-Container-Path-Stat: eyJuYW1lIjoid2VidWkuZGIifQ==\r\n';

  it('chunked bodies come out whole and exact, whatever the reads and chunk sizes', () => {
    for (let seed = 1; seed <= 60; seed++) {
      const random = rng(seed);
      const body = bytesOf(Math.floor(random() * 60000), random);
      const wire = concat([latin1(`${HEAD}Transfer-Encoding: chunked\r\n\r\n`), chunked(body, random)]);
      const got = receive(wire, random);
      assert.equal(got.status, 200, `seed ${seed}`);
      assert.equal(got.headers['x-docker-container-path-stat'], 'eyJuYW1lIjoid2VidWkuZGIifQ==');
      assert.ok(Buffer.from(got.body).equals(Buffer.from(body)), `seed ${seed}: ${got.body.length} of ${body.length} bytes`);
      assert.equal(got.done, true, `seed ${seed}: the last chunk ends the body`);
    }
  });

  it('a Content-Length body stops at its length; without either, the body runs until the connection ends', () => {
    const random = rng(7);
    const body = bytesOf(20000, random);
    const sized = receive(concat([latin1(`${HEAD}Content-Length: ${body.length}\r\n\r\n`), body, latin1('garbage after the body')]), random);
    assert.ok(Buffer.from(sized.body).equals(Buffer.from(body)));
    assert.equal(sized.done, true);
    const open = receive(concat([latin1(`${HEAD}\r\n`), body]), random);
    assert.ok(Buffer.from(open.body).equals(Buffer.from(body)));
    assert.equal(open.done, false, 'only the end of the connection ends it (getArchiveDirect then ends the body)');
    assert.equal(new BodyDecoder({ 'content-length': '0' }).done, true);
  });

  it('an error answer is read for its status, so that the caller can ask again through dockerode', () => {
    const json = '{"message":"Could not find the file /nope in container x"}';
    const got = receive(latin1(`HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: ${json.length}\r\n\r\n${json}`), rng(3));
    assert.equal(got.status, 404);
    assert.equal(Buffer.from(got.body).toString(), json);
  });

  it('refuses what is not HTTP or not a chunked body', () => {
    assert.throws(() => new HeadParser().feed(latin1('SSH-2.0-OpenSSH\r\n\r\n')), /unexpected status line/);
    assert.throws(() => new HeadParser().feed(new Uint8Array(70 * 1024)), /oversized response head/);
    const bad = (wire: string) => () => [...new BodyDecoder({ 'transfer-encoding': 'chunked' }).feed(latin1(wire))];
    assert.throws(bad('zz\r\nabc\r\n'), /malformed chunked body/);
    assert.throws(bad('3\r\nabcX\r\n'), /malformed chunked body/, 'data longer than its chunk size');
    assert.throws(bad(`${'1'.repeat(5000)}`), /malformed chunked body/, 'a size line without end');
    assert.throws(() => new BodyDecoder({ 'content-length': '-1' }), /bad Content-Length/);
  });
});
