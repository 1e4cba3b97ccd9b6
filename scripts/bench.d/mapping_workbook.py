#!/usr/bin/env python3
"""A city's 事務事業評価 export for the `mapping` benchmark of scripts/bench.

mapping_workbook.py --out DIR --projects N

writes DIR/jimu.xlsx (one sheet, a title row above the header, one row per
project, 200 columns), DIR/jimu.csv (the same cells as UTF-8 CSV, for the
sqlite3 anchor) and DIR/jimu.toml (the mapping that reads it). The shape is
that of real exports: 8 indicators (活動 ア・イ・ウ, 対象 ア・イ, 成果 ア・イ・ウ),
each with a name, a unit and six year blocks of 目標/実績 whose headers carry no
year; six years of budget (当初・最終・決算・一般財源) under headers without a
year; four criteria with reasons; grade, opinion, direction; and columns the
mapping does not read (従事時間, 備考). Cells as printed: `1,234`, full-width
digits, dashes, blanks, era years without the era name (`6`). Deterministic.
Standard library only: the .xlsx is written as its XML parts.
"""

import argparse
import csv
import os
import random
import zipfile
from xml.sax.saxutils import escape

YEARS = 6  # year blocks: FY-4 … FY+1
IND_WIDTH = 2 + 2 * YEARS  # name, unit, then 目標/実績 per year
KINDS = [("活動", 3), ("対象", 2), ("成果", 3)]
BUDGET_FIELDS = ["当初予算額", "最終予算額", "決算額", "うち一般財源"]
CRITERIA = ["目的妥当性", "有効性", "効率性", "公平性"]
TOTAL_COLUMNS = 200
IDS = {"活動": "activity", "対象": "population", "成果": "outcome"}


def letters(i):
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def header():
    h = ["年度", "事業コード", "事務事業名", "部名", "課名", "施策コード", "施策名",
         "対象（誰・何を）", "意図（どのような状態にしたいか）", "結果（施策への貢献）", "手段（今年度の取組）"]
    for kind, n in KINDS:
        for _ in range(n):
            h += [f"{kind}指標名", "単位"] + ["目標", "実績"] * YEARS
    for _ in range(YEARS):
        h += BUDGET_FIELDS
    for c in CRITERIA:
        h += [c, f"{c}の理由"]
    h += ["総合評価", "課長等の意見", "今後の方向性", "方向性の理由"]
    i = 0
    while len(h) < TOTAL_COLUMNS:
        i += 1
        h.append(f"正職員従事時間{i}" if i <= 12 else f"備考{i - 12}")
    return h


SENTENCES = [
    "市民の生活の質を高めるため、関係機関と連携して事業を進める。",
    "前年度の課題を踏まえ、対象者への周知方法を見直した。",
    "利用者アンケートの結果、満足度は概ね高い水準を維持している。",
    "事務の効率化により、従事時間を前年度より削減した。",
    "国・都の補助制度を活用し、一般財源の負担を抑えている。",
]
DIRECTIONS = ["１　現状維持", "２　改革改善（縮小・統合含む）", "３　終了・廃止・休止"]
UNITS = ["件", "人", "回", "％", "か所", "団体"]


def fullwidth(s):
    return s.translate(str.maketrans("0123456789,", "０１２３４５６７８９，"))


def row(rng, p):
    r = [6, f"{p + 1:03d}" if p % 3 else p + 1, f"事務事業{p + 1:03d}", f"第{p % 8 + 1}部", f"第{p % 24 + 1}課",
         f"{p % 5 + 1}－{p % 4 + 1}", f"施策{p % 5 + 1}-{p % 4 + 1}"]
    for _ in range(4):
        r.append("".join(rng.choice(SENTENCES) for _ in range(rng.randint(1, 4))))
    for kind, n in KINDS:
        for k in range(n):
            if rng.random() < 0.1:  # no such indicator for this project
                r += [""] * IND_WIDTH
                continue
            r += [f"{kind}指標{k + 1}（事業{p + 1}）", rng.choice(UNITS)]
            for _ in range(YEARS):
                for role in ("target", "actual"):
                    v = rng.randint(0, 50000)
                    x = rng.random()
                    if kind == "対象" and role == "target":
                        r.append("")  # 対象指標: the size of the population, no target
                    elif x < 0.1:
                        r.append("－")
                    elif x < 0.15:
                        r.append("")
                    elif x < 0.3:
                        r.append(fullwidth(f"{v:,}"))
                    elif x < 0.6:
                        r.append(f"{v:,}")
                    else:
                        r.append(v)
    for _ in range(YEARS):
        for _ in BUDGET_FIELDS:
            x = rng.random()
            v = rng.randint(100, 900000)
            r.append("－" if x < 0.1 else (f"{v:,}" if x < 0.4 else v))
    for _ in CRITERIA:
        r += [rng.choice(["結びついている", "向上余地がある", "向上余地がない"]), rng.choice(SENTENCES)]
    r += [rng.choice("ABC"), rng.choice(SENTENCES), rng.choice(DIRECTIONS), rng.choice(SENTENCES)]
    while len(r) < TOTAL_COLUMNS:
        r.append(rng.randint(0, 2000) if rng.random() < 0.7 else "")
    return r


