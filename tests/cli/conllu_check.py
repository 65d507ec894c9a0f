#!/usr/bin/env python3
"""Check `lexkit tag --output-format conllu` output for raw text as UD's validator would at
its first levels, and against the raw text it came from.
Usage: conllu_check.py OUT.conllu [RAW.txt]
Every sentence: 10 tab-separated columns per row, IDs 1..n, FORM without white space, one
`# sent_id` (1, 2, ... over the file) and one `# text`, which ends in no white space and
which the FORMs give back exactly (each followed by nothing with SpaceAfter=No, by its
SpacesAfter value (UDPipe's \\s \\t escapes), else by one space), and also by UD's rule
(validate.py: after a FORM without SpaceAfter=No any run of white space). With RAW: one
sentence per line with a word, in order; its `# text` is the line without the white space
at its ends, each line or paragraph separator as a space, and without the control and
format characters no word keeps (ZWSP, NUL, ...). Prints "ok: N sentences" or the errors."""
import sys
import unicodedata

SEPARATORS = "\x0b\x0c\x1c\x1d\x1e\x1f\x85\u2028\u2029"


def unescape(v):
    out, i = [], 0
    while i < len(v):
        if v[i] == "\\" and i + 1 < len(v):
            out.append({"s": " ", "t": "\t", "n": "\n", "r": "\r", "p": "|", "\\": "\\"}
                       .get(v[i + 1], v[i:i + 2]))
            i += 2
        else:
            out.append(v[i])
            i += 1
    return "".join(out)


def sentences(path):
    sent = None
    for n, line in enumerate(open(path, encoding="utf-8", newline="").read().split("\n"), 1):
        if line == "":
            if sent is not None:
                yield sent
            sent = None
            continue
        if sent is None:
            sent = {"line": n, "comments": [], "rows": []}
        if line.startswith("#"):
            sent["comments"].append(line)
        else:
            sent["rows"].append((n, line.split("\t")))
    if sent is not None:
        yield sent


def check(sent, k, errors):
    where = f"line {sent['line']}"
    ids = [c[2:].split(" = ", 1) for c in sent["comments"] if c.startswith("# sent_id = ")]
    texts = [c[len("# text = "):] for c in sent["comments"] if c.startswith("# text = ")]
    if [c for c in sent["comments"] if c.startswith("# sent_id")] != [f"# sent_id = {k}"]:
        errors.append(f"{where}: want one '# sent_id = {k}', got {ids}")
    if len(texts) != 1:
        errors.append(f"{where}: want one '# text = ', got {len(texts)}")
        return None
    text = texts[0]
    if text == "" or text[0].isspace() or text[-1].isspace():
        errors.append(f"{where}: # text starts or ends with white space: {text!r}")
    exact, ud = "", text
    for i, (n, cols) in enumerate(sent["rows"], 1):
        if len(cols) != 10:
            errors.append(f"line {n}: {len(cols)} columns")
            return text
        if cols[0] != str(i):
            errors.append(f"line {n}: ID {cols[0]!r}, want {i}")
        form, misc = cols[1], cols[9].split("|")
        if form == "" or any(ch.isspace() or unicodedata.category(ch) == "Cc" for ch in form):
            errors.append(f"line {n}: FORM {form!r} is empty or has white space or a control")
        if any(c == "" for c in cols) or any(" " in c for j, c in enumerate(cols) if j != 1):
            errors.append(f"line {n}: an empty column or a space outside FORM")
        exact += form
        after = [m[len("SpacesAfter="):] for m in misc if m.startswith("SpacesAfter=")]
        if "SpaceAfter=No" in misc:
            pass
        elif after:
            exact += unescape(after[0])
        elif i < len(sent["rows"]):
            exact += " "
        if not ud.startswith(form):  # validate.py's check
            errors.append(f"line {n}: text {ud[:20]!r}... does not go on with FORM {form!r}")
            return text
        ud = ud[len(form):]
        if "SpaceAfter=No" not in misc:
            if ud and not ud[0].isspace():
                errors.append(f"line {n}: SpaceAfter=No missing before {ud[:10]!r}")
            ud = ud.lstrip()
    if ud:
        errors.append(f"{where}: # text has more than the FORMs: {ud!r}")
    if exact != text:
        errors.append(f"{where}: FORMs and spacing give {exact!r}, # text is {text!r}")
    return text


def expected(line):
    out = []
    for ch in line:
        if ch in SEPARATORS:
            out.append(" ")
        elif ch.isspace() or unicodedata.category(ch) not in ("Cc", "Cf") or ch == "\u00ad":
            out.append(ch)
    return "".join(out).strip()


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    errors, texts = [], []
    for k, sent in enumerate(sentences(sys.argv[1]), 1):
        texts.append(check(sent, k, errors))
    if len(sys.argv) == 3:
        raw = open(sys.argv[2], encoding="utf-8", newline="").read()
        want = [t for t in (expected(l) for l in raw.lstrip("\ufeff").split("\n")) if t]
        if len(want) != len(texts):
            errors.append(f"{len(texts)} sentences for {len(want)} lines with words")
        for k, (w, t) in enumerate(zip(want, texts), 1):
            if w != t:
                errors.append(f"sentence {k}: # text {t!r}, the line gives {w!r}")
    for e in errors[:20]:
        print(e)
    if errors:
        sys.exit(1)
    print(f"ok: {len(texts)} sentences")


main()
