#!/usr/bin/python3
"""Convert `word/UPOS word/UPOS ...` lines (one sentence per line) to CoNLL-U on stdout
(ID, FORM, UPOS; other columns `_`). Used for corpora/zh-everyday-train.txt and, with --text,
for the held-out gold tests/bench/zh_everyday_gold.txt (bench_zh_tag.sh).

  zh_slash2conllu.py [--text] [--script simp|trad] IN.txt > OUT.conllu

--text           write `# sent_id = LINE` and `# text = ...` before each sentence: the words
                 joined, with a space kept between two words only where one ends and the next
                 starts with an ASCII letter or digit (iPhone 17), as the sentence was written.
--script S       keep only the sentences in traditional characters (trad: the sentence has a
                 character of TRAD_ONLY) or only the others (simp).
TRAD_ONLY: the characters of the GSD traditional treebank (train+dev+test) that stand where the
simplified GSD has another character and that never occur in the simplified GSD (1308: 這 們 個
說 會 ...; shared forms such as 台 里 后 are not in it).
"""
import sys

UPOS = set("ADJ ADP ADV AUX CCONJ DET INTJ NOUN NUM PART PRON PROPN PUNCT SCONJ SYM VERB X".split())

TRAD_ONLY = frozenset(
    "丟並亂亞佈佔併來侖侶侷係俠倆倉個們倖倫偉側偵偽傑備傢傭傳債傷傾僅僑僕僱價儀儂億儘償優儲儷"
    "兇兌兒內兩冊凈凍凱別刪則剋剛剝創剷劃劇劉劍劑効勁動務勝勞勢勳勵勸勻匯區協卻厭厲參叢吳呂呉"
    "員唸問啓啟喚喪喬單嗎嘆嘔嘗嘩嘮嘯噁噴噸嚇嚨嚮嚴囉囑囒囪國圍園圓圖團執堅堊堯報場塊塗塚塢塤"
    "塵墊墜墮墳墾壇壓壘壞壩壯壺壽夠夢夥夾奧奪奬奮妝姦姪娛婁婦婭媽嫻嬌嬰孫學宮寢實寧審寫寬寵寶"
    "將專尋對導尷屆屍層屬岡峯島峽崑崗崙嶄嶺嶼嶽巔帥師帳帶幀幟幣幫幹幾庫廂廈廚廝廟廠廢廣廬廳張"
    "強彈彌彎彙彥彷彿後徑從復徵徹恆恥悅悶惡惱愛愨態慘慚慣慮慶慾憂憐憑憤憫憲憶應懲懶懷懸懼戀戰"
    "戲戶拋挾捨捲掃掙掛採揚換揮損搖搗搶摑摯摺撈撐撓撥撫撲撿擁擇擊擋擔據擠擬擱擲擴擺擾攔攜攝攣"
    "攤攪攬敗敘敵數斂斃斬斷於昇時晉暈暢暫曄曆曉曖曬書會東柵査桿條棄棟棲楊楓業極榮構槍槓様槳樁"
    "樂樑樓標樞樣樸樹橈橋機橢橫檔檜檢檯檳檸櫃櫟欄權欖欽歐歡歩歲歷歸殘殯殲殺殼毀毎氈氣氫決沒沖"
    "況洩涇淚淨淪淵淺減渦測渾湧湯準溝溫滄滅滙滬滯滲滸滾滿漁漢漣漬漲漸漿潑潔潛潤潰澀澤澱濁濃濕"
    "濟濤濫濱濾瀆瀋瀏瀕瀘瀝瀟瀨灘灣災為烏烴無煉煙煥煩熱熾燁燈燒營燦燭燾爐爛爭爲爺爾牆牘牠牴牽"
    "犧狀狹猶獄獅獎獨獲獵獸獻現琺瑋瑣瑩瑪璣環瓊甌產産甦畝畢畫異當疇疊痙瘋瘍瘓瘧療癤癥癮癱發皰"
    "盃盜盡監盤盧盪眾睞瞭矚砲碩確碼磚磯礎礙礦祕祿禍禕禦禪禮禱稅種稱穀穌積穎穩穫窩窮窯竄竊競筆"
    "筍箏節範築篤簡簽籃籌籠籤籲粵糞糧糾紀紂約紅紇紈紋納紐紓純紗紙級紛紜紡紮細紳紹紺終組結絕絞"
    "絡給絨統絲絶綁綉綏經綜綠綢綫維綱網綴綺綽綿緊緋緒線緝緞締緣編緩緬緯練緹緻縈縉縛縣縫縮縱縷"
    "總績繆織繕繚繞繡繩繪繫繭繳繹繼繽續纍纏纖纜缽罰罵罷羅羨義習聖聞聯聰聲聳聶職聽聾肅脅脈脩脫"
    "脹腎腦腫腳腸膚膠膩膽臉臍臘臟臥臨臺與興舉舊艙艦艱艷芻茲荊莊莖華菸萊萬葉葯蒐蒼蓋蓮蔣蔥蔭蕩"
    "蕪蕭薔薦薩薺藍藝藥蘆蘇蘊蘋蘭處虛虜號蜆蝕蝸螞螢蟬蟲蟻蠟蠣蠶蠻術衛衝裏補裝裡製複褲襪襲見規"
    "覓視覦親覬覲覺覽觀觸訂訃計訊討訐訓訖託記訝訟訥訪設許訴診註詐詔評詛詝詞詠詢試詩詬詭詮話該"
    "詳詼誇誌認誕誘語誠誤誥誦說誰課誹誼調諂談請諒論諜諦諧諫諭諮諱諶諷諸諺諾謀謁謂謊謎謔謗謙謚"
    "講謝謠謹證識譚譜譯議譴護譽讀變讓讚豈豎豐豬貓貝貞負財貢貧貨販貪貫責貴貶買貸費貼貽貿賀賃賄"
    "資賈賓賚賜賞賠賡賢賣賤賦質賬賭賴賺購賽贈贊贏贖趕趙趨跡踐蹟蹤躍軀車軋軌軍軒軟軸較載輔輕輛"
    "輝輟輪輯輸輻輾輿轄轅轉轍轎轟辦辭辮辯農迴這連週進遊運過達違遙遜遞遠適遲遷選遺遼邁還邊邏郵"
    "郷鄉鄧鄭鄰醜醣醫醬釀釋釗釘針釧釩鈇鈔鈞鈦鈺鈾鉑鉛鉤銀銅銓銘銜銠銨銳銷銹鋁鋅鋏鋒鋪鋸鋼錄錘"
    "錛錠錢錦錫錯錳錶鍊鍋鍔鍛鍵鍾鎂鎊鎖鎮鎰鎳鏈鏞鏡鏢鐘鐳鐵鐸鑄鑑鑒鑰鑲鑼鑽鑿長門閃閉開閏閑閒"
    "間閘閣閤閥閩閱閻闆闊闍闖關闡闢陝陞陣陰陳陸陽隊階隕際隠隨險隱隸隻雖雙雜雞離難雲電霧靂靈靜"
    "鞏鞦韃韆韋韌韓韻響頁頂頃項順須頌預頑頒頓頗領頜頡頤頭頰頸頹頻顆題額顎顏願顛類顥顧顯風颱颳"
    "飈飛飢飪飯飲飼飽飾餃餅餉養餓餘餡館餾饃饋饑饒馬馮馱馳馴駁駐駕駙駛駝駱駿騁騎騏騙騰騷驅驗驚"
    "驟驢驤驥骯髏髒體髖髮鬆鬚鬢鬥鬧鬱魚魯鮑鮮鯉鯛鯨鯽鰂鰓鰭鰺鰻鱂鱈鱗鱲鱷鱸鱺鳥鳳鳴鴉鴛鴦鴨鴻"
    "鴿鵑鵝鵪鵬鵰鶉鶴鷗鷹鹹鹼鹽麗麥麩麴麵麼黃點黨齊齋齒齡齣齧齲龍龐龜")


