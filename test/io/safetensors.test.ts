import { expect } from "chai";
import { GatescopeError } from "../../src/errors";
import { decodeSafetensors, encodeSafetensors } from "../../src/io/safetensors";

/** Header length (u64 LE) + header + data, as the safetensors spec lays a file out. */
function file(header: string, data: number[] = []): Buffer {
  const h = Buffer.from(header, "utf8");
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(h.length));
  return Buffer.concat([len, h, Buffer.from(data)]);
}

describe("safetensors", () => {
  it("reads the layout of the upstream test vector (metadata, space padding, LE data)", () => {
    // Upstream's python test "load with metadata", with F32 data 1, 2, 3, 4 instead of I32 zeros.
    const data = Buffer.alloc(16);
    [1, 2, 3, 4].forEach((v, i) => data.writeFloatLE(v, 4 * i));
    const bytes = file(
      '{"__metadata__":{"framework":"pt"},"test1":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]}}       ',
      [...data],
    );
    expect(bytes.readBigUInt64LE(0)).to.equal(102n);
    const st = decodeSafetensors(bytes);
    expect(st.metadata).to.deep.equal({ framework: "pt" });
    expect(st.tensors.test1.shape).to.deep.equal([2, 2]);
    expect(Array.from(st.tensors.test1.data)).to.deep.equal([1, 2, 3, 4]);
  });

  it("the header-length boundary: exactly the rest of the file parses, one byte more is a clear error", () => {
    const json = Buffer.from(JSON.stringify({ __metadata__: { a: "b" } }));
    const file = Buffer.alloc(8 + json.length);
    json.copy(file, 8);
    file.writeBigUInt64LE(BigInt(json.length), 0);
    expect(decodeSafetensors(file).metadata).to.deep.equal({ a: "b" });
    file.writeBigUInt64LE(BigInt(json.length + 1), 0);
    expect(() => decodeSafetensors(file)).to.throw(
      GatescopeError,
      new RegExp(`header length of at most ${json.length} bytes .*got ${json.length + 1}`),
    );
  });

  it("writes that layout: 8-byte-aligned header padded with spaces, tensors in order", () => {
    const bytes = Buffer.from(encodeSafetensors({ test: { shape: [2, 2], data: new Float32Array([1, 2, 3, 4]) } }));
    const n = Number(bytes.readBigUInt64LE(0));
    expect(n % 8).to.equal(0);
    expect(bytes.subarray(8, 8 + n).toString()).to.equal(
      '{"test":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]}}    ',
    );
    expect(bytes.readFloatLE(8 + n + 12)).to.equal(4);
  });

  it("round-trips float32 and float64 exactly, with metadata", () => {
    const a = { shape: [3], data: new Float64Array([Math.PI, -1e-300, 1e300]) };
    const b = { shape: [2, 1], data: new Float32Array([0.1, -7]) };
    const st = decodeSafetensors(encodeSafetensors({ a, b }, { note: "hi" }));
    expect(st.tensors.a.data).to.be.instanceOf(Float64Array);
    expect(Array.from(st.tensors.a.data)).to.deep.equal(Array.from(a.data));
    expect(Array.from(st.tensors.b.data)).to.deep.equal(Array.from(b.data));
    expect(st.metadata).to.deep.equal({ note: "hi" });
  });

  it("reads F16 and BF16 (widened to float32)", () => {
    // F16: 1.0 = 0x3c00, -2.5 = 0xc100, 2^-24 = 0x0001; BF16: 1.0 = 0x3f80, -0.5 = 0xbf00
    const bytes = file(
      '{"h":{"dtype":"F16","shape":[3],"data_offsets":[0,6]},"b":{"dtype":"BF16","shape":[2],"data_offsets":[6,10]}}',
      [0x00, 0x3c, 0x00, 0xc1, 0x01, 0x00, 0x80, 0x3f, 0x00, 0xbf],
    );
    const st = decodeSafetensors(bytes);
    expect(Array.from(st.tensors.h.data)).to.deep.equal([1, -2.5, Math.fround(2 ** -24)]);
    expect(Array.from(st.tensors.b.data)).to.deep.equal([1, -0.5]);
  });

  it("rejects malformed files with a message naming what was expected", () => {
    const good = Buffer.from(encodeSafetensors({ w: { shape: [2], data: new Float32Array([1, 2]) } }));
    const huge = Buffer.from(good);
    huge.writeBigUInt64LE(1n << 40n);
    const cases: Array<[Buffer, RegExp]> = [
      [good.subarray(0, 5), /expected at least 8 bytes/],
      [huge, /expected a header length of at most/],
      [good.subarray(0, good.length - 3), /truncated/],
      [Buffer.concat([good, Buffer.from([0])]), /trailing data/],
      [file('["not an object"]'), /starting with '\{'/],
      [file("{oops"), /expected UTF-8 JSON/],
      [
        file('{"w":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}}', [0, 0, 0, 0, 0, 0, 0, 0]),
        /dtype: expected one of F64, F32, F16, BF16, got "I64"/,
      ],
      [
        file('{"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}', [0, 0, 0, 0]),
        /shape: expected an array of non-negative integers/,
      ],
      [
        file('{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}', [0, 0, 0, 0]),
        /expected 8 bytes for F32 of shape \[2\], got 4 bytes/,
      ],
      [
        file('{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,40]}}', [0, 0, 0, 0]),
        /data_offsets: expected \[begin, end\]/,
      ],
      [
        file(
          '{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}',
          [0, 0, 0, 0],
        ),
        /no overlaps or holes/,
      ],
      [
        file('{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}', [0, 0, 0, 0, 0, 0, 0, 0]),
        /no overlaps or holes/,
      ],
      [file('{"__metadata__":{"n":1}}'), /__metadata__.n: expected a string/],
    ];
    for (const [bytes, re] of cases) expect(() => decodeSafetensors(bytes), String(re)).to.throw(re);
  });
});
