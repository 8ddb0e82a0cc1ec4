#!/usr/bin/env python3
"""Write a seeded, mixed corpus for the tokenizer benchmark and tests.

usage: gen_token_corpus.py OUT SIZE_BYTES [SEED]

The corpus mixes what prompts and datasets hold: English prose with
contractions and capitals, source code, JSON, CJK and other scripts
(with combining marks, title-case and modifier letters), emoji and ZWJ
sequences, long runs of whitespace and of digits, base64 with no spaces,
and mixed line endings.  The same SIZE and SEED give the same bytes.
"""
import base64
import json
import random
import sys

WORDS = ("the of and to in is you that it he was for on are as with his they at be this "
         "have from or one had by word but not what all were we when your can said there use an "
         "each which she do how their if will up other about out many then them these so some her "
         "would make like him into time has look two more write go see number no way could people "
         "my than first water been call who oil its now find long down day did get come made may "
         "part model prompt token cost evaluation latency Kubernetes container orchestration "
         "summarize pipeline dataset regression").split()
CONTRACTIONS = ["don't", "it's", "we're", "they've", "I'm", "you'll", "she'd", "DON'T", "It'S",
                "can't", "won't", "y'all", "o'clock", "rock'n'roll"]
CJK = [chr(c) for c in range(0x4E00, 0x4E00 + 3000)]
KANA = [chr(c) for c in range(0x3041, 0x3097)] + [chr(c) for c in range(0x30A1, 0x30FB)]
HANGUL = [chr(c) for c in range(0xAC00, 0xAC00 + 1500)]
SCRIPTS = {
    "cyrillic": [chr(c) for c in range(0x410, 0x450)],
    "greek": [chr(c) for c in range(0x391, 0x3CA) if c != 0x3A2],
    "arabic": [chr(c) for c in range(0x621, 0x64B)],
    "hebrew": [chr(c) for c in range(0x5D0, 0x5EB)],
    "devanagari": [chr(c) for c in range(0x905, 0x93A)] + ["\u093e", "\u093f", "\u094d", "\u0902"],
    "thai": [chr(c) for c in range(0xE01, 0xE2F)] + ["\u0e31", "\u0e34", "\u0e47", "\u0e48"],
    "latin-ext": list("àáâãäåæçèéêëìíîïñòóôõöøùúûüýÿĀāĂăĄąĆćČčĎďĒēĘęĚěĞğĪīİıŁłŃńŇňŌōŐőŒœŘřŚśŞşŠšŤťŪūŮůŰűŸŹźŻżŽžſǅǈǋʰʲˈ"),
}
MARKS = ["\u0301", "\u0300", "\u0308", "\u0327", "\u20dd", "\u0489"]
EMOJI = ["😀", "🚀", "👍🏽", "👨‍👩‍👧‍👦", "🇫🇷", "🏳️‍🌈", "❤️", "✅", "🤖", "🔥", "1️⃣", "🧑🏿‍💻"]
SPACES = [" ", "  ", "\t", "\u00a0", "\u3000", "\u2003", "\n", "\r\n", "\n\n", " \n", "\u2028"]


def prose(r):
    out = []
    for _ in range(r.randint(5, 25)):
        w = r.choice(WORDS) if r.random() > 0.08 else r.choice(CONTRACTIONS)
        if r.random() < 0.1:
            w = w.capitalize()
        elif r.random() < 0.02:
            w = w.upper()
        out.append(w)
        if r.random() < 0.1:
            out[-1] += r.choice([",", ";", ":", " -", "'s", "?!", "...", "'"])
    return " ".join(out) + r.choice([". ", ".\n", "! ", "?\n\n", ".\r\n"])


def code(r):
    name = r.choice(WORDS) + "_" + r.choice(WORDS)
    body = [
        f"static int {name}(const char *s, size_t n)\n{{\n",
        f"\tfor (size_t i = 0; i < n; i++) {{\n\t\tif (s[i] == '\\n') return {r.randint(0, 999)};\n\t}}\n",
        f"\treturn n > {r.randint(1, 100000)} ? -1 : 0; // {r.choice(WORDS)}\n}}\n\n",
        f"def {name}(x):\n    return [y ** 2 for y in x if y % {r.randint(2, 9)} == 0]  # {r.choice(WORDS)}\n\n",
        f"if (a&&b||!c) {{ x->y[{r.randint(0, 9)}] += 0x{r.randint(0, 1 << 32):08X}; }}\n",
        "    " * r.randint(1, 6) + f"{name} = {{'k': [1, 2, 3], \"v\": None}}\n",
    ]
    return "".join(r.sample(body, r.randint(2, len(body))))


def jsonish(r):
    obj = {
        "id": r.randint(0, 10**9),
        "input": prose(r).strip(),
        "expected": prose(r).strip(),
        "score": round(r.random(), 6),
        "tags": r.sample(WORDS, 3),
        "nested": {"ok": r.random() < 0.5, "n": None, "arr": [r.randint(-99, 99) for _ in range(5)]},
    }
    return json.dumps(obj, ensure_ascii=r.random() < 0.3, indent=r.choice([None, 2])) + "\n"


def script(r):
    kind = r.choice(["cjk", "kana", "hangul"] + list(SCRIPTS))
    if kind in ("cjk", "kana", "hangul"):
        alphabet = {"cjk": CJK, "kana": KANA, "hangul": HANGUL}[kind]
        s = "".join(r.choice(alphabet) for _ in range(r.randint(5, 60)))
        return s + r.choice(["。", "、", "！", "？", "", " ", "\n"])
    alphabet = SCRIPTS[kind]
    words = []
    for _ in range(r.randint(3, 12)):
        w = "".join(r.choice(alphabet) for _ in range(r.randint(1, 9)))
        if r.random() < 0.1:
            w += r.choice(MARKS)
        words.append(w)
    return " ".join(words) + r.choice([". ", "\n", ", "])


def emoji(r):
    return "".join(r.choice(EMOJI) + r.choice(["", " ", "", "!"]) for _ in range(r.randint(1, 8)))


def runs(r):
    k = r.randint(0, 4)
    n = r.randint(20, 3000)
    if k == 0:
        return r.choice(SPACES) * n
    if k == 1:
        return "".join(r.choice("0123456789") for _ in range(n)) + " "
    if k == 2:
        return base64.b64encode(r.randbytes(n)).decode() + "\n"
    if k == 3:
        return r.choice("ax=-_*#") * n + "\n"
    return "".join(r.choice(SPACES) for _ in range(n // 10)) + "x"


KINDS = [(prose, 40), (code, 15), (jsonish, 15), (script, 15), (emoji, 5), (runs, 3),
         (lambda r: r.choice(SPACES), 7)]


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: gen_token_corpus.py OUT SIZE_BYTES [SEED]")
    out, size = sys.argv[1], int(sys.argv[2])
    r = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 20261122)
    fns = [f for f, w in KINDS for _ in range(w)]
    parts, n = [], 0
    while n < size:
        s = r.choice(fns)(r)
        parts.append(s)
        n += len(s.encode())
    data = "".join(parts).encode()
    # cut at a character boundary at or below size
    cut = min(size, len(data))
    while 0 < cut < len(data) and (data[cut] & 0xC0) == 0x80:
        cut -= 1
    with open(out, "wb") as f:
        f.write(data[:cut])


if __name__ == "__main__":
    main()
