"""Check a helper's friendly-names part file (temporary; removed before the final commit)."""
import csv, re, sys
from pathlib import Path
ROOT = Path(__file__).resolve().parents[2]
sr = {r["ndb_no"]: r for r in csv.DictReader(open(ROOT / "reference/usda/sr28_foods.csv", encoding="utf-8"))}
weights = {r["ndb_no"] for r in csv.DictReader(open(ROOT / "reference/usda/sr28_weights.csv", encoding="utf-8"))}
reserved = set(re.findall(r"[a-z][a-z0-9 \-]*[a-z0-9]", (ROOT / "curation/parts/README-helpers.md").read_text().split("study foods:")[1].split("6.")[0]))
def fold(s): return " ".join(w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w for w in s.lower().split())
seen = {}
bad = 0
for path in sys.argv[1:]:
    rows = list(csv.DictReader(open(path, encoding="utf-8", newline="")))
    if rows and list(rows[0].keys()) != ["name", "aliases", "ndb_no", "category", "note"]:
        print(path, "bad header", list(rows[0].keys())); bad += 1
    for i, r in enumerate(rows, 2):
        where = f"{path}:{i}"
        if r["ndb_no"] not in sr:
            print(where, "unknown ndb_no", r["ndb_no"]); bad += 1; continue
        d = sr[r["ndb_no"]]["long_desc"]
        if r["ndb_no"] not in weights:
            print(where, "warning: no household measures for", r["ndb_no"], d)
        for k in [r["name"], *[a for a in r["aliases"].split(";") if a.strip()]]:
            k = k.strip()
            if k != k.lower() or not k or k[0].isdigit():
                print(where, "bad name", repr(k)); bad += 1
            f = fold(k)
            if f in reserved or k in reserved:
                print(where, "reserved name", k); bad += 1
            if f in seen:
                print(where, "duplicate", k, "also at", seen[f]); bad += 1
            seen[f] = where
        if re.match(r"(babyfood|restaurant|fast food)", d.lower()) or "babyfood" in d.lower():
            print(where, "warning: points at", d)
print(f"{len(seen)} keys checked, {bad} problems")
sys.exit(1 if bad else 0)
