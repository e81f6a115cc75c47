"""Compliance check: `dstool comply --pack cn-data-security` over a generated enterprise evidence
folder (server configuration, logs, SQLite databases, CSV exports, SQL dumps, a file share, tar.gz
backups, documents) of the given size, against reading the same folder twice (`cat` twice, and
`sha256sum` twice): the target is that the full pack costs less than two reads. The "cold" group
reads from storage: the evidence files' pages are evicted from the page cache (posix_fadvise
DONTNEED on each file; dstool and the system stay cached) before the check, and before each of the
two reads — what reading evidence costs when it does not already sit in memory."""
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


EVICT = """import os, sys
for d, _, fs in os.walk(sys.argv[1]):
    for f in fs:
        fd = os.open(os.path.join(d, f), os.O_RDONLY)
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        os.close(fd)
"""


def write_cold_scripts(ctx):
    """Written on every run (a corpus generated before these cases existed lacks them)."""
    with open(ctx.path("evict.py"), "w") as f:
        f.write(EVICT)
    evict = f"{sys.executable} {ctx.path('evict.py')} enterprise"
    with open(ctx.path("cat2-cold.sh"), "w") as f:
        f.write(f"set -e\nfor i in 1 2; do {evict}; find enterprise -type f -print0 | xargs -0 cat > /dev/null; done\n")
    with open(ctx.path("comply-cold.sh"), "w") as f:
        f.write(f'{evict}\n"$@"\nrc=$?\n{evict}\nexit $rc\n')


def cases(ctx):
    total = int(open(ctx.path("bytes")).read())
    comply = [ctx.dstool, "comply", "--pack", "cn-data-security", "--as-of", "2026-06-30", "--format", "json", "-q", "enterprise"]
    cases = [
        Case("dstool comply --pack cn-data-security", comply, group="comply", bytes=total, cwd=ctx.work),
        Case("cat twice", ["bash", ctx.path("cat2.sh")], peer=True, group="comply", bytes=total, cwd=ctx.work),
        Case("sha256sum twice", ["bash", ctx.path("sha2.sh")], peer=True, group="comply", bytes=total, cwd=ctx.work),
    ]
    write_cold_scripts(ctx)
    # Both sides evict twice (the check: before and after), so the eviction's own cost cancels.
    cases += [
        Case("dstool comply, evidence not cached", ["bash", ctx.path("comply-cold.sh")] + comply, group="cold", bytes=total, cwd=ctx.work),
        Case("cat twice, evidence not cached each time", ["bash", ctx.path("cat2-cold.sh")], peer=True, group="cold", bytes=total, cwd=ctx.work),
    ]
    return cases
