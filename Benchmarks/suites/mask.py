"""`dstool mask` on a generated 1,000,000-row CSV of synthetic personal data (Chinese names, ID
numbers with valid check characters, mobiles, emails, addresses): the Chinese display masks,
keyed FF1/HMAC, FF1 alone (AES and SM4), and a pipeline from stdin; and Presidio (analyzer with
pattern recognizers over a blank spaCy pipeline, plus its anonymizer) on the first 10,000 rows,
against dstool on the same 10,000 rows. Targets: >= 1,000,000 cells/s per core, >= 100x
Presidio, FF1 >= 500,000 values/s per core."""
import csv, os, random, sys

from bench import Case

DESCRIPTION = "data masking (mask) vs Presidio"
REQUIRES = {"pip": ["presidio-analyzer", "presidio-anonymizer"],
            "module": {"presidio-analyzer": "presidio_analyzer", "presidio-anonymizer": "presidio_anonymizer"}}
DEFAULT_SIZE = 1_000_000  # rows
PRESIDIO_ROWS = 10_000

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
COMPOUND = ["欧阳", "司马", "上官", "诸葛", "东方", "皇甫"]
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文海波晨曦宇轩梓涵浩然子墨欣怡雨婷嘉"
# (county code, province, city, county) — real 2023 division codes.
COUNTIES = [
    (110101, "北京市", "", "东城区"), (110105, "北京市", "", "朝阳区"), (310115, "上海市", "", "浦东新区"),
    (320505, "江苏省", "苏州市", "虎丘区"), (330106, "浙江省", "杭州市", "西湖区"), (440305, "广东省", "深圳市", "南山区"),
    (510107, "四川省", "成都市", "武侯区"), (420106, "湖北省", "武汉市", "武昌区"), (370202, "山东省", "青岛市", "市南区"),
    (610113, "陕西省", "西安市", "雁塔区"), (350203, "福建省", "厦门市", "思明区"), (230102, "黑龙江省", "哈尔滨市", "道里区"),
]
ROADS = ["人民路", "解放路", "中山路", "建设大道", "和平街", "新华路", "长江路", "文化路"]
MOBILE = [130, 131, 132, 133, 135, 136, 137, 138, 139, 150, 151, 152, 155, 156, 157, 158, 159, 166, 176, 177, 180, 181, 186, 187, 188, 189, 199]
DOMAINS = ["163.com", "qq.com", "126.com", "sina.com.cn", "corp-mail.cn", "example.com"]
WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def id_card(rng, county):
    y, m, d = rng.randint(1950, 2005), rng.randint(1, 12), rng.randint(1, 28)
    first17 = f"{county}{y:04d}{m:02d}{d:02d}{rng.randint(0, 999):03d}"
    return first17 + "10X98765432"[sum(int(c) * w for c, w in zip(first17, WEIGHTS)) % 11]


def write_rows(path, n, seed=1):
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["序号", "姓名", "身份证号", "手机号", "邮箱", "地址", "金额"])
        for i in range(n):
            sur = rng.choice(COMPOUND) if rng.random() < 0.02 else rng.choice(SURNAMES)
            name = sur + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))
            code, prov, city, county = rng.choice(COUNTIES)
            mobile = f"{rng.choice(MOBILE)}{rng.randint(0, 99999999):08d}"
            email = f"user{rng.randint(0, 10**7)}.{rng.choice(['zh', 'li', 'wang'])}@{rng.choice(DOMAINS)}"
            address = f"{prov}{city}{county}{rng.choice(ROADS)}{rng.randint(1, 999)}号{rng.randint(1, 30)}栋{rng.randint(101, 2505)}室"
            w.writerow([i + 1, name, id_card(rng, code), mobile, email, address, f"{rng.randint(1, 99999)}.{rng.randint(0, 99):02d}"])


POLICIES = {
    "display.yaml": "fields:\n  姓名: mask-name\n  身份证号: mask-id-card\n  手机号: mask-mobile\n  邮箱: mask-email\n  地址: mask-address\n",
    "keyed.yaml": "fields:\n  姓名: surrogate-name\n  身份证号: fpe-id-card\n  手机号: fpe-mobile\n  邮箱: {strategy: hash, algorithm: hmac-sm3}\n  地址: mask-address\n",
    "ff1-aes.yaml": "fields:\n  手机号: {strategy: fpe, alphabet: digits}\n",
    "ff1-sm4.yaml": "cipher: sm4\nfields:\n  手机号: {strategy: fpe, alphabet: digits}\n",
}

