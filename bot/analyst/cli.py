"""`triage model …` retraining and registry commands and `triage nlu evaluate`."""

import argparse
import sys
from pathlib import Path
from typing import Any

from bot.settings import get_settings

Subparsers = "argparse._SubParsersAction[argparse.ArgumentParser]"


def add_train_options(train: argparse.ArgumentParser) -> None:
    """`triage model train --retrain`: the workbench's retraining job, in the foreground."""
    train.add_argument(
        "--retrain",
        action="store_true",
        help="train on the split's training part, evaluate on the held-out part, and load into "
        "the running Rasa server(s) unless the held-out macro-F1 is worse than the active model's",
    )
    train.add_argument(
        "--force-load", action="store_true", help="with --retrain: load even if it scores worse"
    )
    train.add_argument("--config", type=Path, help="with --retrain: another Rasa config file")


def retrain(args: argparse.Namespace) -> int:
    """Run one retraining job here and print how it went."""
    from bot.analyst import jobs

    settings = get_settings()
    ctx = jobs.Context.from_settings(settings)
    inputs = jobs.Inputs()
    if args.config:
        inputs.config = args.config.resolve()
    job = ctx.jobs.create("cli", override=args.force_load, inputs=inputs)
    print(f"job {job['id']} (state in {ctx.jobs.path(job['id'])})", flush=True)
    done = jobs.run(job["id"], ctx)
    for line in done["messages"]:
        print(line)
    print(f"state: {done['state']}")
    return 0 if done["state"] in ("loaded", "kept") else 1


def _list(args: argparse.Namespace) -> int:
    from bot.analyst.models import Registry

    records = Registry(get_settings().model_dir).read()
    if not records:
        print("no models registered yet (the retraining job and `model activate` register them)")
        return 0
    for r in records:
        f1 = f"{r.macro_f1:.3f}" if r.macro_f1 is not None else "  –  "
        mark = "*" if r.active else " "
        print(f"{mark} {r.name:<48} {r.created}  F1 {f1}  {r.trained_on}")
    return 0


def _activate(args: argparse.Namespace) -> int:
    from bot.analyst.models import LoadError, Registry, RegistryError, activate

    settings = get_settings()
    registry = Registry(settings.model_dir)
    path = settings.model_dir / f"{args.name}.tar.gz"
    if registry.get(args.name) is None and path.exists():
        registry.register(path, note="registered by `model activate`")
    try:
        loaded = activate(
            registry, args.name, settings.rasa_urls, settings.rasa_token, "cli", "model activate"
        )
    except (RegistryError, LoadError) as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"{args.name} is active; loaded into {', '.join(loaded)}")
    return 0


def add_model_commands(model: Any) -> None:
    """`triage model list` and `triage model activate NAME`."""
    model.add_parser("list", help="registered models, the active one starred").set_defaults(
        func=_list
    )
    act = model.add_parser(
        "activate", help="load a registered model into the running Rasa server(s) (PUT /model)"
    )
    act.add_argument("name", help="the model's name (its file name without .tar.gz)")
    act.set_defaults(func=_activate)


def _evaluate(args: argparse.Namespace) -> int:
    from bot.analyst import jobs
    from bot.analyst.evaluation import evaluate, held_out
    from bot.analyst.models import Registry
    from bot.model import ensure_model

    settings = get_settings()
    ctx = jobs.Context.from_settings(settings)
    model: Path | None = args.model
    if model is None:
        active = Registry(settings.model_dir).active()
        model = (
            Registry(settings.model_dir).file_of(active)
            if active
            else ensure_model(settings.model_dir)
        )
    if not model.exists():
        print(f"no model file {model}", file=sys.stderr)
        return 1
    work = settings.analyst_dir / "evaluate"
    split = held_out(jobs.Inputs().nlu_root, work / "split")
    result = evaluate(
        model,
        split,
        ctx.evaluations,
        minimum=settings.min_examples_per_intent,
        log_dir=work,
        reuse=not args.again,
    )
    _print(result, ctx.evaluations.path(result["id"], ".png"))
    return 0


def _print(e: dict[str, Any], png: Path) -> None:
    print(f"evaluation {e['id']}  model {e['model']['name']}")
    split = e["split"]
    print(f"held-out split {split['id']}: {split['test']} messages (trained on {split['train']})")
    print(f"macro-F1 {e['macro_f1']:.3f}   accuracy {e['accuracy']:.3f}")
    print(f"\n{'intent':<32} {'prec':>6} {'recall':>6} {'F1':>6} {'support':>8}")
    for r in e["per_intent"]:
        print(
            f"{r['intent']:<32} {r['precision']:>6.2f} {r['recall']:>6.2f} {r['f1']:>6.2f} "
            f"{r['support']:>8}"
        )
    if e["confused_pairs"]:
        print("\nmost confused (right → predicted):")
        for p in e["confused_pairs"][:5]:
            print(f"  {p['count']:>3}  {p['gold']} → {p['predicted']}: {p['examples'][0]!r}")
    if e["few_examples"]:
        names = ", ".join(f["intent"] for f in e["few_examples"])
        print(f"\nfewer than {e['min_examples']} examples in some language: {names}")
    print(f"\nconfusion matrix: {png}")


def add_nlu_commands(nlu: Any) -> None:
    """`triage nlu evaluate [--model PATH]`."""
    ev = nlu.add_parser(
        "evaluate",
        help="score a model on the held-out split: per-intent precision/recall/F1, confusions",
    )
    ev.add_argument("--model", type=Path, help="a model file (default: the active model)")
    ev.add_argument(
        "--again", action="store_true", help="evaluate even if this model was scored on this split"
    )
    ev.set_defaults(func=_evaluate)
