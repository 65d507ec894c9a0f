#!/usr/bin/env bash
# End-to-end tests of `index --input DIR` (one document per .txt/.md/.html file; id = the
# relative path, title = first line / Markdown heading / HTML <title>; HTML through
# libxml2's parser) and --id-prefix: skipped files are counted and named (binary, invalid
# UTF-8 in a name or a body, unreadable, symlink loops), an empty folder is an error.
set -u
. "${LK_SRC:-.}/tests/cli_lib.sh" bm25_dir

F=$T/docs
mkdir -p "$F/sub" "$F/.git" "$F/empty"
printf '# Sourdough bread\n\nMix flour and water; bake the loaf.\n' > "$F/bread.md"
printf -- '---\ntitle: ignored\n---\nRye loaf\n========\nDense dark bread.\n' > "$F/rye.md"
printf 'Espresso notes\nEspresso is coffee brewed by forcing hot water.\n' > "$F/my notes.txt"
cat > "$F/sub/page.html" <<'HTML'
<!DOCTYPE html><html><head><title>Caffè   latte</title><style>p {color: red}</style>
<script>var hidden = "scriptword";</script></head>
<body><h1>Latte</h1><p>A latte is an <b>esp</b>resso with steamed milk.</p><p>Milk&amp;foam</p></body></html>
HTML
# Latin-1 bytes, declared: read through the declared charset (é = 0xe9)
printf '<html><head><meta charset="iso-8859-1"><title>Caf\xe9</title></head><body>cr\xe8me br\xfbl\xe9e</body></html>' > "$F/sub/latin1.htm"
printf 'bin\0ary' > "$F/bin.txt"
printf 'bad \xff body' > "$F/bad.txt"
printf 'ok\n' > "$F/$(printf 'n\xffame.txt')"
echo "hidden" > "$F/.git/config.txt"
echo "a,b" > "$F/data.csv"
ln -s nowhere "$F/dangling.txt"
# dangling links whose names are not of an indexed kind are ignored, as such files are
ln -s nowhere "$F/photo.jpg"
ln -s nowhere "$F/old-link"
ln -s self-loop "$F/self-loop"
ln -s .. "$F/sub/up"

"$L" index --input "$F" --index "$T/idx" 2> "$T/err" || fail "index DIR: $(cat "$T/err")"
grep -q "skipped 5 file(s): 1 binary (bin.txt); 2 invalid UTF-8 in name or text" "$T/err" ||
  fail "skip report: $(cat "$T/err")"
grep -q "1 unreadable (dangling.txt); 1 symbolic link loop(s) not followed (sub/up)" "$T/err" ||
  fail "skip report (unreadable, loop): $(cat "$T/err")"
"$L" index --info --index "$T/idx" | grep -q '^documents: 5 live' || fail "5 documents"
# a name that is not UTF-8 is printed with its bad byte escaped (the report is one line of text)
mkdir -p "$T/names"
printf 'ok\n' > "$T/names/good.txt"
printf 'ok\n' > "$T/names/$(printf 'n\xffa\tme.txt')"
"$L" index --input "$T/names" --index "$T/idx_names" 2> "$T/err" || fail "index names: $(cat "$T/err")"
grep -q 'skipped 1 file(s): 1 invalid UTF-8 in name or text (n\\xFFa\\x09me.txt)$' "$T/err" ||
  fail "escaped name: $(cat -v "$T/err")"

doc() { "$L" index --info --index "$T/idx" --doc "$1"; }
[ "$(doc bread.md)" = '{"id": "bread.md", "title": "Sourdough bread", "text": "\nMix flour and water; bake the loaf.\n"}' ] ||
  fail "md: $(doc bread.md)"
[ "$(doc rye.md)" = '{"id": "rye.md", "title": "Rye loaf", "text": "Dense dark bread.\n"}' ] ||
  fail "md setext + front matter: $(doc rye.md)"
[ "$(doc my%20notes.txt)" = '{"id": "my%20notes.txt", "title": "Espresso notes", "text": "Espresso is coffee brewed by forcing hot water.\n"}' ] ||
  fail "txt (id percent-encoded): $(doc my%20notes.txt)"
[ "$(doc sub/page.html)" = '{"id": "sub/page.html", "title": "Caffè latte", "text": "Latte\nA latte is an espresso with steamed milk.\nMilk&foam"}' ] ||
  fail "html: $(doc sub/page.html)"
[ "$(doc sub/latin1.htm)" = '{"id": "sub/latin1.htm", "title": "Café", "text": "crème brûlée"}' ] ||
  fail "html latin-1: $(doc sub/latin1.htm)"
