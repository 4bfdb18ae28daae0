#!/usr/bin/env python3
"""Check a paraphrase bank against a lexicon: which ways of stating a factor it misses, and which hard
negatives it wrongly counts.

A bank is a TSV file, one sentence per line:
    <factor_id><TAB><sentence>     the sentence states that this factor happened: it must be found
    !<factor_id><TAB><sentence>    a hard negative (negated, hypothetical, praised, recommendation only,
                                   or another factor): it must not be counted as this factor
Lines starting with '#' are comments.

Each sentence becomes a one-line report under a FINDINGS heading in a temporary folder, `sift
evaluate` runs over them, and the misses are listed. Sentences are not checked against other
factors; "OTHER" lines show factors that a sentence also gave, for a reader to judge.

Usage: scripts/check-bank.py BANK.tsv [LEXICON]      (default lexicon: Lexicons/default)
       SIFT=path/to/sift scripts/check-bank.py ...   (default binary: .build/release/sift)
Exit status: 0 when every positive is found and no hard negative is counted, 1 when some are not,
2 when the bank or the run is broken (bad line, sift failed).
"""
import json, os, re, subprocess, sys, tempfile

if len(sys.argv) not in (2, 3):
    print(__doc__, file=sys.stderr)
    sys.exit(2)
bank = sys.argv[1]
lexicon = sys.argv[2] if len(sys.argv) == 3 else "Lexicons/default"
sift = os.environ.get("SIFT", ".build/release/sift")
rows = []
for number, line in enumerate(open(bank, encoding="utf-8"), 1):
    if not line.strip() or line.startswith("#"):
        continue
    parts = line.rstrip("\n").split("\t", 1)
    if len(parts) != 2 or not parts[1].strip():
        print(f"{bank}:{number}: expected <factor_id> or !<factor_id>, a tab, then a sentence", file=sys.stderr)
        sys.exit(2)
    rows.append((parts[0], parts[1], number))

with tempfile.TemporaryDirectory(prefix="sift-bank-") as out:
    with open(os.path.join(out, "gold.jsonl"), "w") as gold:
        for i, (factor, sentence, _) in enumerate(rows, 1):
            rid = f"b{i:04d}"
            with open(os.path.join(out, rid + ".txt"), "w", encoding="utf-8") as report:
                report.write(f"id: {rid}\n---\nFINDINGS\n{sentence}\n")
            gold.write(json.dumps({"id": rid, "factors": [] if factor.startswith("!") else [factor]}) + "\n")
    try:
        result = subprocess.run([sift, "evaluate", "--format", "json", "--lexicon", lexicon,
                                 "--gold", os.path.join(out, "gold.jsonl"), out], capture_output=True, text=True)
    except OSError as error:
        print(f"cannot run {sift}: {error.strerror} (set SIFT to the sift binary)", file=sys.stderr)
        sys.exit(2)
    try:
        mismatches = json.loads(result.stdout)["mismatches"]
    except (ValueError, KeyError):
        print(f"sift evaluate failed (exit {result.returncode}):\n{result.stderr}", file=sys.stderr)
        sys.exit(2)

missed = counted = 0
positives = sum(1 for factor, _, _ in rows if not factor.startswith("!"))
for mismatch in mismatches:
    kind, factor = mismatch["kind"], mismatch["factor"]
    want, sentence, number = rows[int(mismatch["reportID"][1:]) - 1]
    rules = sorted({item.get("rule", "?") for item in mismatch.get("evidence", [])})
    if kind == "fn":
        missed += 1
        print(f"{bank}:{number}: missed {factor}: {sentence}")
    elif want == "!" + factor:
        counted += 1
        print(f"{bank}:{number}: hard negative counted as {factor} ({', '.join(rules)}): {sentence}")
    else:
        print(f"{bank}:{number}: OTHER {factor} ({', '.join(rules)}): {sentence}")
print(f"positives found {positives - missed}/{positives}; hard negatives counted {counted}/{len(rows) - positives}")
sys.exit(1 if missed or counted else 0)