def cell_xml(ref, v):
    if v == "":
        return ""
    if isinstance(v, int):
        return f'<c r="{ref}"><v>{v}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(v)}</t></is></c>'


def write_xlsx(path, rows):
    sheet = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
             '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>']
    for i, cells in enumerate(rows):
        n = i + 1
        sheet.append(f'<row r="{n}">')
        sheet.extend(cell_xml(f"{letters(c)}{n}", v) for c, v in enumerate(cells))
        sheet.append("</row>")
    sheet.append("</sheetData></worksheet>")
    parts = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        "</Types>",
        "_rels/.rels": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>",
        "xl/workbook.xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="R6事務事業評価" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
        "</Relationships>",
        "xl/worksheets/sheet1.xml": "".join(sheet),
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts.items():
            z.writestr(name, text)


def mapping():
    h = header()
    col = {name: letters(i) for i, name in reversed(list(enumerate(h)))}  # first column of each header
    m = ['[city]\ncode = "990019"\nname = "架空市1"\n',
         '[sheet]\nname = "R6事務事業評価"\nheader_row = 2\n',
         '[year]\ncolumn = "年度"\nera = "令和"\n',
         '[item]\ncode = "事業コード"\ntitle = "事務事業名"\ncode_width = 3\ndepartment = "部名"\nsection = "課名"\n',
         '[plan]\ncode = "sogo"\nname = "総合計画"\nnode = "施策コード"\nnode_title = "施策名"\n']
    for slot, h_ in [("target", "対象（誰・何を）"), ("intent", "意図（どのような状態にしたいか）"),
                     ("result", "結果（施策への貢献）"), ("means", "手段（今年度の取組）"), ("opinion", "課長等の意見")]:
        m.append(f'[[narratives]]\nslot = "{slot}"\ncolumn = "{h_}"\n')
    start = 11
    years = ", ".join(str(y) for y in range(-4, 2))
    for kind, n in KINDS:
        roles = '["actual"]' if kind == "対象" else '["target", "actual"]'
        first_value = start + 2 + (1 if kind == "対象" else 0)
        stride = "" if kind != "対象" else ", stride = 2"
        m.append(f'[[indicators]]\nid = "{IDS[kind]}"\nkind = "{kind}"\nname = "{letters(start)}"\nunit = "{letters(start + 1)}"\n'
                 f'values_block = {{ start = "{letters(first_value)}", years = [{years}], roles = {roles}{stride} }}\n'
                 f'repeat = {{ count = {n}, stride = {IND_WIDTH} }}\n')
        start += n * IND_WIDTH
    m.append(f'[[budgets]]\nyear = -4\ninitial = "{letters(start)}"\nfinal = "{letters(start + 1)}"\n'
             f'settlement = "{letters(start + 2)}"\ngeneral_revenue = "{letters(start + 3)}"\n'
             f'repeat = {{ count = {YEARS}, stride = {len(BUDGET_FIELDS)} }}\n')
    for c in CRITERIA:
        m.append(f'[[criteria]]\nname = "{c}"\ncategory = "{c}"\nreason = "{c}の理由"\n')
    m.append('[[evaluations]]\nstage = "yearend"\nevaluator = "section"\ngrade = "総合評価"\n')
    m.append('[direction]\ncolumn = "今後の方向性"\nreason = "方向性の理由"\n[direction.words]\n'
             '"１　現状維持" = "keep"\n"２　改革改善（縮小・統合含む）" = "none"\n"３　終了・廃止・休止" = "end"\n')
    assert col["年度"] == "A"
    return "\n".join(m)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--projects", type=int, default=400)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    rng = random.Random(20261205)
    h = header()
    assert len(h) == TOTAL_COLUMNS, len(h)
    data = [row(rng, p) for p in range(a.projects)]
    assert all(len(r) == TOTAL_COLUMNS for r in data)
    title = ["令和6年度 事務事業評価シート 一覧"] + [""] * (TOTAL_COLUMNS - 1)
    write_xlsx(os.path.join(a.out, "jimu.xlsx"), [title, h] + data)
    with open(os.path.join(a.out, "jimu.csv"), "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow([f"c{i}" for i in range(TOTAL_COLUMNS)])
        w.writerows(data)
    with open(os.path.join(a.out, "jimu.toml"), "w", encoding="utf-8") as f:
        f.write(mapping())


if __name__ == "__main__":
    main()