# script and style text is not indexed; inline elements do not split words
[ -z "$("$L" search --index "$T/idx" --query scriptword)" ] || fail "script text indexed"
[ "$("$L" search --index "$T/idx" --query espresso --k 5 --format tsv | cut -f3 | sort | tr '\n' ' ')" = "my%20notes.txt sub/page.html " ] ||
  fail "espresso: $("$L" search --index "$T/idx" --query espresso --format tsv)"

# CRLF and lone CR line ends are read as LF in .txt and .md (also in front matter and a setext
# underline); in HTML they are white space
mkdir "$T/cr"
printf 'CRLF title\r\n\r\nline two\r\nold\rmac\r' > "$T/cr/a.txt"
printf -- '---\r\ntitle: x\r\n---\r\nSetext\r\n===\r\nbody\r\n' > "$T/cr/b.md"
printf '<html><head><title>T\r\nx</title></head><body><p>one\r\ntwo</p>\r\n<pre>a\r\nb\rc</pre></body></html>\r\n' > "$T/cr/c.html"
"$L" index --input "$T/cr" --index "$T/cridx" --quiet || fail "index CRLF folder"
crdoc() { "$L" index --info --index "$T/cridx" --doc "$1"; }
[ "$(crdoc a.txt)" = '{"id": "a.txt", "title": "CRLF title", "text": "\nline two\nold\nmac\n"}' ] ||
  fail "txt CRLF: $(crdoc a.txt)"
[ "$(crdoc b.md)" = '{"id": "b.md", "title": "Setext", "text": "body\n"}' ] || fail "md CRLF: $(crdoc b.md)"
[ "$(crdoc c.html)" = '{"id": "c.html", "title": "T x", "text": "one two\na b c"}' ] || fail "html CRLF: $(crdoc c.html)"

# Markdown titles lose their inline markup; an unclosed front matter is text, and its "---"
# (a thematic break) is never the title
mkdir "$T/md"
printf '# **Bold** _title_ with `code_x` and [a link](http://x.org/a_b) ![pic](p.png)\n\ntext\n' > "$T/md/b.md"
printf -- '---\nno closing front matter\n# Heading\n' > "$T/md/c.md"
printf 'snake_case 2 * 3 \\*kept\\*\n===\nbody\n' > "$T/md/d.md"
"$L" index --input "$T/md" --index "$T/mdidx" --quiet || fail "index md folder"
mddoc() { "$L" index --info --index "$T/mdidx" --doc "$1"; }
[ "$(mddoc b.md)" = '{"id": "b.md", "title": "Bold title with code_x and a link pic", "text": "\ntext\n"}' ] ||
  fail "md inline markup: $(mddoc b.md)"
[ "$(mddoc c.md)" = '{"id": "c.md", "title": "no closing front matter", "text": "Heading\n"}' ] ||
  fail "md unclosed front matter: $(mddoc c.md)"
[ "$(mddoc d.md)" = '{"id": "d.md", "title": "snake_case 2 * 3 *kept*", "text": "body\n"}' ] ||
  fail "md literal: $(mddoc d.md)"

# a <nav> menu is not indexed (it would rank every page for "home tickets" and open its
# snippet); header and footer are text
mkdir "$T/nav"
printf '<html><head><title>Jazz night</title></head><body><header>Big Hall</header><nav><a href="/">Home</a> | <a href="/t">Tickets</a></nav><p>Tonight the trio plays.</p><footer>Contact us</footer></body></html>' > "$T/nav/gig.html"
"$L" index --input "$T/nav" --index "$T/navidx" --quiet || fail "index nav folder"
[ "$("$L" index --info --index "$T/navidx" --doc gig.html)" = '{"id": "gig.html", "title": "Jazz night", "text": "Big Hall\nTonight the trio plays.\nContact us"}' ] ||
  fail "html nav: $("$L" index --info --index "$T/navidx" --doc gig.html)"
[ -z "$("$L" search --index "$T/navidx" --query "home tickets")" ] || fail "nav text indexed"

# Markdown text is stored and indexed as read: no markup in snippets, link targets not indexed
mkdir "$T/mdtext"
cat > "$T/mdtext/starter.md" <<'MD'
# Sourdough

