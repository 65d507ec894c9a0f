#!/usr/bin/python3
"""Regenerate tok_sklearn_input.txt and tok_sklearn_expected.txt: tricky strings and what
scikit-learn's default analyzer (CountVectorizer().build_analyzer(), sklearn 1.2, Python 3.11,
Unicode 14) makes of them: one input line -> one line of space-separated tokens.
Run from this directory: /usr/bin/python3 tok_sklearn_gen.py"""
from sklearn.feature_extraction.text import CountVectorizer

LINES = [
    "Hello, World! This is a test.",
    "I'm can't won't rock'n'roll O'Neil's dogs' 'quoted'",
    "state-of-the-art e-mail x-ray co-operate",
    "3.14 1,000 2023-01-05 v1.2.3 mp3 A4 x86_64 __init__ _a a_ _",
    "café cafe\u0301 naïve nai\u0308ve Ångström A\u030angstro\u0308m",
    "ÉCOLE École ÇA Straße STRASSE ß ẞ",
    "我爱北京天安门 and NLP!",
    "中文分词，很难。 Chinese中文mixed混合text",
    "ＡＢＣ１２３ ＨＥＬＬＯ，ｗｏｒｌｄ！ ｶﾞｷﾞ ﾃｽﾄ",
    "emoji 👍 👍🏽 👨\u200d👩\u200d👧 🇺🇸🇫🇷 ❤️ ok👍ok a😀b",
    "Ελληνικά ΟΔΟΣ ΣΊΣΥΦΟΣ Σ σ ς ΑΣ.Β ΑΣ' ΑΣ",
    "Привет, мир! ЁЖИК Ёжик",
    "x² 10³ ½ ⅓ ① Ⅻ ⅻ 𝟙𝟚 ٣٤ १२३",
    "İstanbul İI Iı KELVIN\u212a \u212bngstrom",
    "tab\tsep\u00a0nbsp\u2003emsp\u3000ideo",
    "hebrew עברית arabic العربية thai ภาษาไทย hindi हिन्दी",
    "zero\u200bwidth soft\u00adhyphen zwj\u200dx zwnj\u200cx",
    "http://example.com/path?q=1&r=two user@mail.org #hashtag @user",
    "ǅemal ǈuka ǋ ﬁnance ﬂow",
    "日本語のテキストです カタカナ ひらがな",
    "한국어 텍스트 ㄱㄴㄷ",
    "a b c d e 1 2 3 ab cd 12",
    "",
    "   ",
    "!!!???...",
]

def main():
    analyze = CountVectorizer().build_analyzer()
    with open("tok_sklearn_input.txt", "w", encoding="utf-8", newline="\n") as f:
        for line in LINES:
            f.write(line + "\n")
    with open("tok_sklearn_expected.txt", "w", encoding="utf-8", newline="\n") as f:
        for line in LINES:
            f.write(" ".join(analyze(line)) + "\n")

if __name__ == "__main__":
    main()
