"""The comparison as a markdown report and JSON under var/eval/."""

import json
from pathlib import Path
from typing import Any

LANGS = ("all", "en", "fr", "es")
ENTITY_COLUMNS = (
    "all",
    "need_area",
    "topic",
    "member",
    "organization",
    "field",
    "email",
    "reference",
)


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}"


def _num(value: float | None, digits: int = 0) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _repro(row: dict[str, Any]) -> str:
    check = row.get("reproducible")
    if not check:
        return "not checked"
    if check["identical"]:
        return f"identical ({check['n']}/{check['n']})"
    return (
        f"differs: {check['intent_differences']} intents, {check['entity_differences']} "
        f"entity sets, max Δconf {check['max_confidence_delta']:.2g}"
    )


def candidates_table(report: dict[str, Any]) -> list[str]:
    fb = report["configured_fallback"]
    lines = [
        "| pipeline | intent macro-F1 all / en / fr / es | intent accuracy all / en / fr / es "
        f"| entity F1 | fallback at {fb['threshold']:g}/{fb['ambiguity']:g} "
        "| train NLU wall / CPU (s) | model (MB) | parse p50 / p95 (ms) | reproducible |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for row in report["candidates"]:
        if row.get("error"):
            reason = " ".join(row["error"].split())[-240:].replace("|", "/")
            lines.append(f"| {row['candidate']} | failed to train: {reason} |||||||")
            continue
        intent = row["intent"]
        f1 = " / ".join(_pct(intent[k]["macro_f1"]) if k in intent else "–" for k in LANGS)
        acc = " / ".join(_pct(intent[k]["accuracy"]) if k in intent else "–" for k in LANGS)
        lat = row["latency"]
        lines.append(
            f"| {row['candidate']} | {f1} | {acc} | {_pct(row['entities']['all']['f1'])} "
            f"| {_pct(row['fallback_rate'])} % | {_num(row['train_seconds'])} / "
            f"{_num(row.get('train_cpu_seconds'))} "
            f"| {_num(row['model_bytes'] / 1e6, 1)} | {_num(lat['median_ms'])} / "
            f"{_num(lat['p95_ms'])} | {_repro(row)} |"
        )
    return lines


def entities_table(report: dict[str, Any]) -> list[str]:
    support: dict[str, Any] = next(
        (r["entities"] for r in report["candidates"] if r.get("entities")), {}
    )
    header = " | ".join(f"{e} ({support.get(e, {}).get('support', 0)})" for e in ENTITY_COLUMNS)
    lines = [f"| pipeline | {header} |", "|---" * (len(ENTITY_COLUMNS) + 1) + "|"]
    for row in report["candidates"]:
        if row.get("entities"):
            cells = " | ".join(_pct(row["entities"][e]["f1"]) for e in ENTITY_COLUMNS)
            lines.append(f"| {row['candidate']} | {cells} |")
    return lines


def threshold_section(analysis: dict[str, Any], configured: dict[str, float]) -> list[str]:
    if not analysis:
        return ["(the configured pipeline has no predictions)"]
    s = analysis["suggested"]
    # Every 0.1, plus the configured and the suggested points.
    marked = {configured["threshold"], s["threshold"]}
    shown = sorted({0.0, 0.05, 0.1, configured["ambiguity"], s["ambiguity"]})
    lines = [
        "Share of held-out messages (%) that fall back / get a wrong intent through / lose a "
        "right intent to the fallback, by threshold (rows) and ambiguity threshold (columns):",
        "",
        "| threshold | " + " | ".join(f"ambiguity {a:g}" for a in shown) + " |",
        "|---" * (len(shown) + 1) + "|",
    ]
    table = {(r["threshold"], r["ambiguity"]): r for r in analysis["table"]}
    for t in sorted({r["threshold"] for r in analysis["table"]}):
        if round(t * 100) % 10 and t not in marked:
            continue
        cells = []
        for a in shown:
            r = table.get((t, a))
            cells.append(
                "–"
                if r is None
                else f"{_pct(r['fallback_rate'])} / {_pct(r['accepted_wrong'])} / "
                f"{_pct(r['rejected_right'])}"
            )
        lines.append(f"| {t:g} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "Top-intent confidence of right and wrong predictions:",
        "",
        "| confidence | right | wrong |",
        "|---|---|---|",
        *(
            f"| {b['from']:.1f}–{b['to']:.1f} | {b['right']} | {b['wrong']} |"
            for b in analysis["histogram"]
        ),
        "",
        "Least cost with at most 30 % of messages falling back (a wrong intent counted as "
        f"two needless fallbacks): threshold "
        f"{s['threshold']:g}, ambiguity {s['ambiguity']:g} → "
        f"fallback {_pct(s['fallback_rate'])} %, "
        f"wrong through {_pct(s['accepted_wrong'])} %, right lost {_pct(s['rejected_right'])} %.",
    ]
    return lines


def policies_table(rows: list[dict[str, Any]]) -> list[str]:
    lines = [
        "| policies | rasa train core wall / CPU (s) | full rasa train wall / CPU (s) "
        "| model (MB) | test stories |",
        "|---|---|---|---|---|",
    ]
    for r in rows:
        if r.get("error"):
            lines.append(f"| {r['name']} | failed: {r['error'].splitlines()[-1][:120]} ||||")
            continue
        verdict = "pass" if r["stories_pass"] else "prediction errors"
        lines.append(
            f"| {r['name']} | {_num(r['core_seconds'])} / {_num(r.get('core_cpu_seconds'))} "
            f"| {_num(r['full_seconds'])} / {_num(r.get('full_cpu_seconds'))} "
            f"| {_num(r['model_bytes'] / 1e6, 1)} | {verdict} |"
        )
    return lines


def markdown(report: dict[str, Any]) -> str:
    """The whole report."""
    s = report["split"]
    langs = ", ".join(f"{k} {v}" for k, v in s["test_by_language"].items())
    parts = [
        "# NLU pipeline comparison",
        "",
        f"Held-out split: seed {s['seed']}, {s['fraction']:.0%} of each intent × language "
        f"stratum; {s['train']} training and {s['test']} test examples ({langs}).",
        "Training times are wall-clock with Rasa's start-up and no training cache; the "
        "load average at the start of each training is in the JSON.",
        "",
        *candidates_table(report),
        "",
        "## Entity F1 by entity (exact span; test support in brackets)",
        "",
        *entities_table(report),
        "",
        "## Fallback threshold for the configured pipeline",
        "",
        *threshold_section(report.get("threshold_analysis") or {}, report["configured_fallback"]),
    ]
    if report.get("policies"):
        parts += ["", "## Dialogue policies (with the configured NLU pipeline)", ""]
        parts += policies_table(report["policies"])
    return "\n".join(parts) + "\n"


def write(report: dict[str, Any], folder: Path, stem: str = "comparison") -> tuple[Path, Path]:
    """Write <stem>.md and <stem>.json; returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    md, js = folder / f"{stem}.md", folder / f"{stem}.json"
    md.write_text(markdown(report), encoding="utf-8")
    js.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    return md, js