Every loaf needs a *starter*. See [my starter guide](https://example.com/starter?ref=blog) for details.

## Ingredients
- 500g flour
- [the FAQ][faq]

```python
print("knead")
```

[faq]: https://github.com/example/faqpage
MD
"$L" index --input "$T/mdtext" --index "$T/mdtidx" --quiet || fail "index md text folder"
[ "$("$L" index --info --index "$T/mdtidx" --doc starter.md)" = '{"id": "starter.md", "title": "Sourdough", "text": "\nEvery loaf needs a starter. See my starter guide for details.\n\nIngredients\n500g flour\nthe FAQ\n\nprint(\"knead\")\n\n"}' ] ||
  fail "md text: $("$L" index --info --index "$T/mdtidx" --doc starter.md)"
[ -z "$("$L" search --index "$T/mdtidx" --query "blog faqpage python")" ] || fail "md link target or fence info indexed"
"$L" search --index "$T/mdtidx" --query "starter flour" --snippet --format json > "$T/out" || fail "md snippet search"
# (the highlight offsets are in the stored text, cleaned: "starter" at 19..26 of the snippet)
grep -q '"text": "Every loaf needs a starter. See my starter guide for details.\\n\\nIngredients\\n500g flour.*"start": 1, "highlights": \[\[19, 26\], \[35, 42\], \[80, 85\]\]' "$T/out" &&
  ! grep -q '[*#]\|](\|https' "$T/out" ||
  fail "md snippet: $(cat "$T/out")"

# --add of another folder with --id-prefix; --id-prefix for text lines
mkdir "$T/more"; printf 'Baguette\nA long thin loaf.\n' > "$T/more/baguette.txt"
"$L" index --add --input "$T/more" --index "$T/idx" --id-prefix more/ --quiet || fail "add DIR"
[ "$("$L" search --index "$T/idx" --query baguette --format tsv | cut -f3)" = more/baguette.txt ] || fail "add DIR id"
# the same folder again: the duplicate is named by the folder (a folder has no lines)
expect_fail 1 "$T/more: duplicate document id \"more/baguette.txt\" (already in the index)" \
  "$L" index --add --input "$T/more" --index "$T/idx" --id-prefix more/ --quiet
printf 'first line\nsecond line\n' > "$T/lines.txt"
"$L" index --input "$T/lines.txt" --input-format text --id-prefix notes- --index "$T/tidx" --quiet || fail "text --id-prefix"
[ "$("$L" search --index "$T/tidx" --query second --format tsv | cut -f3)" = notes-2 ] || fail "text --id-prefix id"
expect_fail 2 "id-prefix is for generated ids" "$L" index --input "$D/../../corpora/sample-docs.jsonl" --index "$T/j" --id-prefix x
# an empty folder (or one without documents) is an error naming it; nothing is left
expect_fail 1 "empty: no documents (no readable .txt, .md or .html file)" "$L" index --input "$F/empty" --index "$T/e"
[ -e "$T/e" ] && fail "empty folder left an index"
# an index that cannot be created is named as given, with what failed (not the temporary
# directory beside it); the skip report waits for a complete pass (only 1 of 2 skipped files
# is known before the index directory is created)
mkdir -p "$T/skipdir"; printf 'ok\n' > "$T/skipdir/a.txt"; printf 'bin\0' > "$T/skipdir/b.txt"
mkdir "$T/skipdir/sub"; ln -s .. "$T/skipdir/sub/up"
expect_fail 1 "cannot create index directory $T/nowhere/idx: No such file or directory" \
  "$L" index --input "$T/skipdir" --index "$T/nowhere/idx"
grep -q "tmp-\|skipped" "$T/err" && fail "missing parent: $(cat "$T/err")"
expect_fail 1 "cannot create index directory $T/lines.txt/idx: Not a directory" \
  "$L" index --input "$T/skipdir" --index "$T/lines.txt/idx"
grep -q "skipped" "$T/err" && fail "file parent: $(cat "$T/err")"
if [ "$(id -u)" = 0 ] && command -v runuser > /dev/null && runuser -u nobody -- true 2> /dev/null; then
  mkdir "$T/ro"; chmod 755 "$T"; chmod 555 "$T/ro"; chmod -R a+rX "$T/skipdir"
  as_nobody() { runuser -u nobody -- "$@"; }
else
  mkdir "$T/ro"; chmod 555 "$T/ro"
  as_nobody() { "$@"; }
fi
if ! touch "$T/ro/x" 2> /dev/null || [ "$(id -u)" = 0 ]; then
  expect_fail 1 "cannot create index directory $T/ro/idx: Permission denied" \
    as_nobody "$L" index --input "$T/skipdir" --index "$T/ro/idx"
  grep -q "tmp-\|skipped" "$T/err" && fail "unwritable parent: $(cat "$T/err")"
fi
chmod 755 "$T/ro"
"$L" index --input "$T/skipdir" --index "$T/skipidx" 2> "$T/err" || fail "skipdir: $(cat "$T/err")"
grep -q "skipped 2 file(s): 1 binary (b.txt); 1 symbolic link loop(s) not followed (sub/up)" "$T/err" ||
  fail "skip report after a complete pass: $(cat "$T/err")"
# --input-format is for a file or standard input: with a folder it is a usage error, not ignored
expect_fail 2 "input-format text: --input $T/skipdir is a directory" \
  "$L" index --input "$T/skipdir" --input-format text --index "$T/fmtidx"
expect_fail 2 "input-format jsonl: --input $T/skipdir is a directory" \
  "$L" index --input "$T/skipdir" --format jsonl --index "$T/fmtidx"
finish bm25_dir