def is_ascii_alnum(c):
    return c.isascii() and c.isalnum()


def sentence_text(words):
    out = words[0]
    for w in words[1:]:
        if is_ascii_alnum(out[-1]) and is_ascii_alnum(w[0]):
            out += " "
        out += w
    return out


def main(path, text=False, script=None):
    out = sys.stdout
    for ln, line in enumerate(open(path, encoding="utf-8"), 1):
        toks = line.split()
        if not toks:
            continue
        words = []
        for tok in toks:
            word, sep, tag = tok.rpartition("/")
            if not sep or not word or tag not in UPOS:
                sys.exit("%s:%d: bad token %r (want word/UPOS)" % (path, ln, tok))
            words.append((word, tag))
        raw = sentence_text([w for w, _ in words])
        if script is not None and any(c in TRAD_ONLY for c in raw) != (script == "trad"):
            continue
        if text:
            out.write("# sent_id = %d\n# text = %s\n" % (ln, raw))
        for i, (word, tag) in enumerate(words, 1):
            out.write("%d\t%s\t_\t%s\t_\t_\t_\t_\t_\t_\n" % (i, word, tag))
        out.write("\n")


if __name__ == "__main__":
    args, text, script = sys.argv[1:], False, None
    while args and args[0].startswith("--"):
        opt = args.pop(0)
        if opt == "--text":
            text = True
        elif opt == "--script" and args and args[0] in ("simp", "trad"):
            script = args.pop(0)
        else:
            sys.exit(__doc__)
    if len(args) != 1:
        sys.exit(__doc__)
    main(args[0], text, script)
