"""Start-up and the input walk: `dstool help` / `dstool plugins list` (target ≤ 20 ms), a plugin
command on one empty file (its fixed cost) against ripgrep's, and
`dstool inventory` over a tree with nested archives vs `bsdtar -tvf` plus `sha256sum` over the same
content (dstool additionally computes SM3 and libmagic types)."""
import io, os, random, subprocess, tarfile, zipfile

from bench import Case

DESCRIPTION = "start-up and input walk (inventory)"
REQUIRES = {"apt": ["libarchive-tools", "ripgrep"], "bin": {"libarchive-tools": "bsdtar", "ripgrep": "rg"}}
DEFAULT_SIZE = 1 << 30


def _text_block(rng, n):
    words = [b"alpha", b"beta", b"gamma", b"delta", b"user", b"order", b"2024-01-01", b"shanghai", b"42", b"ok"]
    out = bytearray()
    while len(out) < n:
        out += b",".join(rng.choice(words) for _ in range(8)) + b"\n"
    return bytes(out[:n])


def setup(ctx):
    rng = random.Random(7)
    tree = ctx.path("tree")
    os.makedirs(tree, exist_ok=True)
    budget = ctx.size
    # A third plain files, a third tar.gz archives (each holding a nested zip), a third random binaries.
    i = 0
    written = 0
    while written < budget:
        kind = i % 3
        d = os.path.join(tree, f"dir{i % 16}")
        os.makedirs(d, exist_ok=True)
        if kind == 0:
            data = _text_block(rng, 4 << 20)
            open(os.path.join(d, f"table{i}.csv"), "wb").write(data)
            written += len(data)
        elif kind == 1:
            zbuf = io.BytesIO()
            with zipfile.ZipFile(zbuf, "w", zipfile.ZIP_DEFLATED) as z:
                for k in range(4):
                    z.writestr(f"inner/part{k}.txt", _text_block(rng, 1 << 20))
            with tarfile.open(os.path.join(d, f"backup{i}.tar.gz"), "w:gz", compresslevel=1) as t:
                for k in range(4):
                    data = _text_block(rng, 1 << 20)
                    info = tarfile.TarInfo(f"db/dump{k}.sql"); info.size = len(data)
                    t.addfile(info, io.BytesIO(data))
                info = tarfile.TarInfo("docs/inner.zip"); info.size = len(zbuf.getvalue())
                t.addfile(info, io.BytesIO(zbuf.getvalue()))
            written += 8 << 20
        else:
            data = rng.randbytes(4 << 20)
            open(os.path.join(d, f"blob{i}.bin"), "wb").write(data)
            written += len(data)
        i += 1
    # The peer's job as one script: hash every file, list every archive, hash every entry.
    script = ctx.path("peer.sh")
    with open(script, "w") as f:
        f.write("set -e\ncd tree\nfind . -type f -print0 | xargs -0 sha256sum > /dev/null\n"
                "for a in $(find . -name '*.tar.gz'); do bsdtar -tvf \"$a\" > /dev/null;"
                " for e in $(bsdtar -tf \"$a\"); do bsdtar -xOf \"$a\" \"$e\" | sha256sum > /dev/null; done;"
                " bsdtar -xOf \"$a\" docs/inner.zip > /tmp/dstool-bench-inner.zip;"
                " for e in $(bsdtar -tf /tmp/dstool-bench-inner.zip); do bsdtar -xOf /tmp/dstool-bench-inner.zip \"$e\" | sha256sum > /dev/null; done;"
                " done\n")
    # Expanded bytes the walk touches: files + archive entries.
    total = 0
    for root, _, files in os.walk(tree):
        for n in files:
            total += os.path.getsize(os.path.join(root, n))
            if n.endswith(".tar.gz"):
                total += 4 * (1 << 20) + 4 * (1 << 20)
    open(ctx.path("bytes"), "w").write(str(total))


def cases(ctx):
    total = int(open(ctx.path("bytes")).read())
    open(ctx.path("empty.txt"), "a").close()  # here, not in setup: corpora made before it lack it
    d = ctx.dstool
    return [
        Case("dstool help", [d, "help"], group="start-up", items=1, runs=30),
        Case("dstool plugins list", [d, "plugins", "list"], group="start-up", items=1, runs=30),
        Case("dstool version", [d, "version"], group="start-up", items=1, runs=30),
        # A plugin command's fixed cost: discovery, the library's SHA-256, dlopen, the handshake,
        # the plugin's own set-up (scan: its compiled rules from the cache) and the run record.
        Case("dstool scan of one empty file", [d, "scan", "-q", "--no-progress", ctx.path("empty.txt")],
             group="start-up", items=1, runs=30, env={"DSTOOL_CACHE_DIR": ctx.path("scan-cache")}),
        Case("dstool crypto-audit of one empty file", [d, "crypto-audit", "-q", "--no-inventory", ctx.path("empty.txt")],
             group="start-up", items=1, runs=30),
        Case("rg of one empty file", ["rg", "-c", "x", ctx.path("empty.txt")], peer=True, group="start-up", items=1,
             runs=30),
        Case("dstool inventory", [d, "inventory", "--format", "jsonl", "-q", "tree"], group="walk", bytes=total,
             cwd=ctx.work),
        Case("bsdtar -tvf + sha256sum", ["bash", ctx.path("peer.sh")], peer=True, group="walk", bytes=total,
             cwd=ctx.work),
    ]
