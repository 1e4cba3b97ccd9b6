#!/usr/bin/env python3
"""Writes a synthetic city as a canonical CSV set (the 20 tables of
docs/formats.md) for benchmarks: N projects x 5 indicators x 10 fiscal years,
in the shape of the seeds (a plan with goals and measures, sections, grades on
a printed scale, budgets in yen, narratives, schedules, indicator cells as
printed such as "1,234件", "80%以下", "—").

Deterministic: the same arguments give the same bytes. Several cities made
with the same --projects share indicator names (e.g. "図書館の年間利用者数
（事業0001）"), so /api/v1/compare and /p/compare find one indicator per city.

    synthetic_city.py --out DIR --projects 1000 [--city 1] [--first-year 2015]

City codes are 99001..., with a valid check digit; 99 is no prefecture, so a
synthetic city never collides with a real one. Import with
`hyoka import DIR/*.csv`.
"""

import argparse
import csv
import os
import random

TABLES = {
    "municipalities": ["municipality_code", "name"],
    "sections": ["municipality_code", "department", "section"],
    "scales": ["municipality_code", "scale_code", "scale_name", "legend_printed"],
    "scale_grades": ["municipality_code", "scale_code", "position", "grade_code", "grade_label"],
    "plans": ["municipality_code", "plan_code", "plan_name"],
    "plan_levels": ["municipality_code", "plan_code", "level", "level_name"],
    "plan_nodes": ["municipality_code", "plan_code", "position", "node_code", "parent_code", "title"],
    "node_tags": ["municipality_code", "plan_code", "node_code", "tag"],
    "items": ["municipality_code", "item_key", "kind", "code", "title", "fiscal_year", "relisting_of"],
    "item_tags": ["municipality_code", "item_key", "tag"],
    "placements": ["municipality_code", "item_key", "plan_code", "node_code", "relisting"],
    "item_sections": ["municipality_code", "item_key", "department", "section"],
    "narratives": ["municipality_code", "item_key", "position", "fiscal_year", "slot", "label", "text"],
    "budgets": [
        "municipality_code", "item_key", "fiscal_year", "initial_yen", "final_yen", "settlement_yen",
        "general_revenue_yen", "carried_over_yen", "execution_rate_printed",
    ],
    "evaluations": ["municipality_code", "item_key", "fiscal_year", "stage", "evaluator", "scale", "grade", "comment"],
    "schedules": [
        "municipality_code", "item_key", "position", "fiscal_year", "kind", "label",
        "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec", "jan", "feb", "mar",
        "hours_regular", "hours_other",
    ],
    "next_directions": ["municipality_code", "item_key", "fiscal_year", "printed", "direction", "reason", "transfer"],
    "indicators": [
        "municipality_code", "indicator_key", "name", "kind", "definition", "unit", "direction", "vocabulary",
        "item_key", "plan_code", "node_code",
    ],
    "indicator_values": ["municipality_code", "indicator_key", "fiscal_year", "role", "source", "printed", "printed_in"],
    "judgements": ["municipality_code", "indicator_key", "fiscal_year", "source", "printed", "printed_in"],
}

DEPARTMENTS = ["企画部", "総務部", "市民部", "子ども政策部", "健康福祉部", "生活環境部", "都市整備部", "教育部"]
SECTIONS = ["企画経営課", "管理課", "推進課"]
GOALS = ["安全で安心なまち", "子どもが健やかに育つまち", "健康で支え合うまち", "環境と共生するまち", "活力ある都市基盤のまち"]
MEASURES = ["の推進", "の充実", "の強化", "の基盤づくり"]
# (name, unit, direction, kind): shared across cities for the comparison.
INDICATORS = [
    ("図書館の年間利用者数", "人", "higher", "outcome"),
    ("市民満足度", "%", "higher", "outcome"),
    ("刑法犯認知件数", "件", "lower", "outcome"),
    ("講座の開催回数", "回", "higher", "activity"),
    ("ごみの排出量", "t", "lower", "activity"),
]
GRADES = [("S", "計画以上"), ("A", "計画どおり"), ("B", "計画の7割以上"), ("C", "計画の7割未満")]
DIRECTIONS = [("拡充", "expand"), ("維持", "keep"), ("縮小", "shrink"), ("統合", "merge")]
MONTHS = 12


def city_code(n):
    """A six-digit local government code 99nnn + check digit (JIS X 0402)."""
    five = f"99{n:03d}"
    total = sum(int(d) * w for d, w in zip(five, [6, 5, 4, 3, 2]))
    return five + str((11 - total % 11) % 10)


def era(year):
    if year >= 2019:
        return "令和元年度" if year == 2019 else f"令和{year - 2018}年度"
    return f"平成{year - 1988}年度"


def printed_number(value, unit):
    return f"{value:,}{unit}" if unit != "%" else f"{value}%"


