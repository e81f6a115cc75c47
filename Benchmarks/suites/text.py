"""Text decoding as the input layer does it for every text item (64 KiB reads, UTF-8 out, and the
raw offset of every output byte), against glibc's `iconv` converting the same file (which
computes no offsets). The decoders are compiled straight from Sources/DSToolKit/TextDecoding.swift
into a small driver, so the row measures the decoder alone, not a plugin's work."""
import os, random, subprocess

from bench import Case, ROOT

DESCRIPTION = "text decoding with offsets (GB18030, UTF-16LE, UTF-8) vs iconv"
REQUIRES = {"bin": {}}
DEFAULT_SIZE = 256 << 20

DRIVER = r'''
import Foundation
// usage: decode ENCODING FILE — decodes FILE in 64 KiB reads, as WalkItem.readText does.
let args = CommandLine.arguments
guard args.count == 3, let enc = TextEncoding(rawValue: args[1]) else { exit(2) }
let fd = open(args[2], O_RDONLY)
guard fd >= 0 else { exit(2) }
let d = TextDecoders.make(enc)
var raw = [UInt8](repeating: 0, count: 1 << 16)
var out = [UInt8](), offsets = [UInt64]()
var base: UInt64 = 0, produced = 0
while true {
    let n = raw.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
    if n <= 0 { break }
    out.removeAll(keepingCapacity: true); offsets.removeAll(keepingCapacity: true)
    raw.withUnsafeBytes { d.decode(UnsafeRawBufferPointer(rebasing: $0[0..<n]), base: base, out: &out, offsets: &offsets) }
    produced += out.count
    base += UInt64(n)
}
d.finish(out: &out, offsets: &offsets)
print(produced + out.count)
'''


def _text(rng, size):
    """Synthetic Chinese/ASCII CSV rows (made-up names, places and numbers)."""
    surnames = "张王李赵刘陈杨黄周吴徐孙马朱胡郭何林罗高"
    given = "伟芳娜敏静丽强磊洋艳勇军杰娟涛明超秀霞平刚"
    cities = ["北京市海淀区", "上海市浦东新区", "广州市天河区", "深圳市南山区", "杭州市西湖区", "成都市武侯区"]
    rows = ["编号,姓名,城市,金额,备注"]
    total = 0
    i = 0
    while total < size:
        row = f"{i},{rng.choice(surnames)}{rng.choice(given)}{rng.choice(given)},{rng.choice(cities)},{rng.randint(1, 99999)}.{rng.randint(0, 99):02d},record {i} 正常"
        rows.append(row)
        total += len(row.encode("utf-8")) + 1
        i += 1
    return "\n".join(rows) + "\n"


def setup(ctx):
    rng = random.Random(11)
    text = _text(rng, ctx.size // 2)
    for name, codec in (("gb18030", "gb18030"), ("utf-16le", "utf-16-le"), ("utf-8", "utf-8")):
        with open(ctx.path(f"text.{name}"), "wb") as f:
            f.write(text.encode(codec))
    driver = ctx.path("main.swift")  # top-level code must live in main.swift
    with open(driver, "w") as f:
        f.write(DRIVER)
    subprocess.run(["swiftc", "-O", "-o", ctx.path("decode"), os.path.join(ROOT, "Sources/DSToolKit/TextDecoding.swift"),
                    driver], check=True, stdout=subprocess.DEVNULL)


def cases(ctx):
    out = []
    for enc, iconv_name in (("gb18030", "GB18030"), ("utf-16le", "UTF-16LE"), ("utf-8", "UTF-8")):
        path = ctx.path(f"text.{enc}")
        size = os.path.getsize(path)
        out.append(Case(f"dstool decoder {enc}", [ctx.path("decode"), enc, path], group=enc, bytes=size))
        out.append(Case(f"iconv -f {iconv_name} -t UTF-8", ["iconv", "-f", iconv_name, "-t", "UTF-8", path],
                        peer=True, group=enc, bytes=size))
    return out
