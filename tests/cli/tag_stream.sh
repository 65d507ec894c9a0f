#!/usr/bin/env bash
# `tag` streams every input format: with the input still open (a pipe whose writer has sent
# 1,100 sentences and waits), the first chunk of 1,024 tagged sentences arrives before the end
# of the input, for tokens, word/TAG-free CoNLL-U read into word/TAG output, raw English and
# raw Chinese. (tokens and CoNLL-U to word/TAG used to read the whole input first, and the
# line reader fread() a pipe until its 64 KB buffer was full; streams now use read(2).) The
# client waits for output with a generous timeout, not a fixed sleep.
set -u
. "${LK_SRC:-.}/tests/cli_lib.sh" tag-stream
EN=${LK_SRC:-.}/corpora/models/en-ewt.lkt ZH=${LK_SRC:-.}/corpora/models/zh-gsd-char.lkt
PY=/usr/bin/python3
run() { # run NAME MODEL FORMAT UNIT: UNIT is one sentence of input in that format
  "$PY" - "$L" "$2" "$3" "$4" <<'PYEOF' || fail "$1: $(cat "$T/err" 2>/dev/null)"
import select, subprocess, sys, time
lexkit, model, fmt, unit = sys.argv[1:5]
unit = unit.encode().decode("unicode_escape").encode("latin-1")
p = subprocess.Popen([lexkit, "tag", "--model", model, "--input-format", fmt,
                      "--output-format", "slash", "--quiet"],
                     stdin=subprocess.PIPE, stdout=subprocess.PIPE)
p.stdin.write(unit * 1100)
p.stdin.flush()                      # the input stays open
got, lines, deadline = b"", 0, time.time() + 60
while lines < 1024 and time.time() < deadline:
    r, _, _ = select.select([p.stdout], [], [], deadline - time.time())
    if not r:
        break
    chunk = p.stdout.read1(65536)
    if not chunk:
        break
    got += chunk
    lines = got.count(b"\n")
if lines < 1024:
    p.kill()
    sys.exit("only %d lines before the end of the input (want >= 1024)" % lines)
p.stdin.close()
rest = p.stdout.read()
rc = p.wait()
total = (got + rest).count(b"\n")
if rc != 0 or total != 1100:
    sys.exit("exit %d, %d lines (want 0, 1100)" % (rc, total))
PYEOF
}
run tokens "$EN" tokens 'I like it .\n'
run conllu "$EN" conllu '1\tI\t_\t_\t_\t_\t_\t_\t_\t_\n2\tsee\t_\t_\t_\t_\t_\t_\t_\t_\n\n'
run raw-en "$EN" raw 'I like it.\n'
run raw-zh "$ZH" raw '\xe6\x88\x91\xe5\x96\x9c\xe6\xac\xa2\xe5\xae\x83\xe3\x80\x82\n'
finish tag_stream