def generate(out, projects, city, first_year, years):
    rng = random.Random(city * 1_000_003 + projects)
    code = city_code(city)
    last_year = first_year + years - 1
    rows = {name: [] for name in TABLES}

    # Columns a table gained after this script was written; left blank.
    optional = {"indicator_values": 1, "judgements": 1}

    def add(table, *values):
        missing = len(TABLES[table]) - 1 - len(values)
        assert 0 <= missing <= optional.get(table, 0), table
        rows[table].append([code, *values, *[""] * missing])

    rows["municipalities"].append([code, f"架空市{city}"])
    for d in DEPARTMENTS:
        for s in SECTIONS:
            add("sections", d, f"{d[:-1]}{s}")
    add("scales", "synth-yearend", f"架空市{city} 事後評価", "1")
    for i, (g, label) in enumerate(GRADES, 1):
        add("scale_grades", "synth-yearend", str(i), g, label)

    plan = "synth-basic-plan"
    add("plans", plan, f"第1次架空市{city}基本計画")
    add("plan_levels", plan, "1", "基本目標")
    add("plan_levels", plan, "2", "施策")
    measures = []
    position = 0
    for gi, goal in enumerate(GOALS, 1):
        position += 1
        add("plan_nodes", plan, str(position), f"{gi}", "", goal)
        for mi, suffix in enumerate(MEASURES, 1):
            position += 1
            node = f"{gi}-{mi}"
            add("plan_nodes", plan, str(position), node, f"{gi}", f"{goal[:-3]}{suffix}")
            measures.append(node)
            if mi == 1:
                add("node_tags", plan, node, "主要")

    for p in range(1, projects + 1):
        key = f"p{p:05d}"
        node = measures[(p - 1) % len(measures)]
        dept = DEPARTMENTS[(p - 1) % len(DEPARTMENTS)]
        section = f"{dept[:-1]}{SECTIONS[(p - 1) % len(SECTIONS)]}"
        title = f"架空事業{p:04d}（{INDICATORS[p % len(INDICATORS)][0][:4]}の取組）"
        add("items", key, "project", f"事-{p}", title, str(last_year), "")
        if p % 7 == 0:
            add("item_tags", key, "新規")
        add("placements", key, plan, node, "0")
        if p % 20 == 0:
            add("placements", key, plan, measures[p % len(measures)], "1")
        add("item_sections", key, dept, section)

        position = 1
        add("narratives", key, str(position), "", "overview", "事業概要",
            f"{title}を実施し、市民サービスの向上を図る。\n- 対象: 市民\n- 手段: 講座・相談・広報")
        for y in range(first_year, last_year + 1):
            position += 1
            add("narratives", key, str(position), str(y), "summary", f"{era(y)}の事業の総括",
                f"{era(y)}は計画どおり実施した。参加者アンケートでは{rng.randint(60, 95)}%が満足と回答した。")
            initial = rng.randint(1_000, 300_000) * 1000
            final = initial + rng.choice([0, 0, 0, rng.randint(-50, 50) * 1000])
            settlement = int(final * rng.uniform(0.7, 1.0)) // 1000 * 1000
            rate = f"{settlement * 100 / final:.1f}%" if final else ""
            add("budgets", key, str(y), str(initial), str(final), str(settlement),
                str(settlement // 2), "0", rate)
            for evaluator in ["section", "review_board"]:
                g = GRADES[rng.randint(0, 3)][0]
                comment = "引き続き事業を推進すること。" if evaluator == "review_board" else ""
                add("evaluations", key, str(y), "yearend", evaluator, "synth-yearend", g, comment)
        for s, kind in enumerate(["planned", "actual"], 1):
            months = ["←", "", "", "→", "", "", "", "", "", "", "", ""]
            add("schedules", key, str(s), str(last_year), kind, "講座の開催", *months[:MONTHS],
                f"{rng.randint(100, 2000)}H", f"{rng.randint(0, 500)}H")
        printed, direction = DIRECTIONS[p % len(DIRECTIONS)]
        add("next_directions", key, str(last_year), printed, direction, "事業の成果を踏まえて判断した。", "")

        for j, (name, unit, direction, kind) in enumerate(INDICATORS):
            ikey = f"{key}/i{j + 1}"
            add("indicators", ikey, f"{name}（事業{p:04d}）", kind, f"{name}の年度末の値", unit, direction,
                "achievement", key, plan if j == 0 else "", node if j == 0 else "")
            base = rng.randint(50, 50_000) if unit != "%" else rng.randint(40, 80)
            source = "成果指標" if kind == "outcome" else "活動指標"
            # Each cell printed in its own year's sheet (printed_in).
            add("indicator_values", ikey, str(first_year), "baseline", source, printed_number(base, unit), str(first_year))
            for y in range(first_year, last_year + 1):
                step = y - first_year + 1
                if direction == "higher":
                    target = base + step * max(1, base // 50)
                    actual = target + rng.randint(-2, 1) * max(1, base // 60)
                    target_text = printed_number(target, unit)
                else:
                    target = max(0, base - step * max(1, base // 50))
                    actual = target + rng.randint(-1, 2) * max(1, base // 60)
                    target_text = f"{target:,}{unit}以下"
                if (p + j + y) % 23 == 0:
                    target_text = "—"  # no target set: not zero
                add("indicator_values", ikey, str(y), "target", source, target_text, str(y))
                actual_text = "" if (p + j + y) % 31 == 0 else printed_number(actual, unit)
                add("indicator_values", ikey, str(y), "actual", source, actual_text, str(y))
                achieved = (actual >= target) if direction == "higher" else (actual <= target)
                add("judgements", ikey, str(y), source, "達成" if achieved else "未達成", str(y))

    os.makedirs(out, exist_ok=True)
    for name, header in TABLES.items():
        with open(os.path.join(out, f"{name}.csv"), "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f, lineterminator="\r\n")
            w.writerow(header)
            w.writerows(rows[name])
    return code, {name: len(r) for name, r in rows.items()}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", required=True, help="directory for the 20 CSV files")
    ap.add_argument("--projects", type=int, default=100)
    ap.add_argument("--city", type=int, default=1, help="city number: code 99nnn + check digit, name 架空市n")
    ap.add_argument("--first-year", type=int, default=2015)
    ap.add_argument("--years", type=int, default=10)
    a = ap.parse_args()
    code, counts = generate(a.out, a.projects, a.city, a.first_year, a.years)
    total = sum(counts.values())
    print(f"{code} 架空市{a.city}: {a.projects} projects, {total} rows "
          f"({counts['indicator_values']} indicator values) in {a.out}")


if __name__ == "__main__":
    main()