PRESIDIO = r'''
import csv, sys, os
from presidio_analyzer import AnalyzerEngine, PatternRecognizer, Pattern, RecognizerRegistry, RecognizerResult
from presidio_analyzer.nlp_engine import NlpEngineProvider
from presidio_analyzer.predefined_recognizers import EmailRecognizer
from presidio_anonymizer import AnonymizerEngine
from presidio_anonymizer.entities import OperatorConfig

model = sys.argv[3]
if not os.path.isdir(model):
    import spacy
    spacy.blank("en").to_disk(model)
provider = NlpEngineProvider(nlp_configuration={"nlp_engine_name": "spacy", "models": [{"lang_code": "en", "model_name": model}]})
registry = RecognizerRegistry()
# Presidio's email pattern; its validation step (tldextract) would fetch the suffix list online.
registry.add_recognizer(PatternRecognizer(supported_entity="EMAIL_ADDRESS", patterns=EmailRecognizer.PATTERNS))
registry.add_recognizer(PatternRecognizer(supported_entity="CN_ID_CARD", patterns=[Pattern("cn_id", r"\b\d{17}[\dXx]\b", 0.6)]))
registry.add_recognizer(PatternRecognizer(supported_entity="CN_MOBILE", patterns=[Pattern("cn_mobile", r"\b1[3-9]\d{9}\b", 0.6)]))
analyzer = AnalyzerEngine(nlp_engine=provider.create_engine(), registry=registry, supported_languages=["en"])
anonymizer = AnonymizerEngine()
ops = {"CN_ID_CARD": OperatorConfig("mask", {"masking_char": "*", "chars_to_mask": 8, "from_end": False}),
       "CN_MOBILE": OperatorConfig("mask", {"masking_char": "*", "chars_to_mask": 4, "from_end": True}),
       "EMAIL_ADDRESS": OperatorConfig("mask", {"masking_char": "*", "chars_to_mask": 6, "from_end": False}),
       "PERSON": OperatorConfig("mask", {"masking_char": "*", "chars_to_mask": 2, "from_end": True}),
       "LOCATION": OperatorConfig("replace", {"new_value": "****"})}
with open(sys.argv[1], encoding="utf-8", newline="") as f, open(sys.argv[2], "w", encoding="utf-8", newline="") as out:
    r, w = csv.reader(f), csv.writer(out, lineterminator="\n")
    w.writerow(next(r))
    for row in r:
        for col, entities in ((2, ["CN_ID_CARD"]), (3, ["CN_MOBILE"]), (4, ["EMAIL_ADDRESS"])):
            res = analyzer.analyze(text=row[col], entities=entities, language="en")
            row[col] = anonymizer.anonymize(text=row[col], analyzer_results=res, operators=ops).text
        # Names and addresses: no Chinese NER in a blank pipeline; the whole cell is the entity.
        for col, entity in ((1, "PERSON"), (5, "LOCATION")):
            res = [RecognizerResult(entity_type=entity, start=0, end=len(row[col]), score=1.0)]
            row[col] = anonymizer.anonymize(text=row[col], analyzer_results=res, operators=ops).text
        w.writerow(row)
'''


def setup(ctx):
    write_rows(ctx.path("people.csv"), ctx.size)
    with open(ctx.path("people.csv"), encoding="utf-8") as f, open(ctx.path("people-10k.csv"), "w", encoding="utf-8") as g:
        for i, line in enumerate(f):
            if i > PRESIDIO_ROWS:
                break
            g.write(line)
    for name, text in POLICIES.items():
        open(ctx.path(name), "w", encoding="utf-8").write(text)
    open(ctx.path("mask.key"), "wb").write(random.Random(2).randbytes(32))
    open(ctx.path("presidio_mask.py"), "w").write(PRESIDIO)


def cases(ctx):
    d, rows, cells = ctx.dstool, ctx.size, ctx.size * 5
    key = "file:" + ctx.path("mask.key")
    data, small = ctx.path("people.csv"), ctx.path("people-10k.csv")
    out = ctx.path("out.csv")

    def mask(policy, src, *extra):
        return [d, "mask", "--policy", ctx.path(policy), "--key", key, "-q", "--overwrite", "-o", out, src, *extra]

    return [
        Case("display masks, 5 of 7 columns", mask("display.yaml", data), group="1M rows", items=cells),
        Case("display masks, 1 thread", mask("display.yaml", data, "-j", "1"), group="1M rows", items=cells),
        Case("keyed: FF1 ID/mobile, HMAC-SM3, surrogate names", mask("keyed.yaml", data), group="1M rows", items=cells),
        Case("display masks, stdin to stdout", [d, "mask", "--policy", ctx.path("display.yaml"), "-q", "-"],
             group="1M rows", items=cells, stdin=data, stdout=out),
        Case("FF1-AES, 11-digit values", mask("ff1-aes.yaml", data), group="FF1", items=rows),
        Case("FF1-AES, 1 thread", mask("ff1-aes.yaml", data, "-j", "1"), group="FF1", items=rows),
        Case("FF1-SM4, 11-digit values", mask("ff1-sm4.yaml", data), group="FF1", items=rows),
        Case("dstool mask (display)", mask("display.yaml", small), group="10k rows vs Presidio", items=PRESIDIO_ROWS * 5),
        Case("Presidio analyzer + anonymizer", [sys.executable, ctx.path("presidio_mask.py"), small, ctx.path("presidio-out.csv"),
                                                ctx.path("spacy-blank-en")],
             peer=True, group="10k rows vs Presidio", items=PRESIDIO_ROWS * 5, runs=1),
    ]
