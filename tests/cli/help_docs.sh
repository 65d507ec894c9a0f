#!/usr/bin/env bash
# Help and docs agree: every option `lexkit CMD --help` lists is in CMD's section of the option
# reference in docs/CLI.md (and the reverse), each --help option line shows a default or says
# "required"/"default", and every `lexkit CMD ... --option` written anywhere in docs/ or
# README.md is an option of CMD.
. "${LK_SRC:-.}/tests/cli_lib.sh" help-docs
SRC=${LK_SRC:-.}
$L --help > "$T/commands" || fail "lexkit --help"
for c in $(sed -n '/^commands:/,$p' "$T/commands" | awk 'NR > 1 {print $1}'); do
  $L "$c" --help > "$T/help.$c" || fail "$c --help exits non-zero"
done
/usr/bin/python3 - "$T" "$SRC" <<'PY' || fail "help/docs mismatch"
import glob, os, re, sys
t, src = sys.argv[1], sys.argv[2]
OPT = re.compile(r"--[a-z](?:[a-z0-9-]*[a-z0-9])?")
LISTED = re.compile(r"^  (--[a-z0-9-]+)", re.M)  # an option line of --help / the reference
helps = {}
for path in glob.glob(f"{t}/help.*"):
    cmd = path.split("help.", 1)[1]
    text = open(path, encoding="utf-8").read()
    assert "\noptions:\n" in text, f"{cmd}: --help has no generated option list"
    opts, last = {}, None
    for line in text.split("\noptions:\n", 1)[1].splitlines():
        m = re.match(r"  (--[a-z0-9-]+)", line)
        if m:
            last = m.group(1)
            opts[last] = line
        elif last and line.startswith("    "):
            opts[last] += " " + line.strip()
    helps[cmd] = opts
bad = []
# every option line carries a default, "required", or is an alias / a flag
for cmd, opts in helps.items():
    for o, line in opts.items():
        if not re.search(r"default|required|old spelling", line):
            bad.append(f"{cmd} {o}: --help shows no default: {line.strip()}")
# the option reference in docs/CLI.md: "### lexkit CMD" sections
ref = open(f"{src}/docs/CLI.md", encoding="utf-8").read()
sections = dict(re.findall(r"^### `lexkit ([a-z-]+)`\n(.*?)(?=^### |\Z)", ref, re.S | re.M))
for cmd, opts in helps.items():
    if cmd not in sections:
        bad.append(f"docs/CLI.md has no option reference for {cmd}")
        continue
    documented = set(LISTED.findall(sections[cmd]))
    for o in sorted(set(opts) - documented):
        bad.append(f"{cmd} {o}: in --help, not in docs/CLI.md")
    for o in sorted(documented - set(opts)):
        bad.append(f"{cmd} {o}: in docs/CLI.md, not in --help")
# every `lexkit CMD ... --opt` in docs/*.md and README.md
cmds = "|".join(sorted(helps, key=len, reverse=True))
for path in sorted(glob.glob(f"{src}/docs/*.md")) + [f"{src}/README.md"]:
    text = open(path, encoding="utf-8").read().replace("\\\n", " ")
    for n, line in enumerate(text.splitlines(), 1):
        for seg in re.split(r"`| \| |&&|;|\$\(|\)", line):
            m = re.search(rf"\blexkit ({cmds})\b(.*)", seg)
            if not m:
                continue
            for o in OPT.findall(m.group(2)):
                if o not in helps[m.group(1)] and o != "--help":
                    bad.append(f"{os.path.basename(path)}: `lexkit {m.group(1)} ... {o}`: no such option")
for b in bad:
    print(b, file=sys.stderr)
sys.exit(1 if bad else 0)
PY
# the reference is exactly what scripts/cli_reference.sh prints (regenerate it with
# `bash scripts/cli_reference.sh build/lexkit --update docs/CLI.md`), and the section before
# it ends as written (hand splices twice cut the end of the `lexkit info` entry)
bash "$SRC/scripts/cli_reference.sh" "$L" > "$T/ref" || fail "cli_reference.sh"
sed -n '/^## Option reference$/,$p' "$SRC/docs/CLI.md" > "$T/ref_doc"
cmp -s "$T/ref" "$T/ref_doc" ||
  fail "docs/CLI.md's option reference is not cli_reference.sh's output: $(diff "$T/ref_doc" "$T/ref" | head -5)"
[ "$(sed -n '/^## Option reference$/{x;p;q};h' "$SRC/docs/CLI.md")" = "" ] ||
  fail "no blank line before '## Option reference' in docs/CLI.md (a cut splice?)"
finish help-docs
