"""Compliance check: `dstool comply --pack cn-data-security` over a generated enterprise evidence
folder (server configuration, logs, SQLite databases, CSV exports, SQL dumps, a file share, tar.gz
backups, documents) of the given size, against reading the same folder twice (`cat` twice, and
`sha256sum` twice): the target is that the full pack costs less than two reads. Run as root, the
"cold" group also reads from storage: the page cache is dropped before each read and before and
after the check (the same two drops on both sides), which is what reading evidence costs when it
does not already sit in memory."""
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


def write_cold_scripts(ctx):
    """Written on every run (a corpus generated before these cases existed lacks them)."""
    drop = "sync; echo 3 > /proc/sys/vm/drop_caches"
    with open(ctx.path("cat2-cold.sh"), "w") as f:
        f.write(f"set -e\ncd enterprise\nfor i in 1 2; do {drop}; find . -type f -print0 | xargs -0 cat > /dev/null; done\n")
    with open(ctx.path("comply-cold.sh"), "w") as f:
        f.write(f'{drop}\n"$@"\nrc=$?\n{drop}\nexit $rc\n')


def can_drop_caches():
    return os.geteuid() == 0 and os.access("/proc/sys/vm/drop_caches", os.W_OK)


def cases(ctx):
    total = int(open(ctx.path("bytes")).read())
    comply = [ctx.dstool, "comply", "--pack", "cn-data-security", "--as-of", "2026-06-30", "--format", "json", "-q", "enterprise"]
    cases = [
        Case("dstool comply --pack cn-data-security", comply, group="comply", bytes=total, cwd=ctx.work),
        Case("cat twice", ["bash", ctx.path("cat2.sh")], peer=True, group="comply", bytes=total, cwd=ctx.work),
        Case("sha256sum twice", ["bash", ctx.path("sha2.sh")], peer=True, group="comply", bytes=total, cwd=ctx.work),
    ]
    if can_drop_caches():
        write_cold_scripts(ctx)
        cases += [
            Case("dstool comply, cold page cache", ["bash", ctx.path("comply-cold.sh")] + comply, group="cold", bytes=total, cwd=ctx.work),
            Case("cat twice, cold page cache each time", ["bash", ctx.path("cat2-cold.sh")], peer=True, group="cold", bytes=total, cwd=ctx.work),
        ]
    else:
        print("comply: not root, the cold-cache group is skipped (it drops the page cache)", file=sys.stderr)
    return cases
