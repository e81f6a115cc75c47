"""Compliance check: `dstool comply --pack cn-data-security` over a generated enterprise evidence
folder (server configuration, logs, SQLite databases, CSV exports, SQL dumps, a file share, tar.gz
backups, documents) of the given size, against reading the same folder twice (`cat` twice, and
`sha256sum` twice): the target is that the full pack costs less than two reads."""
import os, subprocess, sys

from bench import Case

DESCRIPTION = "compliance check (cn-data-security) vs reading the evidence twice"
REQUIRES = {}
DEFAULT_SIZE = 1 << 30
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def setup(ctx):
    folder = ctx.path("enterprise")
    subprocess.run([sys.executable, os.path.join(ROOT, "Scripts", "make-example-enterprise"), "--out", folder,
                    "--size", str(ctx.size)], check=True, stdout=subprocess.DEVNULL)
    total = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(folder) for f in fs)
    open(ctx.path("bytes"), "w").write(str(total))
    for name, tool in (("cat2.sh", "cat"), ("sha2.sh", "sha256sum")):
        with open(ctx.path(name), "w") as f:
            f.write(f"set -e\ncd enterprise\nfor i in 1 2; do find . -type f -print0 | xargs -0 {tool} > /dev/null; done\n")


def cases(ctx):
    total = int(open(ctx.path("bytes")).read())
    return [
        Case("dstool comply --pack cn-data-security", [ctx.dstool, "comply", "--pack", "cn-data-security", "--as-of", "2026-06-30",
                                                       "--format", "json", "-q", "enterprise"], group="comply", bytes=total, cwd=ctx.work),
        Case("cat twice", ["bash", ctx.path("cat2.sh")], peer=True, group="comply", bytes=total, cwd=ctx.work),
        Case("sha256sum twice", ["bash", ctx.path("sha2.sh")], peer=True, group="comply", bytes=total, cwd=ctx.work),
    ]
