"""Per-model quality of a large run without reading the truth's mentions (bench/scale.py, scale 500).

``procura evaluate`` loads all of ``truth.json`` (1.5 GB of mentions at scale
500) and scores the pairwise linkage too; the per-model figures need only the
header, which ``write_truth`` puts before the mentions.

    python bench/scale_models_only.py TRUTH WORKSPACE
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from procura.config import get_settings
from procura.evaluate.leads import leads_from_store
from procura.evaluate.models import score_models


def truth_header(path: Path) -> dict:
    lines = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.startswith(' "mentions": ['):
                break
            lines.append(line)
    text = "".join(lines).rstrip().rstrip(",") + "\n}"
    return {**json.loads(text), "mentions": []}


def main() -> None:
    truth = truth_header(Path(sys.argv[1]))
    scores = score_models(truth, leads_from_store(get_settings(Path(sys.argv[2]))))
    print(json.dumps({"models": [s.to_dict() for s in scores]}, default=str))


if __name__ == "__main__":
    main()
